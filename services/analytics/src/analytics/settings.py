"""Analytics settings (env prefix `ANALYTICS_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict
from shared.settings import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="ANALYTICS_", extra="ignore", populate_by_name=True
    )

    service_name: str = "analytics"
    port: int = 8005
    # A visitor's repeat views of one persona within this window count once.
    view_window_s: int = 30 * 60
    # Name of the first-party cookie holding an anonymous visitor id (no personal data).
    visitor_cookie: str = "cp_vid"
    visitor_cookie_max_age_s: int = 365 * 24 * 3600
    # Trending: exponential decay half-life and the window events count in.
    trending_half_life_h: float = 24.0
    trending_window_days: int = 7
    trending_refresh_s: float = 60.0

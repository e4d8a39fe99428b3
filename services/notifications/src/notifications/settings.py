"""Notifications settings: `NOTIFICATIONS_*`."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict
from shared.settings import ServiceSettings

DEV_UNSUBSCRIBE_SECRET = "dev-unsubscribe-secret-change-me"


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOTIFICATIONS_", extra="ignore", populate_by_name=True
    )

    service_name: str = "notifications"

    # Signs the opaque one-click unsubscribe links (RFC 8058); production refuses the default.
    unsubscribe_secret: str = DEV_UNSUBSCRIBE_SECRET
    dev_secrets = {"unsubscribe_secret": "NOTIFICATIONS_UNSUBSCRIBE_SECRET"}

    # The mail outbox: how often it is drained and how failures back off (doubling, capped).
    mail_poll_s: float = 2.0
    mail_batch: int = 20
    mail_backoff_base_s: float = 5.0
    mail_backoff_max_s: float = 3600.0

    # New-version fan-out: recipients per transaction, and an optional pause between batches
    # (keeps a huge fan-out from hogging the database; tests use it to kill a worker halfway).
    fanout_batch: int = 1000
    fanout_pause_s: float = 0.2
    fanout_poll_s: float = 2.0

    # The daily digest goes out once the UTC clock passes this hour.
    digest_hour_utc: int = 8
    digest_poll_s: float = 300.0

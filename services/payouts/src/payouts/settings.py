"""Payouts settings: `PAYOUTS_*`, plus the Stripe settings every Stripe-facing service shares."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict
from shared.settings import ServiceSettings, shared_field

DEV_STRIPE_API_KEY = "sk_test_emulator"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev_emulator_secret"
DEV_STRIPE_API_BASE = "http://localhost:12111"


class PayoutsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYOUTS_", extra="ignore", populate_by_name=True)

    service_name: str = "payouts"

    minimum_cents: int = 2500
    holding_days: int = 7
    default_currency: str = "usd"
    # Requested-but-unsettled payouts older than the grace are retried this often (and at start-up).
    sweep_interval_s: float = 60.0
    sweep_grace_s: float = 30.0

    stripe_api_key: str = shared_field(DEV_STRIPE_API_KEY, "STRIPE_API_KEY")  # type: ignore[assignment]
    stripe_webhook_secret: str = shared_field(DEV_STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET")  # type: ignore[assignment]
    # Connect events may come from a separate endpoint with its own secret; empty = the one above.
    stripe_connect_webhook_secret: str = shared_field("", "STRIPE_CONNECT_WEBHOOK_SECRET")  # type: ignore[assignment]
    stripe_api_base: str = shared_field(DEV_STRIPE_API_BASE, "STRIPE_API_BASE")  # type: ignore[assignment]
    stripe_max_network_retries: int = 2

    @property
    def connect_webhook_secret(self) -> str:
        return self.stripe_connect_webhook_secret or self.stripe_webhook_secret

    def dev_defaults_in_use(self) -> list[str]:
        found = super().dev_defaults_in_use()
        if self.stripe_api_key == DEV_STRIPE_API_KEY:
            found.append("STRIPE_API_KEY")
        if self.connect_webhook_secret == DEV_STRIPE_WEBHOOK_SECRET:
            found.append("STRIPE_CONNECT_WEBHOOK_SECRET")
        if self.stripe_api_base == DEV_STRIPE_API_BASE:
            found.append("STRIPE_API_BASE")
        return found

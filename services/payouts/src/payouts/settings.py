"""Payouts settings: `PAYOUTS_*`, plus the kernel's Stripe settings (`STRIPE_*`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict
from shared.settings import shared_field
from shared.stripe_edge import DEV_STRIPE_WEBHOOK_SECRET, StripeServiceSettings


class PayoutsSettings(StripeServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYOUTS_", extra="ignore", populate_by_name=True)

    service_name: str = "payouts"

    minimum_cents: int = 2500
    holding_days: int = 7
    default_currency: str = "usd"
    # Requested-but-unsettled payouts older than the grace are retried this often (and at start-up).
    sweep_interval_s: float = 60.0
    sweep_grace_s: float = 30.0

    # Connect events may come from a separate endpoint with its own secret; empty = the shared one.
    stripe_connect_webhook_secret: str = shared_field("", "STRIPE_CONNECT_WEBHOOK_SECRET")  # type: ignore[assignment]

    @property
    def webhook_secret(self) -> str:
        return self.stripe_connect_webhook_secret or self.stripe_webhook_secret

    @property
    def connect_webhook_secret(self) -> str:
        return self.webhook_secret

    def dev_defaults_in_use(self) -> list[str]:
        found = super().dev_defaults_in_use()
        if self.stripe_connect_webhook_secret:
            # Payouts' endpoint is signed with its own secret: the shared one is not used here.
            found = [name for name in found if name != "STRIPE_WEBHOOK_SECRET"]
        if self.webhook_secret == DEV_STRIPE_WEBHOOK_SECRET:
            found.append("STRIPE_CONNECT_WEBHOOK_SECRET")
        return found

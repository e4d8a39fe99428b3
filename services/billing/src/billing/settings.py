"""Billing settings: `BILLING_*`, plus the unprefixed `STRIPE_*` names payouts shares."""

from __future__ import annotations

from urllib.parse import urlparse

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from shared.settings import ServiceSettings, shared_field

DEV_STRIPE_API_KEY = "sk_test_emulator"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev_emulator_secret"
DEV_STRIPE_API_BASE = "http://localhost:12111"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "stripe-emulator"}


class BillingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BILLING_", extra="ignore", populate_by_name=True)

    service_name: str = "billing"

    # The platform's share of each sale in basis points (3000 = 30%); stored on every transaction.
    platform_fee_bps: int = Field(default=3000, ge=0, le=10_000)
    # Stripe Tax on Checkout (`automatic_tax`); tax is recorded apart from the revenue split.
    tax_enabled: bool = False
    # Stripe's product tax code for the line item ("electronically supplied services").
    tax_code: str = "txcd_10000000"
    # How long a Checkout Session stays payable (Stripe allows 30 minutes to 24 hours).
    checkout_ttl_minutes: int = Field(default=60, ge=30, le=24 * 60)
    # An open session is handed out again only if it stays payable at least this long.
    checkout_reuse_margin_minutes: int = Field(default=10, ge=0)

    stripe_api_key: str = shared_field(DEV_STRIPE_API_KEY, "STRIPE_API_KEY")  # type: ignore[assignment]
    stripe_webhook_secret: str = shared_field(DEV_STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET")  # type: ignore[assignment]
    # Unset: the local emulator with the dev key, real Stripe with any other key. Empty: real Stripe.
    stripe_api_base: str | None = shared_field(None, "STRIPE_API_BASE")  # type: ignore[assignment]
    stripe_timeout_s: float = 10.0
    stripe_max_network_retries: int = 2
    # Signed webhooks older than this are refused (Stripe's own default tolerance).
    stripe_webhook_tolerance_s: int = 300

    @property
    def stripe_base_url(self) -> str | None:
        """The API base the SDK talks to; None means Stripe itself."""
        if self.stripe_api_base is None:
            return DEV_STRIPE_API_BASE if self.stripe_api_key == DEV_STRIPE_API_KEY else None
        return self.stripe_api_base.rstrip("/") or None

    def dev_defaults_in_use(self) -> list[str]:
        found = super().dev_defaults_in_use()
        if self.stripe_api_key == DEV_STRIPE_API_KEY:
            found.append("STRIPE_API_KEY")
        if self.stripe_webhook_secret == DEV_STRIPE_WEBHOOK_SECRET:
            found.append("STRIPE_WEBHOOK_SECRET")
        base = self.stripe_base_url
        if base is not None and urlparse(base).hostname in LOCAL_HOSTS:
            found.append("STRIPE_API_BASE")  # the local emulator would take real payments' place
        return found

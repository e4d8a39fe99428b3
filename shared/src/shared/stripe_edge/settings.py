"""Stripe settings every Stripe-facing service shares, and the one rule for Stripe vs emulator."""

from __future__ import annotations

from urllib.parse import urlparse

from shared.settings import ServiceSettings, shared_field

# The local emulator (tools/stripe_emulator) and its development credentials.
DEV_STRIPE_API_KEY = "sk_test_emulator"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev_emulator_secret"
DEV_STRIPE_API_BASE = "http://localhost:12111"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "stripe-emulator"}


class StripeServiceSettings(ServiceSettings):
    """Base of a service that talks to Stripe. `STRIPE_*` are read unprefixed (one key for the
    whole platform); the HTTP knobs are per service (`BILLING_STRIPE_TIMEOUT_S`, ...)."""

    stripe_api_key: str = shared_field(DEV_STRIPE_API_KEY, "STRIPE_API_KEY")  # type: ignore[assignment]
    stripe_webhook_secret: str = shared_field(DEV_STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET")  # type: ignore[assignment]
    # Unset: the local emulator with the dev key, real Stripe with any other key. Empty: real Stripe.
    stripe_api_base: str | None = shared_field(None, "STRIPE_API_BASE")  # type: ignore[assignment]
    stripe_timeout_s: float = 10.0
    # Stripe's SDK retries network errors, 409s and 5xx with backoff, reusing the idempotency key.
    stripe_max_network_retries: int = 2
    # Signed webhooks older than this are refused (Stripe's own default tolerance).
    stripe_webhook_tolerance_s: int = 300

    dev_secrets = {
        "stripe_api_key": "STRIPE_API_KEY",
        "stripe_webhook_secret": "STRIPE_WEBHOOK_SECRET",
    }

    @property
    def stripe_base_url(self) -> str | None:
        """The API base the SDK talks to; None means Stripe itself."""
        if self.stripe_api_base is None:
            return DEV_STRIPE_API_BASE if self.stripe_api_key == DEV_STRIPE_API_KEY else None
        return self.stripe_api_base.rstrip("/") or None

    @property
    def webhook_secret(self) -> str:
        """The signing secret of this service's webhook endpoint."""
        return self.stripe_webhook_secret

    def dev_defaults_in_use(self) -> list[str]:
        found = super().dev_defaults_in_use()
        base = self.stripe_base_url
        if base is not None and urlparse(base).hostname in LOCAL_HOSTS:
            found.append("STRIPE_API_BASE")  # the local emulator would take real payments' place
        return found

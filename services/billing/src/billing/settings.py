"""Billing settings: `BILLING_*`, plus the kernel's Stripe settings (`STRIPE_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from shared.stripe_edge import StripeServiceSettings


class BillingSettings(StripeServiceSettings):
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

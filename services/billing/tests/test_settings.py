"""Settings: the Stripe base resolution and production's refusal of development defaults."""

from __future__ import annotations

import pytest
from billing.settings import BillingSettings
from pydantic import ValidationError
from shared.stripe_edge import DEV_STRIPE_API_BASE


def test_defaults_point_at_the_local_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STRIPE_API_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)
    s = BillingSettings()
    assert s.stripe_base_url == DEV_STRIPE_API_BASE
    assert s.platform_fee_bps == 3000 and s.database_url == "postgresql://localhost/billing"


def test_a_real_key_without_a_base_talks_to_stripe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_realkey")
    assert BillingSettings().stripe_base_url is None
    monkeypatch.setenv("STRIPE_API_BASE", "")
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_emulator")
    assert BillingSettings().stripe_base_url is None
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9999/")
    assert BillingSettings().stripe_base_url == "http://127.0.0.1:9999"


def test_prefixed_and_shared_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLING_PLATFORM_FEE_BPS", "2500")
    monkeypatch.setenv("BILLING_TAX_ENABLED", "true")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_x")
    s = BillingSettings()
    assert (s.platform_fee_bps, s.tax_enabled, s.stripe_webhook_secret) == (2500, True, "whsec_x")
    monkeypatch.setenv("BILLING_PLATFORM_FEE_BPS", "10001")
    with pytest.raises(ValidationError):
        BillingSettings()


def test_production_refuses_development_stripe_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("AMQP_URL", "amqp://u:p@mq/")
    monkeypatch.setenv("BILLING_DATABASE_URL", "postgresql://db.internal/billing")
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ValidationError) as exc:
        BillingSettings()
    assert "STRIPE_API_KEY" in str(exc.value) and "STRIPE_WEBHOOK_SECRET" in str(exc.value)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_live_x")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_real")
    assert BillingSettings().stripe_base_url is None


def test_production_refuses_the_local_emulator_as_stripe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("AMQP_URL", "amqp://u:p@mq/")
    monkeypatch.setenv("BILLING_DATABASE_URL", "postgresql://db.internal/billing")
    monkeypatch.setenv("STRIPE_API_KEY", "sk_live_x")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_real")
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:12111")
    with pytest.raises(ValidationError) as exc:
        BillingSettings()
    assert "STRIPE_API_BASE" in str(exc.value)
    monkeypatch.setenv("STRIPE_API_BASE", "https://api.stripe.com")
    assert BillingSettings().stripe_base_url == "https://api.stripe.com"

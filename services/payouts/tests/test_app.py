"""Settings, the OpenAPI document, and read models rebuilt from the event store."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from payouts import queries
from payouts.domain import CreatorLedger, ledger_stream
from payouts.settings import PayoutsSettings
from shared.uow import UnitOfWork


def test_settings_read_the_environment_and_production_refuses_dev_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAYOUTS_MINIMUM_CENTS", "1000")
    monkeypatch.setenv("PAYOUTS_HOLDING_DAYS", "14")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_billing_and_payouts")
    s = PayoutsSettings()
    assert (s.minimum_cents, s.holding_days) == (1000, 14)
    assert s.connect_webhook_secret == "whsec_billing_and_payouts"
    monkeypatch.setenv("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_connect")
    assert PayoutsSettings().connect_webhook_secret == "whsec_connect"
    assert PayoutsSettings().database_url == "postgresql://localhost/payouts"

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("AMQP_URL", "amqp://u:p@mq/")
    monkeypatch.setenv("PAYOUTS_DATABASE_URL", "postgresql://db/payouts")
    with pytest.raises(ValueError, match=r"STRIPE_API_KEY.*STRIPE_API_BASE"):
        PayoutsSettings()
    monkeypatch.setenv("STRIPE_API_KEY", "sk_live_x")
    monkeypatch.setenv("STRIPE_API_BASE", "https://api.stripe.com")
    assert PayoutsSettings().is_production


def test_a_real_key_without_a_base_talks_to_real_stripe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel's one rule, as billing: payouts never stays on the emulator with a real key."""
    for name in ("STRIPE_API_BASE", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_realkey")
    assert PayoutsSettings().stripe_base_url is None
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_emulator")
    assert PayoutsSettings().stripe_base_url == "http://localhost:12111"


async def test_openapi_lists_the_public_routes(harness: Any) -> None:
    doc = (await harness.http.get("/openapi.json")).json()
    assert {
        "/api/payouts/onboarding",
        "/api/earnings",
        "/api/earnings/transactions",
        "/api/payouts",
        "/api/earnings/statements/{year}",
        "/api/payouts/webhook",
    } <= set(doc["paths"])


async def test_read_models_rebuild_to_the_same_figures_and_agree_with_the_ledger(
    harness: Any,
) -> None:
    creator = str(uuid.uuid4())
    await harness.fund_platform()
    await harness.onboard(creator)
    first = await harness.sale(creator, 10_000, days_ago=10)
    await harness.sale(creator, 2000, days_ago=1)
    refund = await harness.refund(creator, first.data["transaction_id"], 1000, 700, full=False)
    await harness.processed(refund)
    assert (await harness.post("/api/payouts", creator, json={"amount": 3000})).status_code == 201

    async def snapshot() -> tuple[Any, ...]:
        return (
            await harness.earnings(creator),
            (await harness.get("/api/earnings/transactions", creator)).json(),
            (await harness.get("/api/payouts", creator)).json(),
        )

    before = await snapshot()
    assert (before[0]["available"], before[0]["pending"], before[0]["paid"]) == (3300, 1400, 3000)
    count = await harness.svc.store.rebuild_projections(harness.svc.pool)
    assert count >= 6
    assert await snapshot() == before

    now = harness.svc.now()
    async with harness.svc.pool.acquire() as conn:
        ledger = await UnitOfWork(conn, harness.svc.store).load(
            CreatorLedger, ledger_stream(creator)
        )
    assert ledger.balance("usd", now) == await queries.balance(
        harness.svc.pool, creator, "usd", now
    )


async def test_a_forged_cursor_is_a_clear_400_not_a_server_error(harness: Any) -> None:
    from shared.pagination import encode_cursor

    creator = str(uuid.uuid4())
    for path in ("/api/earnings/transactions", "/api/payouts"):
        for values in (["nan"], [None], [], ["2026-01-01T00:00:00+00:00"], [{}], [10**30]):
            r = await harness.get(path, creator, params={"cursor": encode_cursor(values)})
            if r.status_code == 200:
                continue  # a cursor that happens to be well formed
            assert r.status_code == 400, (path, values, r.text)
            assert r.json()["code"] == "invalid_cursor"
    r = await harness.get(
        "/api/earnings/transactions", creator, params={"cursor": encode_cursor(["x"])}
    )
    assert r.status_code == 400
    r = await harness.get("/api/payouts", creator, params={"cursor": encode_cursor(["x", "y"])})
    assert r.status_code == 400

"""The Stripe edge: the one Stripe-vs-emulator rule, the webhook reader, inbox de-duplication
and typed objects; on a real database and over real HTTP."""

from __future__ import annotations

import json
import time

import httpx
import pytest
import stripe
from fastapi import FastAPI, Request
from pydantic import ValidationError
from shared.db import connect, migrate
from shared.http import install_error_handlers
from shared.stripe_edge import (
    DEV_STRIPE_API_BASE,
    DEV_STRIPE_API_KEY,
    Account,
    CheckoutSession,
    PaymentIntent,
    StripeServiceSettings,
    Transfer,
    first_delivery,
    inbox_id,
    read_event,
)
from shared.testing.servers import serve_app

SECRET = "whsec_edge_test"


class Demo(StripeServiceSettings):
    service_name: str = "demo"


def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STRIPE_API_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_one_rule_for_stripe_or_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    _clean(monkeypatch)
    assert Demo().stripe_base_url == DEV_STRIPE_API_BASE  # dev key, no base: the emulator
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_real")
    assert Demo().stripe_base_url is None  # a real key and no base: Stripe itself
    monkeypatch.setenv("STRIPE_API_BASE", "")
    monkeypatch.setenv("STRIPE_API_KEY", DEV_STRIPE_API_KEY)
    assert Demo().stripe_base_url is None  # empty base: Stripe itself
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9999/")
    assert Demo().stripe_base_url == "http://127.0.0.1:9999"


def test_production_refuses_emulator_keys_and_loopback_bases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clean(monkeypatch)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("AMQP_URL", "amqp://u:p@mq/")
    prod = {"database_url": "postgresql://db.internal/demo"}
    with pytest.raises(ValidationError, match=r"STRIPE_API_KEY.*STRIPE_WEBHOOK_SECRET"):
        Demo(**prod)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_live_x")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_live")
    monkeypatch.setenv("STRIPE_API_BASE", "http://stripe-emulator:12111")
    with pytest.raises(ValidationError, match="STRIPE_API_BASE"):
        Demo(**prod)
    monkeypatch.delenv("STRIPE_API_BASE")
    assert Demo(**prod).stripe_base_url is None


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/webhook")
    async def webhook(request: Request) -> dict[str, str]:
        event = await read_event(request, SECRET, 300, max_bytes=10_000)
        return {"id": event.id, "type": event.type, "object": str(event.object.get("id"))}

    return app


def _signed(body: str, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(
        body, secret, timestamp=at or int(time.time())
    )
    return {"Stripe-Signature": header}


async def test_the_webhook_reader_checks_size_signature_and_shape() -> None:
    event = json.dumps(
        {"id": "evt_1", "type": "charge.refunded", "data": {"object": {"id": "ch_1"}}}
    )
    async with serve_app(_app()) as url, httpx.AsyncClient(base_url=url) as http:
        ok = await http.post("/webhook", content=event, headers=_signed(event))
        assert ok.status_code == 200
        assert ok.json() == {"id": "evt_1", "type": "charge.refunded", "object": "ch_1"}

        for headers in ({}, _signed(event, "whsec_other"), _signed(event, at=1_600_000_000)):
            r = await http.post("/webhook", content=event, headers=headers)
            assert r.status_code == 400 and r.json()["code"] == "invalid_signature"
        assert r.headers["content-type"].startswith("application/problem+json")

        for body in ("[1, 2]", '"evt"', '{"id": "evt_2"}', '{"id": "e", "type": "t", "data": 1}'):
            r = await http.post("/webhook", content=body, headers=_signed(body))
            assert r.status_code == 400 and r.json()["code"] == "invalid_event", body

        big = json.dumps({"id": "evt_3", "pad": "x" * 20_000})
        r = await http.post("/webhook", content=big, headers=_signed(big))
        assert r.status_code == 413 and r.json()["code"] == "payload_too_large"


async def test_each_stripe_event_id_is_recorded_once_in_the_inbox(database_url: str) -> None:
    await migrate(database_url, [])
    conn = await connect(database_url)
    try:
        assert await first_delivery(conn, "evt_a") is True
        assert await first_delivery(conn, "evt_a") is False
        assert await first_delivery(conn, "evt_b") is True
        # The same key the services' migrations compute in SQL for the ids they carried over.
        in_sql = await conn.fetchval("SELECT md5('stripe:' || $1::text)::uuid", "evt_a")
        assert in_sql == inbox_id("evt_a")
        assert await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'stripe'") == 2
    finally:
        await conn.close()


def test_typed_objects_read_stripe_shapes() -> None:
    session = CheckoutSession.model_validate(
        {
            "id": "cs_1",
            "payment_intent": {"id": "pi_1", "object": "payment_intent"},
            "amount_total": None,
            "total_details": {"amount_tax": 7},
            "metadata": None,
        }
    )
    assert (session.payment_intent, session.amount_total, session.amount_tax) == ("pi_1", 0, 7)
    assert session.metadata == {}
    assert PaymentIntent.model_validate({"id": "pi", "latest_charge": "ch_1"}).latest_charge is None
    expanded = PaymentIntent.model_validate(
        {
            "id": "pi",
            "latest_charge": {"id": "ch_1", "payment_method_details": {"card": {"last4": "4242"}}},
        }
    )
    assert expanded.latest_charge is not None and expanded.latest_charge.card is not None
    assert expanded.latest_charge.card.last4 == "4242"
    account = Account.model_validate(
        {"id": "acct_1", "payouts_enabled": True, "capabilities": {"transfers": "active"}}
    )
    assert account.transfers_active and not account.details_submitted
    transfer = Transfer.model_validate(
        {
            "id": "tr_1",
            "amount_reversed": 300,
            "reversals": {"data": [{"metadata": {}}, {"metadata": {"reason": "closed"}}]},
        }
    )
    assert (transfer.amount_reversed, transfer.reversal_reasons) == (300, ("closed",))

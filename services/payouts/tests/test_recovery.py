"""Crashes and outages between the reservation and the transfer; the Stripe webhook's guard."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import timedelta
from typing import Any

from payouts import commands
from payouts.app import create_app
from payouts.stripe_connect import StripeConnect
from shared.testing.servers import free_port, serve_app
from stripe_emulator.testing import WEBHOOK_SECRET


async def ready_creator(h: Any, gross: int = 5000) -> tuple[str, str]:
    creator = str(uuid.uuid4())
    await h.fund_platform()
    account = await h.onboard(creator)
    await h.processed(await h.sale(creator, gross, days_ago=10))
    return creator, account


async def reserve(h: Any, creator: str) -> str:
    """The first half of a payout only, as if the process died right after the commit."""
    payout_id = str(uuid.uuid4())
    payout, created = await commands.reserve_payout(
        h.svc, creator, payout_id=payout_id, currency="usd"
    )
    assert created and payout.status == "requested"
    return payout_id


async def test_a_crash_before_the_transfer_is_finished_by_the_sweeper(harness: Any) -> None:
    creator, account = await ready_creator(harness)
    payout_id = await reserve(harness, creator)
    [item] = (await harness.get("/api/payouts", creator)).json()["items"]
    assert item["status"] == "requested" and "being made" in item["reason"]
    e = await harness.earnings(creator)
    assert (e["available"], e["in_flight"], e["balance"]) == (0, 3500, 0)

    # Within the grace period the sweeper leaves it to the request that is still running.
    assert await commands.sweep_unsettled(harness.svc) == 0
    assert await commands.sweep_unsettled(harness.svc, grace=timedelta(0)) == 1
    assert await commands.sweep_unsettled(harness.svc, grace=timedelta(0)) == 0
    [item] = (await harness.get("/api/payouts", creator)).json()["items"]
    assert item["status"] == "paid" and item["id"] == payout_id
    assert [t.id for t in await harness.transfers(account)] == [item["stripe_transfer"]]


async def test_a_crash_after_the_transfer_settles_with_that_transfer_not_a_second(
    harness: Any,
) -> None:
    creator, account = await ready_creator(harness)
    await harness.emu.put("/_emulator/webhooks", json={"urls": []})  # the webhook is lost too
    payout_id = await reserve(harness, creator)
    made = await harness.svc.stripe.transfer(
        payout_id=payout_id, creator_id=creator, amount=3500, currency="usd", destination=account
    )
    assert made.transfer is not None

    assert await commands.sweep_unsettled(harness.svc, grace=timedelta(0)) == 1
    [item] = (await harness.get("/api/payouts", creator)).json()["items"]
    assert (item["status"], item["stripe_transfer"]) == ("paid", made.transfer)
    assert len(await harness.transfers(account)) == 1


async def test_the_transfer_created_webhook_settles_a_payout_left_requested(
    harness: Any,
) -> None:
    creator, account = await ready_creator(harness)
    payout_id = await reserve(harness, creator)
    made = await harness.svc.stripe.transfer(
        payout_id=payout_id, creator_id=creator, amount=3500, currency="usd", destination=account
    )

    async def item() -> Any:
        return (await harness.get("/api/payouts", creator)).json()["items"][0]

    settled = await harness.eventually(item, lambda p: p["status"] == "paid")
    assert settled["stripe_transfer"] == made.transfer


async def test_stripe_unreachable_keeps_the_money_reserved_until_the_retry(harness: Any) -> None:
    creator, account = await ready_creator(harness)
    working = harness.svc.stripe
    harness.svc.stripe = StripeConnect(
        harness.settings.model_copy(update={"stripe_api_base": f"http://127.0.0.1:{free_port()}"})
    )
    try:
        r = await harness.post("/api/payouts", creator, json={})
    finally:
        await harness.svc.stripe.close()
        harness.svc.stripe = working
    assert r.status_code == 201 and r.json()["status"] == "requested"
    second = await harness.post("/api/payouts", creator, json={})
    assert second.status_code == 409 and second.json()["code"] == "below_minimum"

    assert await commands.sweep_unsettled(harness.svc, grace=timedelta(0)) == 1
    [item] = (await harness.get("/api/payouts", creator)).json()["items"]
    assert item["status"] == "paid"
    assert [t.amount for t in await harness.transfers(account)] == [3500]


async def test_the_service_sweeps_leftover_payouts_at_start_up(
    harness: Any, database_url: str
) -> None:
    creator, account = await ready_creator(harness)
    await reserve(harness, creator)
    settings = harness.settings.model_copy(update={"sweep_grace_s": 0.0})
    second = create_app(settings, clock=harness.clock, sweeper=True)
    async with serve_app(second):

        async def status() -> Any:
            return await harness.svc.pool.fetchval("SELECT status FROM payouts")

        assert await harness.eventually(status, lambda s: s == "paid") == "paid"
    assert len(await harness.transfers(account)) == 1


def _signed(body: bytes, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    t = int(time.time())
    sig = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={t},v1={sig}", "Content-Type": "application/json"}


async def test_the_webhook_checks_the_signature_on_the_raw_body(harness: Any) -> None:
    event = {
        "id": "evt_x",
        "object": "event",
        "type": "transfer.reversed",
        "data": {"object": {"id": "tr_x", "metadata": {"payout_id": "nope"}}},
    }
    body = json.dumps(event).encode()
    url = "/api/payouts/webhook"
    r = await harness.http.post(url, content=body)
    assert r.status_code == 400 and r.json()["code"] == "invalid_signature"
    r = await harness.http.post(url, content=body, headers=_signed(body, "whsec_wrong"))
    assert r.status_code == 400
    r = await harness.http.post(url, content=body + b" ", headers=_signed(body))
    assert r.status_code == 400
    r = await harness.http.post(url, content=body, headers=_signed(body))
    assert r.status_code == 200 and r.json() == {"status": "ignored"}


async def test_the_webhook_refuses_an_oversized_body_before_reading_it_all(harness: Any) -> None:
    """Anyone can reach the webhook: a huge body is refused with 413, not buffered whole."""
    event = {"id": "evt_big", "type": "transfer.created", "pad": "x" * 2_000_000}
    body = json.dumps(event).encode()
    r = await harness.http.post("/api/payouts/webhook", content=body, headers=_signed(body))
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert (
        await harness.svc.pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'stripe'") == 0
    )

"""The webhook endpoint: signatures, duplicates (even concurrent ones), any order of arrival."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

from stripe_emulator.testing import WEBHOOK_SECRET
from stripe_emulator.webhooks import sign

ASYNC_CARD = "4000000000000044"
DISPUTE_CARD = "4000000000000259"  # pays, then the card network opens a fraud dispute


async def test_the_same_webhook_five_times_at_once_completes_once(start_billing) -> None:
    # Stripe's deliveries are switched off: the test delivers the real event itself.
    async with start_billing(deliver_webhooks=False) as billing:
        started = await billing.start_sale()
        tx_id = started["transaction_id"]
        await billing.pay(started["session_id"])
        [event] = await billing.stripe_events("checkout.session.completed")
        assert event["data"]["object"]["id"] == started["session_id"]

        responses = await asyncio.gather(*(billing.post_webhook(event) for _ in range(5)))
        assert [r.status_code for r in responses] == [200] * 5
        outcomes = sorted(r.json()["outcome"] for r in responses)
        assert outcomes == ["duplicate"] * 4 + ["processed"]

        assert len(await billing.stored("PurchaseCompleted", tx_id)) == 1
        assert await billing.stripe_events_recorded(event["id"]) == 1
        assert (await billing.transaction(tx_id))["status"] == "completed"
        [completed] = await billing.bus.wait_for("PurchaseCompleted", tx_id)
        assert completed.data["creator_revenue"] == 699

        # A sixth, later delivery is a duplicate too.
        r = await billing.post_webhook(event)
        assert r.status_code == 200 and r.json()["outcome"] == "duplicate"
        # Nothing left unpublished: the one completion went out, and only one.
        await billing.eventually(lambda: billing.pool.fetchval("SELECT count(*) = 0 FROM outbox"))
        assert len(billing.bus.of_type("PurchaseCompleted", tx_id)) == 1


async def test_bad_stale_or_missing_signatures_are_refused_and_change_nothing(
    start_billing,
) -> None:
    async with start_billing(deliver_webhooks=False) as billing:
        started = await billing.start_sale()
        await billing.pay(started["session_id"])
        [event] = await billing.stripe_events("checkout.session.completed")

        wrong_secret = await billing.post_webhook(event, secret="whsec_not_ours")
        stale = await billing.post_webhook(event, timestamp=int(time.time()) - 3600)
        missing = await billing.post_webhook(event, signature="")
        garbage = await billing.post_webhook(event, signature="t=1,v1=deadbeef")
        body = json.dumps(event)
        tampered = await billing.http.post(
            "/api/payments/webhook",
            content=body.replace("paid", "unpaid").encode(),
            headers={"Stripe-Signature": sign(body, WEBHOOK_SECRET)},
        )
        for r in (wrong_secret, stale, missing, garbage, tampered):
            assert r.status_code == 400, r.text
            assert r.json()["code"] == "invalid_signature"
        assert await billing.stripe_events_recorded() == 0
        assert (await billing.transaction(started["transaction_id"]))["status"] == "pending"
        assert await billing.stored_types(started["transaction_id"]) == ["CheckoutStarted"]

        # The genuine article still works afterwards.
        r = await billing.post_webhook(event)
        assert r.status_code == 200 and r.json()["outcome"] == "processed"


async def test_connect_and_unrelated_events_are_acknowledged_and_ignored(billing) -> None:
    for event_type in ("account.updated", "transfer.created", "payment_intent.succeeded"):
        event = {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "type": event_type,
            "data": {"object": {"id": "acct_1", "object": "account"}},
        }
        r = await billing.post_webhook(event)
        assert r.status_code == 200 and r.json()["outcome"] == "ignored"
    # A checkout that is not ours (another integration on the same Stripe account).
    foreign = {
        "id": "evt_foreign",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_other", "payment_status": "paid", "metadata": {}}},
    }
    r = await billing.post_webhook(foreign)
    assert r.status_code == 200 and r.json()["outcome"] == "ignored"
    assert await billing.pool.fetchval("SELECT count(*) FROM events") == 0


async def test_an_async_payment_waits_then_completes(billing) -> None:
    started = await billing.start_sale()
    tx_id = started["transaction_id"]
    await billing.pay(started["session_id"], card=ASYNC_CARD)
    await billing.wait_status(tx_id, "processing")
    await billing.webhooks_idle()
    assert await billing.stored("PurchaseCompleted", tx_id) == []
    again = await billing.checkout("other", started["persona_id"])
    assert again.status_code == 200  # another buyer is unaffected

    r = await billing.stripe_admin.post(
        f"/_emulator/checkout/sessions/{started['session_id']}/async_payment",
        json={"outcome": "succeeded"},
    )
    assert r.status_code == 200, r.text
    await billing.wait_status(tx_id, "completed")
    [completed] = await billing.bus.wait_for("PurchaseCompleted", tx_id)
    assert completed.data["creator_revenue"] == 699


async def test_an_async_payment_that_fails_ends_failed_and_grants_nothing(billing) -> None:
    started = await billing.start_sale()
    buyer = started["buyer_id"]
    tx_id = started["transaction_id"]
    await billing.pay(started["session_id"], card=ASYNC_CARD)
    await billing.wait_status(tx_id, "processing")
    busy = await billing.checkout(buyer, started["persona_id"])
    assert busy.status_code == 409 and busy.json()["code"] == "payment_in_progress"

    r = await billing.stripe_admin.post(
        f"/_emulator/checkout/sessions/{started['session_id']}/async_payment",
        json={"outcome": "failed"},
    )
    assert r.status_code == 200, r.text
    row = await billing.wait_status(tx_id, "failed")
    assert row["failure_reason"] == "async_payment_failed"
    [failed] = await billing.bus.wait_for("PurchaseFailed", tx_id)
    assert failed.data["reason"] == "async_payment_failed"
    await billing.webhooks_idle()
    assert await billing.stored("PurchaseCompleted", tx_id) == []
    retry = await billing.checkout(buyer, started["persona_id"])
    assert retry.status_code == 200


async def test_a_refund_arriving_before_the_completion_ends_refunded(billing) -> None:
    started = await billing.start_sale()
    tx_id = started["transaction_id"]
    await billing.stripe_admin.post("/_emulator/webhooks/hold")
    paid = await billing.pay(started["session_id"])
    # Refunded in the Stripe dashboard before billing heard of the payment.
    await billing.stripe.v1.refunds.create_async(params={"charge": paid["charge"]["id"]})
    r = await billing.stripe_admin.post("/_emulator/webhooks/release", json={"order": "reverse"})
    assert r.json()["released"] >= 5
    await billing.webhooks_idle()

    row = await billing.wait_status(tx_id, "refunded")
    assert row["refunded_amount"] == 999 and row["creator_refunded"] == 699
    assert await billing.processed_types(tx_id) == ["charge.refunded", "checkout.session.completed"]
    # Each delivery was accepted the first time: nothing needed Stripe's retries.
    assert {status for _, status in await billing.webhook_statuses()} == {200}
    assert await billing.stored_types(tx_id) == [
        "CheckoutStarted",
        "PurchaseCompleted",
        "PurchaseRefunded",
    ]
    [refunded] = await billing.bus.wait_for("PurchaseRefunded", tx_id)
    [completed] = await billing.bus.wait_for("PurchaseCompleted", tx_id)
    assert refunded.data["full"] is True and refunded.data["amount"] == 999
    # The creator is not credited net: what was credited is reversed in full.
    assert completed.data["creator_revenue"] - refunded.data["creator_amount"] == 0
    again = await billing.checkout(row["buyer_id"], started["persona_id"])
    assert again.status_code == 200  # a refunded buyer no longer owns it


async def test_a_dispute_lost_before_the_completion_arrived_ends_charged_back(billing) -> None:
    started = await billing.start_sale()
    tx_id = started["transaction_id"]
    await billing.stripe_admin.post("/_emulator/webhooks/hold")
    paid = await billing.pay(started["session_id"], card=DISPUTE_CARD)
    disputes = await billing.stripe.v1.disputes.list_async(params={"charge": paid["charge"]["id"]})
    [dispute] = disputes.data
    r = await billing.stripe_admin.post(
        f"/_emulator/disputes/{dispute.id}/close", json={"outcome": "lost"}
    )
    assert r.status_code == 200, r.text
    await billing.stripe_admin.post("/_emulator/webhooks/release", json={"order": "reverse"})
    await billing.webhooks_idle()

    row = await billing.wait_status(tx_id, "charged_back")
    assert row["dispute_id"] == dispute.id and row["dispute_status"] == "lost"
    assert await billing.processed_types(tx_id) == [
        "charge.dispute.closed",
        "charge.dispute.created",
        "checkout.session.completed",
    ]
    assert {status for _, status in await billing.webhook_statuses()} == {200}
    assert await billing.stored_types(tx_id) == [
        "CheckoutStarted",
        "PurchaseCompleted",
        "DisputeOpened",
        "DisputeClosed",
    ]
    [opened] = await billing.bus.wait_for("DisputeOpened", tx_id)
    [closed] = await billing.bus.wait_for("DisputeClosed", tx_id)
    assert opened.data["amount"] == 999 and opened.data["creator_amount"] == 699
    assert closed.data["status"] == "lost" and closed.data["creator_amount"] == 699


async def test_a_dispute_won_after_completion_restores_the_sale(billing) -> None:
    started = await billing.start_sale()
    tx_id = started["transaction_id"]
    paid = await billing.pay(started["session_id"])
    await billing.wait_status(tx_id, "completed")
    r = await billing.stripe_admin.post(f"/_emulator/charges/{paid['charge']['id']}/dispute")
    dispute_id = r.json()["id"]
    await billing.wait_status(tx_id, "disputed")
    refused = await billing.http.post(
        f"/api/admin/payments/{tx_id}/refund", headers=billing.auth("admin-1", "user", "admin")
    )
    assert refused.status_code == 409 and refused.json()["code"] == "payment_disputed"

    await billing.stripe_admin.post(
        f"/_emulator/disputes/{dispute_id}/close", json={"outcome": "won"}
    )
    row = await billing.wait_status(tx_id, "completed")
    assert row["dispute_status"] == "won"
    [closed] = await billing.bus.wait_for("DisputeClosed", tx_id)
    assert closed.data["status"] == "won" and closed.data["creator_amount"] == 699


async def test_a_refund_for_a_sale_stripe_reports_unpaid_is_not_acknowledged(
    start_billing,
) -> None:
    async with start_billing(deliver_webhooks=False) as billing:
        started = await billing.start_sale()
        tx_id = started["transaction_id"]
        event = {
            "id": "evt_refund_too_early",
            "type": "charge.refunded",
            "data": {
                "object": {
                    "id": "ch_unknown",
                    "object": "charge",
                    "amount_refunded": 999,
                    "payment_intent": None,
                    "metadata": {"transaction_id": tx_id},
                }
            },
        }
        r = await billing.post_webhook(event)
        # Stripe will deliver it again; nothing was recorded, not even the event id.
        assert r.status_code == 503
        assert await billing.stripe_events_recorded() == 0
        assert await billing.stored_types(tx_id) == ["CheckoutStarted"]

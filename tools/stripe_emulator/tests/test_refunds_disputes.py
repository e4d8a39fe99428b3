"""Refunds (partial, full, by charge or PaymentIntent), disputes, and the balance they move."""

from __future__ import annotations

import pytest
import stripe
from stripe_emulator.testing import line_item


async def _available(client: stripe.StripeClient) -> int:
    bal = await client.v1.balance.retrieve_async()
    return sum(b.amount for b in bal.available if b.currency == "usd")


async def test_partial_then_full_refund(client: stripe.StripeClient, pay, receiver) -> None:
    paid = await pay()
    charge_id = paid["charge"]["id"]
    assert await _available(client) == 3000

    first = await client.v1.refunds.create_async(
        params={
            "charge": charge_id,
            "amount": 1000,
            "reason": "requested_by_customer",
            "metadata": {"why": "partial"},
        },
        options={"idempotency_key": "refund-partial-1"},
    )
    assert first.id.startswith("re_") and first.object == "refund"
    assert first.amount == 1000 and first.status == "succeeded" and first.charge == charge_id
    assert first.payment_intent == paid["payment_intent"]["id"]
    assert first.balance_transaction.startswith("txn_")
    ch = await client.v1.charges.retrieve_async(charge_id)
    assert ch.amount_refunded == 1000 and ch.refunded is False
    assert await _available(client) == 2000

    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await client.v1.refunds.create_async(params={"charge": charge_id, "amount": 2500})
    assert too_much.value.code == "amount_too_large" and too_much.value.param == "amount"

    # No amount: refunds what is left.
    rest = await client.v1.refunds.create_async(
        params={"payment_intent": paid["payment_intent"]["id"]}
    )
    assert rest.amount == 2000 and rest.charge == charge_id
    ch = await client.v1.charges.retrieve_async(charge_id, params={"expand": ["refunds"]})
    assert ch.amount_refunded == 3000 and ch.refunded is True
    assert [r.id for r in ch.refunds.data] == [rest.id, first.id]
    assert await _available(client) == 0

    with pytest.raises(stripe.InvalidRequestError) as again:
        await client.v1.refunds.create_async(params={"charge": charge_id})
    assert again.value.code == "charge_already_refunded"

    await receiver.wait_for(
        lambda r: len(r.of_type("refund.created")) == 2 and len(r.of_type("charge.refunded")) == 2
    )
    last = receiver.of_type("charge.refunded")[-1]["data"]
    assert last["object"]["refunded"] is True and last["object"]["amount_refunded"] == 3000
    assert last["previous_attributes"] == {"amount_refunded": 1000, "refunded": False}
    refund_event = receiver.of_type("refund.created")[0]
    assert refund_event["data"]["object"]["metadata"] == {"why": "partial"}
    assert refund_event["request"]["idempotency_key"] == "refund-partial-1"
    assert refund_event["request"]["id"].startswith("req_")

    listed = await client.v1.refunds.list_async(params={"charge": charge_id})
    assert {r.id for r in listed.data} == {first.id, rest.id}
    assert (await client.v1.refunds.retrieve_async(first.id)).amount == 1000


async def test_refund_requires_a_target(client: stripe.StripeClient, emulator) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await client.v1.refunds.create_async(params={"amount": 100})
    assert exc.value.http_status == 400
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await client.v1.refunds.create_async(params={"charge": "ch_missing"})
    assert missing.value.http_status == 404 and missing.value.param == "charge"


async def test_dispute_won(client: stripe.StripeClient, pay, admin, receiver) -> None:
    paid = await pay()
    charge_id = paid["charge"]["id"]
    resp = await admin.post(
        f"/_emulator/charges/{charge_id}/dispute", json={"reason": "product_not_received"}
    )
    assert resp.status_code == 200
    dispute_id = resp.json()["id"]
    assert dispute_id.startswith("dp_")

    dp = await client.v1.disputes.retrieve_async(dispute_id)
    assert dp.status == "needs_response" and dp.reason == "product_not_received"
    assert (
        dp.amount == 3000
        and dp.charge == charge_id
        and dp.payment_intent == paid["payment_intent"]["id"]
    )
    assert dp.balance_transactions[0].amount == -3000
    assert (await client.v1.charges.retrieve_async(charge_id)).disputed is True
    assert await _available(client) == 0
    with pytest.raises(stripe.InvalidRequestError) as blocked:
        await client.v1.refunds.create_async(params={"charge": charge_id})
    assert blocked.value.code == "charge_disputed"
    await receiver.wait_types("charge.dispute.created", "charge.dispute.funds_withdrawn")

    closed = await admin.post(f"/_emulator/disputes/{dispute_id}/close", json={"outcome": "won"})
    assert closed.status_code == 200 and closed.json()["status"] == "won"
    await receiver.wait_types("charge.dispute.closed", "charge.dispute.funds_reinstated")
    assert receiver.of_type("charge.dispute.closed")[0]["data"]["object"]["status"] == "won"
    assert await _available(client) == 3000
    again = await admin.post(f"/_emulator/disputes/{dispute_id}/close", json={"outcome": "lost"})
    assert again.status_code == 400


async def test_dispute_lost_via_evidence_then_api_close(
    client: stripe.StripeClient, pay, admin, receiver
) -> None:
    paid = await pay()
    dispute = (
        await admin.post(f"/_emulator/charges/{paid['charge']['id']}/dispute", json={})
    ).json()
    assert dispute["reason"] == "fraudulent"
    staged = await client.v1.disputes.update_async(
        dispute["id"],
        params={"evidence": {"uncategorized_text": "Delivered via chat"}, "submit": False},
    )
    assert (
        staged.status == "needs_response"
        and staged.evidence.uncategorized_text == "Delivered via chat"
    )
    lost = await client.v1.disputes.close_async(dispute["id"])
    assert lost.status == "lost"
    await receiver.wait_types("charge.dispute.closed")
    assert receiver.of_type("charge.dispute.closed")[0]["data"]["object"]["status"] == "lost"
    assert "charge.dispute.funds_reinstated" not in receiver.types()
    assert await _available(client) == 0
    listed = await client.v1.disputes.list_async(params={"charge": paid["charge"]["id"]})
    assert [d.id for d in listed.data] == [dispute["id"]]


async def test_dispute_test_card_opens_dispute_automatically(
    client: stripe.StripeClient, pay, receiver
) -> None:
    paid = await pay(card="4000000000000259")
    await receiver.wait_types("charge.dispute.created")
    disputes = await client.v1.disputes.list_async()
    assert [d.charge for d in disputes.data] == [paid["charge"]["id"]]


async def test_balance_counts_charges_refunds_and_transfers(
    client: stripe.StripeClient, pay, admin
) -> None:
    empty = await client.v1.balance.retrieve_async()
    assert (
        empty.object == "balance"
        and empty.available[0].amount == 0
        and empty.pending[0].amount == 0
    )
    await pay()
    await pay(line_items=[line_item(800, "EU", currency="eur")])
    paid = await pay()
    await client.v1.refunds.create_async(params={"charge": paid["charge"]["id"], "amount": 500})
    acct = await client.v1.accounts.create_async(
        params={"type": "express", "capabilities": {"transfers": {"requested": True}}}
    )
    await admin.post(f"/_emulator/accounts/{acct.id}/onboard")
    await client.v1.transfers.create_async(
        params={"amount": 1200, "currency": "usd", "destination": acct.id}
    )
    bal = await client.v1.balance.retrieve_async()
    by_currency = {b.currency: b.amount for b in bal.available}
    assert by_currency == {"usd": 3000 + 3000 - 500 - 1200, "eur": 800}
    assert bal.available[0].source_types.card == bal.available[0].amount
    txns = await client.v1.balance_transactions.list_async(params={"type": "refund"})
    assert [t.amount for t in txns.data] == [-500]

"""Admin refunds (full, partial, idempotent) and the buyer's purchase history with receipts."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

ADMIN = ("user", "admin")


async def completed_purchase(
    billing: Any, price: int = 999, buyer: str | None = None
) -> dict[str, Any]:
    started = await billing.start_sale(price, buyer)
    paid = await billing.pay(started["session_id"])
    await billing.wait_status(started["transaction_id"], "completed")
    return {**started, "charge_id": paid["charge"]["id"]}


async def test_admin_refunds_in_part_then_in_full_idempotently(billing) -> None:
    sale = await completed_purchase(billing)
    tx_id = sale["transaction_id"]
    url = f"/api/admin/payments/{tx_id}/refund"
    admin = billing.auth("admin-1", *ADMIN)

    assert (await billing.http.post(url, json={"amount": 300})).status_code == 401
    r = await billing.http.post(url, json={"amount": 300}, headers=billing.auth(sale["buyer_id"]))
    assert r.status_code == 403 and r.json()["code"] == "role_required"
    r = await billing.http.post(f"/api/admin/payments/{uuid.uuid4()}/refund", headers=admin)
    assert r.status_code == 404 and r.json()["code"] == "payment_not_found"
    r = await billing.http.post(url, json={"amount": 0}, headers=admin)
    assert r.status_code == 422

    keyed = {**admin, "Idempotency-Key": "refund-ticket-42"}
    first, repeat = await asyncio.gather(
        billing.http.post(
            url, json={"amount": 300, "reason": "requested_by_customer"}, headers=keyed
        ),
        billing.http.post(
            url, json={"amount": 300, "reason": "requested_by_customer"}, headers=keyed
        ),
    )
    assert first.status_code == 200, first.text
    assert repeat.status_code == 200, repeat.text
    body = first.json()
    assert body["status"] == "partially_refunded" and body["refunded_amount"] == 300
    assert body["creator_refunded"] == (699 * 300 + 499) // 999 == 210
    assert body["refundable"] == 699 and len(body["refunds"]) == 1
    assert body["refunds"][0]["requested_by"] == "admin-1"
    again = await billing.http.post(url, json={"amount": 300}, headers=keyed)
    assert again.status_code == 200 and again.json()["refunded_amount"] == 300
    listed = await billing.stripe.v1.refunds.list_async(params={"charge": sale["charge_id"]})
    assert [r.amount for r in listed.data] == [300]

    r = await billing.http.post(url, json={"amount": 800}, headers=admin)
    assert r.status_code == 422 and r.json()["code"] == "refund_too_large"

    rest = await billing.http.post(url, headers=admin)  # no body: everything left
    assert rest.status_code == 200, rest.text
    body = rest.json()
    assert body["status"] == "refunded" and body["refunded_amount"] == 999
    assert body["creator_refunded"] == 699 and body["refundable"] == 0
    assert (await billing.http.post(url, headers=admin)).json()["refunded_amount"] == 999
    r = await billing.http.post(url, json={"amount": 1}, headers=admin)
    assert r.status_code == 409 and r.json()["code"] == "already_refunded"

    # Stripe's charge.refunded webhooks arrive too, and change nothing more.
    await billing.webhooks_idle()
    listed = await billing.stripe.v1.refunds.list_async(params={"charge": sale["charge_id"]})
    assert sorted(r.amount for r in listed.data) == [300, 699]
    stored = await billing.stored("PurchaseRefunded", tx_id)
    assert [(e["amount"], e["creator_amount"], e["full"]) for e in stored] == [
        (300, 210, False),
        (699, 489, True),
    ]
    assert "charge.refunded" in await billing.processed_types(tx_id)
    assert {status for _, status in await billing.webhook_statuses()} == {200}
    published = await billing.bus.wait_for("PurchaseRefunded", tx_id, count=2)
    assert sum(e.data["creator_amount"] for e in published) == 699


async def test_refunds_made_in_the_stripe_dashboard_are_recorded_from_the_webhook(billing) -> None:
    sale = await completed_purchase(billing, price=2000)
    tx_id = sale["transaction_id"]
    await billing.stripe.v1.refunds.create_async(
        params={"charge": sale["charge_id"], "amount": 500}
    )
    row = await billing.wait_status(tx_id, "partially_refunded")
    assert row["refunded_amount"] == 500 and row["creator_refunded"] == 350
    [refunded] = await billing.bus.wait_for("PurchaseRefunded", tx_id)
    assert refunded.data["requested_by"] is None and refunded.data["full"] is False
    # The buyer keeps the persona after a partial refund.
    r = await billing.checkout(sale["buyer_id"], sale["persona_id"])
    assert r.status_code == 409 and r.json()["code"] == "already_owned"


async def test_a_checkout_not_paid_cannot_be_refunded(billing) -> None:
    started = await billing.start_sale(buyer_id="buyer-x")
    r = await billing.http.post(
        f"/api/admin/payments/{started['transaction_id']}/refund",
        headers=billing.auth("admin-1", *ADMIN),
    )
    assert r.status_code == 409 and r.json()["code"] == "not_refundable"


async def test_history_lists_the_buyers_own_purchases_with_receipts(billing) -> None:
    buyer = str(uuid.uuid4())
    sales = [await completed_purchase(billing, price=p, buyer=buyer) for p in (500, 700, 900)]
    other = await completed_purchase(billing, price=999)
    await billing.start_sale(1000, buyer)  # pending: not a purchase
    admin = billing.auth("admin-1", *ADMIN)
    r = await billing.http.post(
        f"/api/admin/payments/{sales[0]['transaction_id']}/refund",
        json={"amount": 100},
        headers=admin,
    )
    assert r.status_code == 200

    assert (await billing.http.get("/api/payments/history")).status_code == 401
    page1 = await billing.http.get(
        "/api/payments/history", params={"limit": 2}, headers=billing.auth(buyer)
    )
    assert page1.status_code == 200
    body = page1.json()
    assert [i["id"] for i in body["items"]] == [
        sales[2]["transaction_id"],
        sales[1]["transaction_id"],
    ]
    assert body["next_cursor"]
    page2 = await billing.http.get(
        "/api/payments/history",
        params={"limit": 2, "cursor": body["next_cursor"]},
        headers=billing.auth(buyer),
    )
    body2 = page2.json()
    assert [i["id"] for i in body2["items"]] == [sales[0]["transaction_id"]]
    assert body2["next_cursor"] is None

    newest = body["items"][0]
    assert newest["persona_name"] == "Ada the tutor" and newest["amount"] == 900
    assert newest["status"] == "completed" and newest["currency"] == "usd"
    receipt = newest["receipt"]
    assert receipt["total"] == 900 and receipt["tax"] == 0 and receipt["subtotal"] == 900
    assert receipt["payment_method"] == "visa •••• 4242"
    assert receipt["stripe_receipt_url"].startswith(billing.emulator.url)
    assert receipt["number"].startswith("CP-")
    assert "platform_fee" not in newest and "creator_revenue" not in newest

    refunded = body2["items"][0]
    assert refunded["status"] == "partially_refunded" and refunded["refunded_amount"] == 100
    assert [x["amount"] for x in refunded["receipt"]["refunds"]] == [100]

    r = await billing.http.get(
        "/api/payments/history", params={"cursor": "not-a-cursor"}, headers=billing.auth(buyer)
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    r = await billing.http.get(
        "/api/payments/history", params={"limit": 101}, headers=billing.auth(buyer)
    )
    assert r.status_code == 422

    # Admins see everyone's, with the split.
    listed = await billing.http.get(
        "/api/admin/payments", params={"status": "completed", "limit": 100}, headers=admin
    )
    assert listed.status_code == 200
    ids = {i["id"] for i in listed.json()["items"]}
    assert other["transaction_id"] in ids and sales[0]["transaction_id"] not in ids
    one = await billing.http.get(f"/api/admin/payments/{other['transaction_id']}", headers=admin)
    assert one.json()["platform_fee"] == 300 and one.json()["creator_revenue"] == 699
    forbidden = await billing.http.get("/api/admin/payments", headers=billing.auth(buyer))
    assert forbidden.status_code == 403


async def test_the_read_model_rebuilds_from_the_events(billing) -> None:
    sale = await completed_purchase(billing)
    await billing.http.post(
        f"/api/admin/payments/{sale['transaction_id']}/refund",
        json={"amount": 250},
        headers=billing.auth("admin-1", *ADMIN),
    )
    before = await billing.transaction(sale["transaction_id"])
    count = await billing.app.state.store.rebuild_projections(billing.pool)
    assert count >= 3
    after = await billing.transaction(sale["transaction_id"])
    assert after == before

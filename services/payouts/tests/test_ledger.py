"""Billing's events into the creator ledger, over the real broker and database."""

from __future__ import annotations

import uuid
from typing import Any

from shared.contracts.billing import DisputeClosed, DisputeOpened


async def test_purchase_credits_the_creator_70_percent(harness: Any) -> None:
    creator = str(uuid.uuid4())
    env = await harness.sale(creator, 999, days_ago=0, persona_id="p-42")
    await harness.processed(env)

    e = await harness.earnings(creator)
    assert (e["pending"], e["available"], e["lifetime"], e["balance"]) == (699, 0, 699, 699)
    month = e["by_month"][-1]
    assert (month["gross"], month["fees"], month["refunds"], month["net"]) == (999, 300, 0, 699)

    r = await harness.get("/api/earnings/transactions", creator)
    [item] = r.json()["items"]
    assert item["type"] == "sale" and item["status"] == "pending"
    assert (item["gross"], item["fee"], item["amount"]) == (999, 300, 699)
    assert item["transaction_id"] == env.data["transaction_id"] and item["persona_id"] == "p-42"

    # Another creator sees none of it.
    assert (await harness.earnings(str(uuid.uuid4())))["lifetime"] == 0


async def test_the_same_purchase_delivered_many_times_is_one_ledger_entry(
    harness: Any,
) -> None:
    creator = str(uuid.uuid4())
    first = await harness.sale(creator, 2000, days_ago=10)
    event = first.event()
    assert event is not None
    for _ in range(5):  # the broker redelivering the very same message
        await harness.publish(event, event_id=first.event_id, occurred_at=first.occurred_at)
    for _ in range(3):  # billing publishing the same sale again under new event ids
        await harness.publish(event, occurred_at=first.occurred_at)
    sentinel = await harness.sale(creator, 100, days_ago=10)
    await harness.processed(sentinel)

    e = await harness.earnings(creator)
    assert e["lifetime"] == 1400 + 70 and e["available"] == 1470
    items = (await harness.get("/api/earnings/transactions", creator)).json()["items"]
    assert sorted(i["amount"] for i in items) == [70, 1400]
    stored = await harness.svc.pool.fetchval(
        "SELECT count(*) FROM events WHERE type = 'CreatorEarningRecorded'"
    )
    assert stored == 2


async def test_refunds_and_disputes_reverse_and_a_won_dispute_recredits(harness: Any) -> None:
    creator = str(uuid.uuid4())
    sale = await harness.sale(creator, 1000, days_ago=10)
    txn = sale.data["transaction_id"]
    common = {
        "transaction_id": txn,
        "creator_id": creator,
        "currency": "usd",
        "buyer_id": "b",
        "persona_id": "persona-1",
    }
    await harness.refund(creator, txn, 500, 350, full=False)
    await harness.refund(creator, txn, 500, 350, full=False)  # a second event, the same refund
    opened = DisputeOpened(**common, dispute_id="dp_1", amount=500, creator_amount=350)
    await harness.processed(await harness.publish(opened))
    e = await harness.earnings(creator)
    assert (e["available"], e["lifetime"]) == (0, 0)
    assert sum(m["refunds"] for m in e["by_month"]) == 1000

    won = DisputeClosed(**common, dispute_id="dp_1", status="won", amount=500, creator_amount=350)
    await harness.processed(await harness.publish(won))
    e = await harness.earnings(creator)
    assert (e["available"], e["lifetime"]) == (350, 350)
    kinds = [
        i["type"]
        for i in (await harness.get("/api/earnings/transactions", creator)).json()["items"]
    ]
    assert kinds == ["dispute_won", "dispute", "refund", "sale"]
    totals = {k: sum(m[k] for m in e["by_month"]) for k in ("gross", "fees", "refunds", "net")}
    # Gross 10.00, fee kept on the unrefunded half only, refunds 5.00: net 3.50.
    assert totals == {"gross": 1000, "fees": 150, "refunds": 500, "net": 350}


async def test_transactions_paginate_with_a_keyset_cursor(harness: Any) -> None:
    creator = str(uuid.uuid4())
    last = None
    for i in range(5):
        last = await harness.sale(creator, 1000 + i, days_ago=1)
    assert last is not None
    await harness.processed(last)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await harness.get("/api/earnings/transactions", creator, params=params)).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, key=int, reverse=True)
    bad = await harness.get("/api/earnings/transactions", creator, params={"cursor": "!!"})
    assert bad.status_code == 400
    assert (
        await harness.get("/api/earnings/transactions", creator, params={"limit": 101})
    ).status_code == 422


async def test_every_route_needs_a_valid_token(harness: Any) -> None:
    for method, path in [
        ("GET", "/api/earnings"),
        ("GET", "/api/earnings/transactions"),
        ("GET", "/api/payouts"),
        ("POST", "/api/payouts"),
        ("POST", "/api/payouts/onboarding"),
        ("GET", "/api/earnings/statements/2026"),
    ]:
        r = await harness.http.request(method, path)
        assert r.status_code == 401, path
        r = await harness.http.request(method, path, headers={"Authorization": "Bearer x.y.z"})
        assert r.status_code == 401, path


async def test_a_creator_earning_in_euros_is_shown_and_paid_in_euros(harness: Any) -> None:
    creator = str(uuid.uuid4())
    await harness.processed(await harness.sale(creator, 4000, currency="eur"))
    e = await harness.earnings(creator)
    assert (e["currency"], e["available"], e["currencies"]) == ("eur", 2800, ["eur"])
    usd = await harness.get("/api/earnings", creator, params={"currency": "USD"})
    assert usd.json()["available"] == 0 and usd.json()["currencies"] == ["eur", "usd"]
    bad = await harness.get("/api/earnings", creator, params={"currency": "euro"})
    assert bad.status_code == 422

    await harness.fund_platform(currency="eur")
    account = await harness.onboard(creator)
    r = await harness.post("/api/payouts", creator, json={})
    assert r.status_code == 201
    assert (r.json()["amount"], r.json()["currency"], r.json()["status"]) == (2800, "eur", "paid")
    [transfer] = await harness.transfers(account)
    assert (transfer.amount, transfer.currency) == (2800, "eur")

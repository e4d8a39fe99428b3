"""Onboarding, payouts and their refusals, against the Stripe emulator through the SDK."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.stripe_edge import STRIPE_INBOX, inbox_id


async def ready_creator(h: Any, *, gross: int = 5000, days_ago: float = 10) -> tuple[str, str]:
    """A creator with a matured sale (creator share 70%) and an onboarded Stripe account."""
    creator = str(uuid.uuid4())
    await h.fund_platform()
    account = await h.onboard(creator)
    await h.processed(await h.sale(creator, gross, days_ago=days_ago))
    return creator, account


async def test_onboarding_creates_one_express_account_and_the_webhook_marks_it_onboarded(
    harness: Any,
) -> None:
    creator = str(uuid.uuid4())
    e = await harness.earnings(creator)
    assert e["onboarded"] is False
    assert e["payout_blockers"][0]["code"] == "not_onboarded"

    links = await asyncio.gather(
        *(harness.post("/api/payouts/onboarding", creator) for _ in range(3))
    )
    assert {r.status_code for r in links} == {200}
    accounts = {r.json()["stripe_account"] for r in links}
    assert len(accounts) == 1  # concurrent first clicks still make one account
    [account_id] = accounts
    account = await harness.stripe.v1.accounts.retrieve_async(account_id)
    assert account.type == "express" and account.metadata["creator_id"] == creator
    assert (await harness.earnings(creator))["payout_blockers"][0]["code"] == (
        "onboarding_incomplete"
    )

    # Finish on the hosted page; Stripe's account.updated webhook (signed) marks it onboarded.
    link = links[0].json()["url"]
    done = await harness.emu.post(link.removeprefix(str(harness.emu.base_url).rstrip("/")))
    assert done.status_code == 303
    assert done.headers["location"] == "http://app.test/dashboard/earnings?onboarding=done"

    async def onboarded() -> Any:
        return await harness.svc.pool.fetchrow(
            "SELECT payouts_enabled, transfers_active FROM payout_accounts WHERE creator_id = $1",
            creator,
        )

    await harness.eventually(onboarded, lambda r: r is not None and all(r.values()))
    e = await harness.earnings(creator)
    assert e["onboarded"] is True
    assert "not_onboarded" not in [b["code"] for b in e["payout_blockers"]]
    updates = await harness.stripe.v1.events.list_async(
        params={"type": "account.updated", "limit": 100}
    )
    handled = await harness.svc.pool.fetchval(
        "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
        STRIPE_INBOX,
        [inbox_id(e.id) for e in updates.data],
    )
    assert handled == 1


async def test_earnings_refresh_the_account_from_stripe_when_a_webhook_was_missed(
    harness: Any,
) -> None:
    creator = str(uuid.uuid4())
    await harness.emu.put("/_emulator/webhooks", json={"urls": []})  # no webhooks at all
    r = await harness.post("/api/payouts/onboarding", creator)
    account = r.json()["stripe_account"]
    assert (await harness.emu.post(f"/_emulator/accounts/{account}/onboard")).status_code == 200
    assert (await harness.earnings(creator))["onboarded"] is True


async def test_a_payout_transfers_the_available_balance(harness: Any) -> None:
    creator, account = await ready_creator(harness)
    e = await harness.earnings(creator)
    assert (e["available"], e["payout_blockers"], e["can_request_payout"]) == (3500, [], True)

    r = await harness.post("/api/payouts", creator, json={})
    assert r.status_code == 201, r.text
    payout = r.json()
    assert (payout["amount"], payout["currency"], payout["status"]) == (3500, "usd", "paid")
    assert payout["stripe_transfer"].startswith("tr_") and payout["settled_at"]

    [transfer] = await harness.transfers(account)
    assert (transfer.id, transfer.amount, transfer.transfer_group) == (
        payout["stripe_transfer"],
        3500,
        payout["id"],
    )
    assert transfer.metadata["payout_id"] == payout["id"]
    e = await harness.earnings(creator)
    assert (e["available"], e["paid"], e["balance"], e["lifetime"]) == (0, 3500, 0, 3500)
    listed = (await harness.get("/api/payouts", creator)).json()
    assert listed["items"] == [payout] and listed["next_cursor"] is None
    assert (await harness.get("/api/payouts", str(uuid.uuid4()))).json()["items"] == []


async def test_a_client_retry_with_the_same_idempotency_key_is_the_same_payout(
    harness: Any,
) -> None:
    creator, account = await ready_creator(harness, gross=10_000)
    key = {"Idempotency-Key": "click-1"}
    first = await harness.post("/api/payouts", creator, json={"amount": 3000}, headers=key)
    again = await harness.post("/api/payouts", creator, json={"amount": 3000}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert len(await harness.transfers(account)) == 1
    assert (await harness.earnings(creator))["available"] == 4000


async def test_twenty_concurrent_requests_make_exactly_one_transfer(harness: Any) -> None:
    creator, account = await ready_creator(harness, gross=10_000)
    responses = await asyncio.gather(
        *(harness.post("/api/payouts", creator, json={}) for _ in range(20))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 19, [r.text for r in responses if r.status_code != 409]
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {p["code"] for p in refused} == {"below_minimum"}
    assert all(p["available"] == 0 and p["amount_missing"] == 2500 for p in refused)

    transfers = await harness.transfers(account)
    assert [t.amount for t in transfers] == [7000]
    e = await harness.earnings(creator)
    assert (e["available"], e["paid"]) == (0, 7000)
    assert await harness.svc.pool.fetchval("SELECT count(*) FROM payouts") == 1


async def test_without_onboarding_the_payout_is_refused_with_the_reason(harness: Any) -> None:
    creator = str(uuid.uuid4())
    await harness.processed(await harness.sale(creator, 10_000))
    r = await harness.post("/api/payouts", creator, json={})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "not_onboarded"
    assert "Connect a Stripe account" in body["detail"]
    assert await harness.svc.pool.fetchval("SELECT count(*) FROM payouts") == 0


async def test_below_the_minimum_says_how_much_is_missing(harness: Any) -> None:
    creator, _ = await ready_creator(harness, gross=3000)  # 21.00 available
    r = await harness.post("/api/payouts", creator, json={})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "below_minimum"
    assert (body["available"], body["minimum"], body["amount_missing"]) == (2100, 2500, 400)
    assert "$4.00 more is needed" in body["detail"]

    e = await harness.earnings(creator)
    [blocker] = e["payout_blockers"]
    assert blocker["code"] == "below_minimum" and blocker["amount_missing"] == 400

    # An explicit amount under the minimum is bad input: 422.
    creator2, _ = await ready_creator(harness, gross=10_000)
    r = await harness.post("/api/payouts", creator2, json={"amount": 1000})
    assert r.status_code == 422 and r.json()["code"] == "below_minimum"
    r = await harness.post("/api/payouts", creator2, json={"amount": 8000})
    assert r.status_code == 409 and r.json()["code"] == "insufficient_available"
    r = await harness.post("/api/payouts", creator2, json={"amount": -5})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    r = await harness.post("/api/payouts", creator2, json={"amount": 12.5})
    assert r.status_code == 422
    assert await harness.svc.pool.fetchval("SELECT count(*) FROM payouts") == 0


async def test_before_the_holding_period_ends_the_payout_is_refused_until_the_date(
    harness: Any,
) -> None:
    creator, account = await ready_creator(harness, gross=5000, days_ago=2)
    r = await harness.post("/api/payouts", creator, json={})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "in_holding" and body["amount"] == 3500
    eligible = datetime.fromisoformat(body["eligible_at"])
    expected = datetime.now(UTC) + timedelta(days=5)
    assert abs(eligible - expected) < timedelta(minutes=5)
    assert eligible.strftime("%B") in body["detail"]
    e = await harness.earnings(creator)
    assert (e["pending"], e["available"]) == (3500, 0)
    assert datetime.fromisoformat(e["next_available_at"]) == eligible

    harness.clock.advance(days=5, minutes=1)  # time passes; nothing sleeps
    e = await harness.earnings(creator)
    assert (e["pending"], e["available"], e["payout_blockers"]) == (0, 3500, [])
    r = await harness.post("/api/payouts", creator)  # no body at all: the whole balance
    assert r.status_code == 201 and r.json()["status"] == "paid"
    assert len(await harness.transfers(account)) == 1


async def test_a_refused_transfer_returns_the_money(harness: Any) -> None:
    creator, account = await ready_creator(harness)
    failing = {"destination": account, "code": "account_closed", "message": "Account closed."}
    assert (await harness.emu.post("/_emulator/transfers/fail_next", json=failing)).is_success
    r = await harness.post("/api/payouts", creator, json={})
    assert r.status_code == 201
    payout = r.json()
    assert (payout["status"], payout["failure_code"]) == ("failed", "account_closed")
    assert "Account closed" in payout["reason"] and "back in your balance" in payout["reason"]
    assert await harness.transfers(account) == []

    e = await harness.earnings(creator)
    assert (e["available"], e["paid"], e["balance"]) == (3500, 0, 3500)
    [failed] = [b for b in e["payout_blockers"] if b["code"] == "transfer_failed"]
    assert failed["payout_id"] == payout["id"]
    assert e["can_request_payout"] is True

    again = await harness.post("/api/payouts", creator, json={})
    assert again.status_code == 201 and again.json()["status"] == "paid"
    assert [t.amount for t in await harness.transfers(account)] == [3500]
    statuses = [p["status"] for p in (await harness.get("/api/payouts", creator)).json()["items"]]
    assert statuses == ["paid", "failed"]


async def test_a_reversed_transfer_returns_the_money_once(harness: Any) -> None:
    creator, _ = await ready_creator(harness)
    await harness.emu.post("/_emulator/webhooks/duplicate", json={"enabled": True})
    payout = (await harness.post("/api/payouts", creator, json={})).json()
    assert payout["status"] == "paid"
    failed = await harness.emu.post(
        f"/_emulator/transfers/{payout['stripe_transfer']}/fail",
        json={"code": "account_closed", "message": "The bank account was closed."},
    )
    assert failed.status_code == 200

    async def status() -> Any:
        return (await harness.get("/api/payouts", creator)).json()["items"][0]

    item = await harness.eventually(status, lambda p: p["status"] == "failed")
    assert "bank account was closed" in item["reason"]
    assert item["reversed_amount"] == 3500
    await harness.emu.post("/_emulator/webhooks/wait", json={"timeout": 10})
    e = await harness.earnings(creator)
    assert (e["available"], e["paid"]) == (3500, 0)
    assert (
        await harness.svc.pool.fetchval("SELECT count(*) FROM events WHERE type = 'PayoutReversed'")
        == 1
    )


async def test_refund_after_payout_leaves_a_negative_balance_that_later_earnings_pay_back(
    harness: Any,
) -> None:
    creator, _ = await ready_creator(harness)
    sale_txn = await harness.svc.pool.fetchval(
        "SELECT transaction_id FROM earning_txns WHERE creator_id = $1", creator
    )
    assert (await harness.post("/api/payouts", creator, json={})).json()["status"] == "paid"
    await harness.processed(await harness.refund(creator, sale_txn, 5000, 3500, full=True))
    e = await harness.earnings(creator)
    assert (e["balance"], e["available"], e["lifetime"]) == (-3500, 0, 0)
    codes = [b["code"] for b in e["payout_blockers"]]
    assert codes == ["negative_balance", "below_minimum"]
    assert e["payout_blockers"][0]["amount"] == 3500
    r = await harness.post("/api/payouts", creator, json={})
    assert r.status_code == 409 and r.json()["code"] == "negative_balance"

    await harness.processed(await harness.sale(creator, 5000))  # pays the debt back exactly
    e = await harness.earnings(creator)
    assert (e["balance"], e["available"]) == (0, 0)
    await harness.processed(await harness.sale(creator, 5000))
    e = await harness.earnings(creator)
    assert (e["balance"], e["available"], e["payout_blockers"]) == (3500, 3500, [])

"""The creator ledger's rules, pure (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from payouts.domain import (
    FAILED,
    PAID,
    AccountStatus,
    Balance,
    Clawback,
    CreatorLedger,
    PayoutRefused,
    format_money,
    ledger_stream,
    payout_blockers,
)
from shared.contracts.payouts import (
    CreatorEarningRecorded,
    EarningReinstated,
    EarningReversed,
    PayoutReversed,
)
from shared.money import split

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
READY = AccountStatus(
    exists=True,
    stripe_account="acct_1",
    details_submitted=True,
    payouts_enabled=True,
    transfers_active=True,
)
MIN = 2500


def ledger() -> CreatorLedger:
    return CreatorLedger(ledger_stream("cr_1"))


def sale(led: CreatorLedger, txn: str, gross: int, *, days_ago: int = 10) -> None:
    fee, creator = split(gross, 3000)
    led.record_sale(
        transaction_id=txn,
        amount=creator,
        currency="usd",
        available_at=NOW - timedelta(days=days_ago) + timedelta(days=7),
        gross_amount=gross,
        platform_fee=fee,
    )


def replay(led: CreatorLedger) -> CreatorLedger:
    """Fold what was recorded into a fresh aggregate, as a load would."""
    fresh = CreatorLedger.fold(led.id, list(led.pending))
    return fresh


def test_a_sale_credits_the_creator_70_percent():
    led = ledger()
    sale(led, "tx1", 999)
    [event] = led.pending
    assert isinstance(event, CreatorEarningRecorded)
    assert (event.gross_amount, event.platform_fee, event.amount) == (999, 300, 699)
    assert led.balance("usd", NOW).available == 699


def test_the_same_sale_twice_is_one_entry():
    led = ledger()
    sale(led, "tx1", 999)
    assert not led.record_sale(transaction_id="tx1", amount=699, currency="usd", available_at=NOW)
    assert len(led.pending) == 1
    assert replay(led).balance("usd", NOW).lifetime == 699


def test_earnings_are_held_until_available_at():
    led = ledger()
    sale(led, "old", 5000, days_ago=8)
    sale(led, "new", 5000, days_ago=1)
    b = led.balance("usd", NOW)
    assert (b.available, b.pending, b.total) == (3500, 3500, 7000)
    assert b.next_available_at == NOW + timedelta(days=6)
    assert led.balance("usd", NOW + timedelta(days=6)).available == 7000


def test_refunds_disputes_and_a_won_dispute():
    led = ledger()
    sale(led, "tx1", 1000)
    assert led.record_refund("re1", Clawback("tx1", 350, "usd"))
    assert not led.record_refund("re1", Clawback("tx1", 350, "usd"))
    assert led.balance("usd", NOW).available == 350
    assert led.record_dispute_opened("dp1", Clawback("tx1", 350, "usd"))
    assert led.balance("usd", NOW).available == 0
    assert led.record_dispute_closed("dp1", "won", Clawback("tx1", 350, "usd"))
    assert not led.record_dispute_closed("dp1", "won", Clawback("tx1", 350, "usd"))
    assert led.balance("usd", NOW).available == 350
    types = [type(e) for e in led.pending]
    assert types == [CreatorEarningRecorded, EarningReversed, EarningReversed, EarningReinstated]
    assert replay(led).balance("usd", NOW).available == 350


def test_a_lost_dispute_whose_opening_was_missed_still_takes_the_share_back():
    led = ledger()
    sale(led, "tx1", 1000)
    assert led.record_dispute_closed("dp1", "lost", Clawback("tx1", 700, "usd"))
    assert led.balance("usd", NOW).available == 0
    assert not led.record_dispute_closed("dp1", "lost", Clawback("tx1", 700, "usd"))


def test_a_refund_seen_before_its_sale_counts_at_once_and_nets_out():
    led = ledger()
    led.record_refund("re1", Clawback("tx1", 700, "usd"))
    assert led.balance("usd", NOW).total == -700
    sale(led, "tx1", 1000, days_ago=1)
    b = led.balance("usd", NOW)
    assert (b.total, b.pending, b.available) == (0, 0, 0)


def test_payout_reserves_the_available_balance_and_a_second_request_sees_it():
    led = ledger()
    sale(led, "tx1", 5000)
    p = led.request_payout(payout_id="po1", currency="usd", now=NOW, minimum=MIN, account=READY)
    assert (p.amount, p.destination) == (3500, "acct_1")
    b = led.balance("usd", NOW)
    assert (b.available, b.in_flight, b.total) == (0, 3500, 0)
    with pytest.raises(PayoutRefused) as refused:
        led.request_payout(payout_id="po2", currency="usd", now=NOW, minimum=MIN, account=READY)
    assert refused.value.primary.code == "below_minimum"
    assert refused.value.primary.extra["amount_missing"] == MIN
    # The same payout id again is the same payout, not a second one.
    again = led.request_payout(payout_id="po1", currency="usd", now=NOW, minimum=MIN, account=READY)
    assert again is p


def test_payout_refusals_say_why():
    led = ledger()
    sale(led, "tx1", 3000)  # 2100 available: 400 short
    with pytest.raises(PayoutRefused) as r:
        led.request_payout(payout_id="p", currency="usd", now=NOW, minimum=MIN, account=READY)
    assert r.value.primary.code == "below_minimum"
    assert r.value.primary.extra == {"available": 2100, "minimum": 2500, "amount_missing": 400}
    assert "$4.00 more" in r.value.primary.message

    with pytest.raises(PayoutRefused) as r:
        led.request_payout(
            payout_id="p", currency="usd", now=NOW, minimum=MIN, account=AccountStatus()
        )
    assert r.value.primary.code == "not_onboarded"

    held = ledger()
    sale(held, "tx1", 5000, days_ago=2)
    with pytest.raises(PayoutRefused) as r:
        held.request_payout(payout_id="p", currency="usd", now=NOW, minimum=MIN, account=READY)
    assert r.value.primary.code == "in_holding"
    assert r.value.primary.extra["eligible_at"] == (NOW + timedelta(days=5)).isoformat()
    assert "November 25, 2026" in r.value.primary.message

    with pytest.raises(PayoutRefused) as r:
        led.request_payout(
            payout_id="p", currency="usd", now=NOW, minimum=MIN, account=READY, amount=1000
        )
    assert r.value.primary.code == "below_minimum"

    rich = ledger()
    sale(rich, "tx1", 10000)
    with pytest.raises(PayoutRefused) as r:
        rich.request_payout(
            payout_id="p", currency="usd", now=NOW, minimum=MIN, account=READY, amount=9000
        )
    assert r.value.primary.code == "insufficient_available"
    assert rich.payouts == {} and len(rich.pending) == 1


def test_failed_payout_returns_the_money_and_paid_one_does_not():
    led = ledger()
    sale(led, "tx1", 5000)
    led.request_payout(payout_id="po1", currency="usd", now=NOW, minimum=MIN, account=READY)
    assert led.settle_failed("po1", "account closed", "account_closed")
    assert not led.settle_paid("po1", "tr_1")  # settled once
    assert led.payouts["po1"].status == FAILED
    assert led.balance("usd", NOW).available == 3500
    led.request_payout(payout_id="po2", currency="usd", now=NOW, minimum=MIN, account=READY)
    assert led.settle_paid("po2", "tr_2")
    b = replay(led).balance("usd", NOW)
    assert (b.available, b.paid, b.in_flight) == (0, 3500, 0)


def test_refund_after_payout_leaves_a_negative_balance_that_later_earnings_pay_back():
    led = ledger()
    sale(led, "tx1", 5000)
    led.request_payout(payout_id="po1", currency="usd", now=NOW, minimum=MIN, account=READY)
    led.settle_paid("po1", "tr_1")
    led.record_refund("re1", Clawback("tx1", 3500, "usd"))
    b = led.balance("usd", NOW)
    assert (b.total, b.available, b.debt) == (-3500, 0, 3500)
    codes = [x.code for x in payout_blockers(b, READY, MIN)]
    assert codes[:2] == ["negative_balance", "below_minimum"]
    sale(led, "tx2", 5000)
    assert led.balance("usd", NOW).available == 0  # 3500 earned pays back the 3500 owed
    sale(led, "tx3", 10000)
    assert led.balance("usd", NOW).available == 7000


def test_transfer_reversal_returns_funds_once_per_amount():
    led = ledger()
    sale(led, "tx1", 10000)
    led.request_payout(payout_id="po1", currency="usd", now=NOW, minimum=MIN, account=READY)
    # The reversal may be seen before our own PayoutPaid: it settles the payout first.
    assert led.record_transfer_reversal("po1", "tr_1", 2000, "partial")
    assert led.payouts["po1"].status == PAID
    assert led.balance("usd", NOW).available == 2000
    assert not led.record_transfer_reversal("po1", "tr_1", 2000, "partial")  # same total again
    assert led.record_transfer_reversal("po1", "tr_1", 7000, "account closed")
    assert led.payouts["po1"].status == FAILED
    assert led.balance("usd", NOW).available == 7000
    assert [type(e) for e in led.pending].count(PayoutReversed) == 2


def test_currencies_are_kept_apart():
    led = ledger()
    sale(led, "tx1", 5000)
    led.record_sale(
        transaction_id="tx2", amount=2000, currency="EUR", available_at=NOW - timedelta(days=1)
    )
    assert led.balance("usd", NOW).available == 3500
    assert led.balance("eur", NOW).available == 2000
    assert led.currencies() == ["eur", "usd"]


def test_balance_eligible_at_counts_debt_and_releases():
    b = Balance(
        currency="usd",
        matured=1000,
        committed=2000,
        pending=4000,
        releases=((NOW + timedelta(days=1), 1000), (NOW + timedelta(days=3), 3000)),
    )
    assert b.eligible_at(2500) == NOW + timedelta(days=3)
    assert b.eligible_at(10_000) is None


def test_format_money():
    assert format_money(2500, "usd") == "$25.00"
    assert format_money(-123456, "USD") == "-$1,234.56"
    assert format_money(500, "jpy") == "500 JPY"
    assert format_money(5, "chf") == "0.05 CHF"


def test_refunds_are_counted_before_tax_like_the_sale():
    led = ledger()
    led.record_sale(
        transaction_id="tx1",
        amount=699,
        currency="usd",
        available_at=NOW,
        gross_amount=999,
        platform_fee=300,
        tax=100,
    )
    # Billing refunds what the buyer paid, tax included: 10.99, of which 6.99 was the creator's.
    led.record_refund("re1", Clawback("tx1", 699, "usd", 1099))
    reversed_ = led.pending[-1]
    assert isinstance(reversed_, EarningReversed) and reversed_.gross_amount == 999
    led.record_refund("re2", Clawback("unknown", 10, "usd", 15))
    assert led.pending[-1].gross_amount == 15  # type: ignore[attr-defined]

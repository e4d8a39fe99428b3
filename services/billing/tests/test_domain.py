"""The Transaction aggregate and the Stripe parsers: pure, no I/O."""

from __future__ import annotations

from typing import Any

import pytest
from billing.domain import (
    DomainError,
    NotPaidYet,
    Payment,
    Sale,
    Status,
    StripeDispute,
    StripeRefund,
    Transaction,
)
from billing.errors import problem_for
from billing.stripe_gateway import dispute_from, payment_from_session, refund_from
from shared.contracts.billing import (
    CheckoutExpired,
    DisputeClosed,
    DisputeOpened,
    PurchaseCompleted,
    PurchaseFailed,
    PurchaseRefunded,
)
from shared.stripe_edge import Charge, CheckoutSession, Dispute, Refund


def started(amount: int = 999, rate: int = 3000) -> Transaction:
    tx = Transaction("tx-1")
    tx.start(
        Sale("buyer", "persona", "creator", "Ada", amount, "USD"),
        fee_rate_bps=rate,
        session_id="cs_1",
        checkout_url="https://pay/cs_1",
        expires_at=None,
        tax_enabled=False,
    )
    return tx


def paid(tax: int = 0, amount: int = 999) -> Payment:
    return Payment(
        session_id="cs_1",
        payment_intent="pi_1",
        amount_subtotal=amount,
        tax=tax,
        amount_total=amount + tax,
        charge_id="ch_1",
    )


def refund(rid: str, amount: int, status: str = "succeeded") -> StripeRefund:
    return StripeRefund(refund_id=rid, amount=amount, status=status)


def replay(tx: Transaction) -> Transaction:
    """The aggregate rebuilt from every event it recorded: folds must agree with decisions."""
    events = [*getattr(tx, "history", []), *tx.pending]
    again = Transaction.fold(tx.id, events)
    again.history = events  # type: ignore[attr-defined]
    return again


def test_start_snapshots_the_price_and_the_split_that_adds_up() -> None:
    tx = started()
    assert tx.status == Status.PENDING
    assert (tx.amount, tx.platform_fee, tx.creator_revenue, tx.fee_rate_bps) == (
        999,
        300,
        699,
        3000,
    )
    assert tx.currency == "usd"
    assert tx.platform_fee + tx.creator_revenue == tx.amount


@pytest.mark.parametrize("amount", [1, 2, 3, 50, 99, 101, 999, 1234, 10_001])
@pytest.mark.parametrize("rate", [0, 1, 2500, 3000, 3333, 10_000])
def test_split_always_adds_up(amount: int, rate: int) -> None:
    tx = started(amount, rate)
    assert tx.platform_fee + tx.creator_revenue == amount
    assert tx.platform_fee == (amount * rate + 5000) // 10_000


CHECKOUT: dict[str, Any] = {
    "fee_rate_bps": 3000,
    "session_id": "cs",
    "checkout_url": None,
    "expires_at": None,
    "tax_enabled": False,
}


def test_start_refuses_free_own_and_twice() -> None:
    with pytest.raises(DomainError) as free:
        started(amount=0)
    assert free.value.code == "persona_is_free"
    tx = Transaction("t")
    with pytest.raises(DomainError) as own:
        tx.start(Sale("same", "p", "same", "x", 100, "usd"), **CHECKOUT)
    assert own.value.code == "own_persona" and problem_for(own.value).status == 403
    with pytest.raises(DomainError):
        replay(started()).start(Sale("b", "p", "c", "x", 100, "usd"), **CHECKOUT)


def test_completion_records_once_with_the_snapshotted_split_and_tax_apart() -> None:
    tx = replay(started())
    tx.complete(paid(tax=100))
    tx.complete(paid(tax=100))
    [event] = tx.pending
    assert isinstance(event, PurchaseCompleted)
    assert (event.amount, event.platform_fee, event.creator_revenue, event.tax) == (
        999,
        300,
        699,
        100,
    )
    assert event.amount_total == 1099 and event.fee_rate_bps == 3000
    assert event.stripe_payment_intent == "pi_1" and event.stripe_charge == "ch_1"
    again = replay(tx)
    assert again.status == Status.COMPLETED and again.amount_total == 1099


def test_unpaid_completion_waits_then_async_success_or_failure() -> None:
    tx = replay(started())
    tx.mark_processing("pi_1")
    tx.mark_processing("pi_1")
    assert tx.status == Status.PROCESSING and len(tx.pending) == 1
    failed = replay(tx)
    failed.fail("async_payment_failed")
    assert isinstance(failed.pending[-1], PurchaseFailed) and failed.status == Status.FAILED
    ok = replay(tx)
    ok.complete(paid())
    assert ok.status == Status.COMPLETED
    ok.fail("late")  # a failure after payment changes nothing
    assert ok.status == Status.COMPLETED and not isinstance(ok.pending[-1], PurchaseFailed)


def test_expiry_only_from_pending_and_paid_wins_over_expiry() -> None:
    tx = replay(started())
    tx.expire()
    tx.expire()
    assert [type(e) for e in tx.pending] == [CheckoutExpired]
    assert tx.status == Status.EXPIRED
    tx.complete(paid())
    assert tx.status == Status.COMPLETED
    done = replay(tx)
    done.expire()
    assert done.status == Status.COMPLETED and not done.pending


def test_refunds_are_recorded_once_each_and_the_creator_share_adds_up() -> None:
    tx = replay(started())
    tx.complete(paid())
    tx = replay(tx)
    tx.record_refunds([refund("re_1", 333)])
    tx.record_refunds([refund("re_1", 333)])  # the same refund reported again
    assert tx.status == Status.PARTIALLY_REFUNDED and tx.refunded_total == 333
    first = tx.pending[-1]
    assert isinstance(first, PurchaseRefunded) and not first.full
    assert first.creator_amount == (699 * 333 + 499) // 999  # 233
    tx.record_refunds([refund("re_1", 333), refund("re_2", 666), refund("re_x", 5, "failed")])
    second = tx.pending[-1]
    assert isinstance(second, PurchaseRefunded) and second.full and second.refunded_total == 999
    assert first.creator_amount + second.creator_amount == 699
    assert replay(tx).status == Status.REFUNDED and replay(tx).refundable == 0


def test_refund_shares_with_tax_are_pro_rata_and_total_exactly() -> None:
    tx = replay(started())
    tx.complete(paid(tax=87))  # 1086 charged
    amounts = [1, 100, 333, 652]
    tx.record_refunds([refund(f"re_{i}", a) for i, a in enumerate(amounts)])
    events = [e for e in tx.pending if isinstance(e, PurchaseRefunded)]
    assert sum(e.amount for e in events) == 1086
    assert sum(e.creator_amount for e in events) == 699
    assert events[-1].full


def test_refund_or_dispute_before_payment_asks_for_reconciliation() -> None:
    tx = replay(started())
    with pytest.raises(NotPaidYet):
        tx.record_refunds([refund("re_1", 999)])
    with pytest.raises(NotPaidYet):
        tx.open_dispute(StripeDispute("dp_1", 999, "needs_response"))
    tx.record_refunds([])  # nothing new: nothing to reconcile


def test_admin_refund_planning() -> None:
    tx = replay(started())
    with pytest.raises(DomainError) as unpaid:
        tx.plan_refund(None)
    assert unpaid.value.code == "not_refundable"
    tx.complete(paid())
    assert tx.plan_refund(None) == 999
    assert tx.plan_refund(100) == 100
    with pytest.raises(DomainError) as too_much:
        tx.plan_refund(1000)
    assert too_much.value.code == "refund_too_large" and problem_for(too_much.value).status == 422
    tx.record_refunds([StripeRefund("re_1", 999, "succeeded", request_key="k1")])
    assert tx.refund_for_request("k1") is not None and tx.refund_for_request("k2") is None
    with pytest.raises(DomainError) as done:
        tx.plan_refund(None)
    assert done.value.code == "already_refunded"


def test_dispute_lost_takes_the_creator_share_and_won_gives_it_back() -> None:
    tx = replay(started())
    tx.complete(paid())
    lost = replay(tx)
    lost.open_dispute(StripeDispute("dp_1", 999, "needs_response", "fraudulent"))
    lost.open_dispute(StripeDispute("dp_1", 999, "needs_response"))
    opened = lost.pending[-1]
    assert isinstance(opened, DisputeOpened) and opened.creator_amount == 699
    assert lost.status == Status.DISPUTED
    with pytest.raises(DomainError) as refused:
        lost.plan_refund(None)
    assert refused.value.code == "payment_disputed"
    lost.close_dispute(StripeDispute("dp_1", 999, "lost"))
    lost.close_dispute(StripeDispute("dp_1", 999, "lost"))
    closed = lost.pending[-1]
    assert (
        isinstance(closed, DisputeClosed)
        and closed.status == "lost"
        and closed.creator_amount == 699
    )
    assert replay(lost).status == Status.CHARGED_BACK

    won = replay(tx)
    won.open_dispute(StripeDispute("dp_1", 999, "needs_response"))
    won.close_dispute(StripeDispute("dp_1", 999, "won"))
    assert won.pending[-1].status == "won"  # type: ignore[attr-defined]
    assert replay(won).status == Status.COMPLETED


def test_dispute_closed_before_it_was_opened_records_both_in_order() -> None:
    tx = replay(started())
    tx.complete(paid())
    tx = replay(tx)
    tx.close_dispute(StripeDispute("dp_1", 999, "lost"))
    assert [type(e) for e in tx.pending] == [DisputeOpened, DisputeClosed]
    tx.open_dispute(StripeDispute("dp_1", 999, "needs_response"))  # the late "created"
    assert len(tx.pending) == 2 and tx.status == Status.CHARGED_BACK


def test_dispute_after_a_partial_refund_holds_only_what_is_left() -> None:
    tx = replay(started())
    tx.complete(paid())
    tx.record_refunds([refund("re_1", 500)])
    tx.open_dispute(StripeDispute("dp_1", 999, "needs_response"))
    opened = tx.pending[-1]
    assert isinstance(opened, DisputeOpened)
    assert opened.creator_amount == 699 - tx.creator_refunded


def test_parsers_read_stripe_shapes() -> None:
    session = {
        "id": "cs_1",
        "payment_intent": "pi_1",
        "amount_subtotal": 999,
        "amount_total": 1099,
        "total_details": {"amount_tax": 100},
        "payment_status": "paid",
    }
    charge = {
        "id": "ch_1",
        "receipt_url": "https://r",
        "payment_method_details": {"card": {"brand": "visa", "last4": "4242"}},
    }
    p = payment_from_session(CheckoutSession.model_validate(session), Charge.model_validate(charge))
    assert (p.tax, p.amount_total, p.charge_id, p.card_brand, p.card_last4) == (
        100,
        1099,
        "ch_1",
        "visa",
        "4242",
    )
    expanded = payment_from_session(
        CheckoutSession.model_validate({**session, "payment_intent": {"id": "pi_2"}})
    )
    assert expanded.payment_intent == "pi_2" and expanded.charge_id is None
    r = refund_from(
        Refund.model_validate(
            {"id": "re_1", "amount": 5, "status": "succeeded", "metadata": {"request_key": "k"}}
        )
    )
    assert (r.refund_id, r.amount, r.request_key, r.requested_by) == ("re_1", 5, "k", None)
    d = dispute_from(
        Dispute.model_validate(
            {"id": "dp_1", "amount": 999, "status": "won", "reason": "fraudulent"}
        )
    )
    assert (d.dispute_id, d.status, d.reason) == ("dp_1", "won", "fraudulent")

"""Billing's events into the creator ledger (each in the kernel's inbox transaction).

The inbox drops a redelivered message; the ledger itself also ignores a second event about the
same sale, refund or dispute (billing may publish one twice under a new event id).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeAlias

from shared.contracts.billing import (
    DisputeClosed,
    DisputeOpened,
    PurchaseCompleted,
    PurchaseRefunded,
)
from shared.events import Envelope
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

from payouts.domain import Clawback, CreatorLedger, ledger_stream


def ledger_subscription(holding_days: int) -> Subscription:
    """The creator ledger fed by billing; `holding_days` from the settings (tests shorten it)."""
    holding = timedelta(days=holding_days)
    ledger = Subscription("payouts", "ledger")

    @ledger.on(PurchaseCompleted, PurchaseRefunded, DisputeOpened, DisputeClosed)
    async def record(event: BillingFact, envelope: Envelope, uow: UnitOfWork) -> None:
        # Every writer of a ledger takes its lock, so this never clashes with a payout request.
        book = await uow.load(CreatorLedger, ledger_stream(event.creator_id), lock=True)
        apply_fact(book, event, envelope, holding)
        await uow.save(book)

    return ledger


BillingFact: TypeAlias = PurchaseCompleted | PurchaseRefunded | DisputeOpened | DisputeClosed


def apply_fact(
    book: CreatorLedger, event: BillingFact, envelope: Envelope, holding: timedelta
) -> None:
    """Record one billing fact on the creator's ledger, dated when billing recorded it (so
    replays and late deliveries agree); amounts taken back carry the buyer money they came from."""
    when = envelope.occurred_at
    if isinstance(event, PurchaseCompleted):
        book.record_sale(
            transaction_id=event.transaction_id,
            amount=event.creator_revenue,
            currency=event.currency,
            available_at=when + holding,  # held from when the payment completed
            gross_amount=event.amount,
            platform_fee=event.platform_fee,
            tax=event.tax,
            persona_id=event.persona_id,
            effective_at=when,
        )
        return
    taken = Clawback(event.transaction_id, event.creator_amount, event.currency, event.amount, when)
    if isinstance(event, PurchaseRefunded):
        book.record_refund(event.refund_id, taken)
    elif isinstance(event, DisputeOpened):
        book.record_dispute_opened(event.dispute_id, taken)
    else:
        book.record_dispute_closed(event.dispute_id, event.status, taken)

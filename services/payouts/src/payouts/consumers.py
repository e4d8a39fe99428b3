"""Billing's events into the creator ledger (each in the kernel's inbox transaction).

The inbox drops a redelivered message; the ledger itself also ignores a second event about the
same sale, refund or dispute (billing may publish one twice under a new event id).
"""

from __future__ import annotations

from datetime import timedelta

from shared.contracts.billing import (
    DisputeClosed,
    DisputeOpened,
    PurchaseCompleted,
    PurchaseRefunded,
)
from shared.events import Envelope
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

from payouts.domain import CreatorLedger, ledger_stream


def ledger_subscription(holding_days: int) -> Subscription:
    """The creator ledger fed by billing; `holding_days` from the settings (tests shorten it)."""
    holding = timedelta(days=holding_days)
    ledger = Subscription("payouts", "ledger")

    async def load(creator_id: str, uow: UnitOfWork) -> CreatorLedger:
        # Every writer of a ledger takes its lock, so this never clashes with a payout request.
        return await uow.load(CreatorLedger, ledger_stream(creator_id), lock=True)

    @ledger.on(PurchaseCompleted)
    async def sale(event: PurchaseCompleted, envelope: Envelope, uow: UnitOfWork) -> None:
        book = await load(event.creator_id, uow)
        # Held from when the payment completed, so replays and late deliveries agree.
        book.record_sale(
            transaction_id=event.transaction_id,
            amount=event.creator_revenue,
            currency=event.currency,
            available_at=envelope.occurred_at + holding,
            gross_amount=event.amount,
            platform_fee=event.platform_fee,
            tax=event.tax,
            persona_id=event.persona_id,
            effective_at=envelope.occurred_at,
        )
        await uow.save(book)

    @ledger.on(PurchaseRefunded)
    async def refund(event: PurchaseRefunded, envelope: Envelope, uow: UnitOfWork) -> None:
        book = await load(event.creator_id, uow)
        book.record_refund(
            transaction_id=event.transaction_id,
            refund_id=event.refund_id,
            amount=event.creator_amount,
            currency=event.currency,
            gross_amount=event.amount,
            effective_at=envelope.occurred_at,
        )
        await uow.save(book)

    @ledger.on(DisputeOpened)
    async def dispute_opened(event: DisputeOpened, envelope: Envelope, uow: UnitOfWork) -> None:
        book = await load(event.creator_id, uow)
        book.record_dispute_opened(
            transaction_id=event.transaction_id,
            dispute_id=event.dispute_id,
            amount=event.creator_amount,
            currency=event.currency,
            gross_amount=event.amount,
            effective_at=envelope.occurred_at,
        )
        await uow.save(book)

    @ledger.on(DisputeClosed)
    async def dispute_closed(event: DisputeClosed, envelope: Envelope, uow: UnitOfWork) -> None:
        book = await load(event.creator_id, uow)
        book.record_dispute_closed(
            transaction_id=event.transaction_id,
            dispute_id=event.dispute_id,
            status=event.status,
            amount=event.creator_amount,
            currency=event.currency,
            gross_amount=event.amount,
            effective_at=envelope.occurred_at,
        )
        await uow.save(book)

    return ledger

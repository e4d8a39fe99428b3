"""Billing's events into the creator ledger (each in the kernel's inbox transaction).

The inbox drops a redelivered message; the ledger itself also ignores a second event about the
same sale, refund or dispute (billing may publish one twice under a new event id).
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg
from shared.bus import Handler, Subscription
from shared.contracts.billing import (
    DisputeClosed,
    DisputeOpened,
    PurchaseCompleted,
    PurchaseRefunded,
)
from shared.events import Envelope
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.uow import UnitOfWork

from payouts.domain import CreatorLedger, ledger_stream

log = get_logger(__name__)

BINDINGS = (
    "billing.PurchaseCompleted",
    "billing.PurchaseRefunded",
    "billing.DisputeOpened",
    "billing.DisputeClosed",
)


def ledger_handler(store: EventStore, holding_days: int) -> Handler:
    holding = timedelta(days=holding_days)

    async def handle(conn: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event()
        if event is None:
            log.warning("unknown event type ignored", event_type=envelope.type)
            return
        creator_id = getattr(event, "creator_id", None)
        if not creator_id:
            return
        uow = UnitOfWork(conn, store)
        # Every writer of a ledger takes its lock, so this never clashes with a payout request.
        ledger = await uow.load(CreatorLedger, ledger_stream(creator_id), lock=True)
        if isinstance(event, PurchaseCompleted):
            # Held from when the payment completed, so replays and late deliveries agree.
            ledger.record_sale(
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
        elif isinstance(event, PurchaseRefunded):
            ledger.record_refund(
                transaction_id=event.transaction_id,
                refund_id=event.refund_id,
                amount=event.creator_amount,
                currency=event.currency,
                gross_amount=event.amount,
                effective_at=envelope.occurred_at,
            )
        elif isinstance(event, DisputeOpened):
            ledger.record_dispute_opened(
                transaction_id=event.transaction_id,
                dispute_id=event.dispute_id,
                amount=event.creator_amount,
                currency=event.currency,
                gross_amount=event.amount,
                effective_at=envelope.occurred_at,
            )
        elif isinstance(event, DisputeClosed):
            ledger.record_dispute_closed(
                transaction_id=event.transaction_id,
                dispute_id=event.dispute_id,
                status=event.status,
                amount=event.creator_amount,
                currency=event.currency,
                gross_amount=event.amount,
                effective_at=envelope.occurred_at,
            )
        await uow.save(ledger)

    return handle


def subscriptions(store: EventStore, holding_days: int) -> list[Subscription]:
    return [
        Subscription(
            service="payouts",
            name="ledger",
            bindings=BINDINGS,
            handler=ledger_handler(store, holding_days),
        )
    ]

"""The `transactions` read model, written in the append's transaction.

Each event re-folds its (short) stream through the aggregate and upserts the whole row, so the
read model can never disagree with the domain's own idea of status and amounts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from shared.contracts.billing import PurchaseCompleted, PurchaseRefunded
from shared.events import Envelope, Event, decode_event
from shared.eventstore import Projections

from billing.domain import TRANSACTION_EVENTS, Transaction

projections = Projections()
projections.owns("transactions")

_COLUMNS = (
    "id, buyer_id, persona_id, creator_id, persona_name, amount, currency, fee_rate_bps,"
    " platform_fee, creator_revenue, tax, amount_total, status, session_id, checkout_url,"
    " expires_at, payment_intent, charge_id, receipt_url, card_brand, card_last4, failure_reason,"
    " refunded_amount, creator_refunded, refunds, dispute_id, dispute_status, dispute_amount,"
    " dispute_creator_amount, created_at, completed_at, updated_at, version"
)
_COLUMN_NAMES = [c.strip() for c in _COLUMNS.split(",")]
_UPSERT = (
    f"INSERT INTO transactions ({_COLUMNS}) VALUES ("
    + ", ".join(f"${i + 1}" for i in range(len(_COLUMN_NAMES)))
    + ") ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMN_NAMES if c != "id")
    + " WHERE transactions.version <= EXCLUDED.version"
)


@projections.on(*TRANSACTION_EVENTS)
async def project_transaction(conn: asyncpg.Connection, _: Event, envelope: Envelope) -> None:
    rows = await conn.fetch(
        "SELECT type, schema_version, data, occurred_at, version FROM events"
        " WHERE stream_id = $1 AND version <= $2 ORDER BY version",
        envelope.stream_id,
        envelope.version,
    )
    tx = Transaction(envelope.stream_id)
    created_at: datetime | None = None
    completed_at: datetime | None = None
    refunds: list[dict[str, Any]] = []
    for row in rows:
        event = decode_event(row["type"], row["schema_version"], row["data"])
        if event is None:
            continue
        tx.apply(event)
        created_at = created_at or row["occurred_at"]
        if isinstance(event, PurchaseCompleted):
            completed_at = row["occurred_at"]
        elif isinstance(event, PurchaseRefunded):
            refunds.append(
                {
                    "id": event.refund_id,
                    "amount": event.amount,
                    "creator_amount": event.creator_amount,
                    "reason": event.reason,
                    "requested_by": event.requested_by,
                    "created_at": row["occurred_at"].isoformat(),
                }
            )
    if not rows or tx.status is None:
        return
    values = {
        "id": tx.id,
        "buyer_id": tx.buyer_id,
        "persona_id": tx.persona_id,
        "creator_id": tx.creator_id,
        "persona_name": tx.persona_name,
        "amount": tx.amount,
        "currency": tx.currency,
        "fee_rate_bps": tx.fee_rate_bps,
        "platform_fee": tx.platform_fee,
        "creator_revenue": tx.creator_revenue,
        "tax": tx.tax,
        "amount_total": tx.amount_total,
        "status": tx.status.value,
        "session_id": tx.session_id,
        "checkout_url": tx.checkout_url,
        "expires_at": tx.expires_at,
        "payment_intent": tx.payment_intent,
        "charge_id": tx.charge_id,
        "receipt_url": tx.receipt_url,
        "card_brand": tx.card_brand,
        "card_last4": tx.card_last4,
        "failure_reason": tx.failure_reason,
        "refunded_amount": tx.refunded_total,
        "creator_refunded": tx.creator_refunded,
        "refunds": refunds,
        "dispute_id": tx.dispute_id,
        "dispute_status": tx.dispute_status,
        "dispute_amount": tx.dispute_amount,
        "dispute_creator_amount": tx.dispute_creator_amount,
        "created_at": created_at,
        "completed_at": completed_at,
        "updated_at": rows[-1]["occurred_at"],
        "version": rows[-1]["version"],
    }
    await conn.execute(_UPSERT, *(values[c] for c in _COLUMN_NAMES))

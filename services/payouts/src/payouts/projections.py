"""Read models, updated in the same transaction as each append (rebuildable from `events`)."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.contracts.payouts import (
    CreatorEarningRecorded,
    EarningReinstated,
    EarningReversed,
    PayoutAccountCreated,
    PayoutAccountUpdated,
    PayoutFailed,
    PayoutPaid,
    PayoutRequested,
    PayoutReversed,
)
from shared.events import Envelope, Event
from shared.eventstore import Projections

projections = Projections()
projections.owns("payout_accounts", "earning_txns", "ledger_entries", "payouts")


async def _entry(conn: asyncpg.Connection, env: Envelope, kind: str, **cols: Any) -> None:
    """A ledger line, dated when the money moved (a sale: when billing completed it)."""
    data = env.data
    when = cols.pop("effective_at", None) or env.occurred_at
    row: dict[str, Any] = {
        "position": env.global_position,
        "creator_id": data["creator_id"],
        "currency": data["currency"],
        "kind": kind,
        "transaction_id": data.get("transaction_id"),
        "payout_id": data.get("payout_id"),
        "occurred_at": when,
        **cols,
    }
    names = ", ".join(row)
    params = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    await conn.execute(
        f"INSERT INTO ledger_entries ({names}) VALUES ({params}) ON CONFLICT DO NOTHING",
        *row.values(),
    )


def _refund_split(e: EarningReversed | EarningReinstated) -> tuple[int, int]:
    """(buyer money concerned, platform fee part of it); gross unknown -> the share alone."""
    gross = e.gross_amount or e.amount
    return gross, max(0, gross - e.amount)


@projections.on(CreatorEarningRecorded)
async def _earning(conn: asyncpg.Connection, e: CreatorEarningRecorded, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO earning_txns (creator_id, transaction_id, currency, persona_id, gross, fee,"
        " earned, available_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (creator_id, transaction_id) DO UPDATE SET"
        " persona_id = excluded.persona_id, gross = excluded.gross, fee = excluded.fee,"
        " earned = earning_txns.earned + excluded.earned, available_at = excluded.available_at",
        e.creator_id,
        e.transaction_id,
        e.currency,
        e.persona_id,
        e.gross_amount,
        e.platform_fee,
        e.amount,
        e.available_at,
    )
    await _entry(
        conn,
        env,
        "sale",
        persona_id=e.persona_id,
        gross=e.gross_amount,
        fee=e.platform_fee,
        amount=e.amount,
        available_at=e.available_at,
        effective_at=e.effective_at,
    )


async def _adjust_reversed(
    conn: asyncpg.Connection, creator_id: str, transaction_id: str, currency: str, delta: int
) -> None:
    await conn.execute(
        "INSERT INTO earning_txns (creator_id, transaction_id, currency, reversed)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (creator_id, transaction_id) DO UPDATE SET"
        " reversed = earning_txns.reversed + excluded.reversed",
        creator_id,
        transaction_id,
        currency,
        delta,
    )


@projections.on(EarningReversed, EarningReinstated)
async def _taken_back_or_returned(
    conn: asyncpg.Connection, e: EarningReversed | EarningReinstated, env: Envelope
) -> None:
    # A reversal takes the creator's share back; a dispute won gives it back.
    sign = -1 if isinstance(e, EarningReversed) else 1
    await _adjust_reversed(conn, e.creator_id, e.transaction_id, e.currency, -sign * e.amount)
    gross, fee = _refund_split(e)
    persona = await conn.fetchval(
        "SELECT persona_id FROM earning_txns WHERE creator_id = $1 AND transaction_id = $2",
        e.creator_id,
        e.transaction_id,
    )
    await _entry(
        conn,
        env,
        e.reason if isinstance(e, EarningReversed) else "dispute_won",
        reference=e.reference,
        persona_id=persona,
        gross=gross,
        fee=fee,
        amount=sign * e.amount,
        effective_at=e.effective_at,
    )


projections.statement(
    PayoutRequested,
    "INSERT INTO payouts (payout_id, creator_id, amount, currency, status, destination,"
    " created_at) VALUES ($1, $2, $3, $4, 'requested', $5, $6) ON CONFLICT DO NOTHING",
    lambda e, env: (
        e.payout_id,
        e.creator_id,
        e.amount,
        e.currency,
        e.destination,
        env.occurred_at,
    ),
)


@projections.on(PayoutPaid, PayoutFailed)
async def _settled(conn: asyncpg.Connection, e: PayoutPaid | PayoutFailed, env: Envelope) -> None:
    failed = e if isinstance(e, PayoutFailed) else None
    await conn.execute(
        "UPDATE payouts SET status = $2, stripe_transfer = coalesce($3, stripe_transfer),"
        " reason = coalesce($4, reason), failure_code = coalesce($5, failure_code),"
        " settled_at = $6 WHERE payout_id = $1",
        e.payout_id,
        "failed" if failed else "paid",
        e.stripe_transfer if isinstance(e, PayoutPaid) else None,
        failed.reason if failed else None,
        failed.code if failed else None,
        env.occurred_at,
    )


projections.statement(
    PayoutReversed,
    "UPDATE payouts SET reversed_amount = reversed_amount + $2,"
    " status = CASE WHEN reversed_amount + $2 >= amount THEN 'failed' ELSE status END,"
    " reason = $3 WHERE payout_id = $1",
    lambda e, env: (e.payout_id, e.amount, e.reason),
)

# A payout's ledger lines: the reservation, and what comes back to the balance when the
# transfer fails or is reversed.
_PAYOUT_LINES: dict[type[Event], tuple[str, int]] = {
    PayoutRequested: ("payout", -1),
    PayoutFailed: ("payout_returned", 1),
    PayoutReversed: ("payout_reversed", 1),
}


@projections.on(PayoutRequested, PayoutFailed, PayoutReversed)
async def _payout_line(
    conn: asyncpg.Connection, e: PayoutRequested | PayoutFailed | PayoutReversed, env: Envelope
) -> None:
    kind, sign = _PAYOUT_LINES[type(e)]
    reason = None if isinstance(e, PayoutRequested) else e.reason
    await _entry(conn, env, kind, amount=sign * e.amount, reason=reason)


projections.statement(
    PayoutAccountCreated,
    "INSERT INTO payout_accounts (creator_id, stripe_account, created_at, updated_at)"
    " VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING",
    lambda e, env: (e.creator_id, e.stripe_account, env.occurred_at),
)


projections.statement(
    PayoutAccountUpdated,
    "UPDATE payout_accounts SET details_submitted = $2, payouts_enabled = $3,"
    " transfers_active = $4, updated_at = $5 WHERE creator_id = $1",
    lambda e, env: (
        e.creator_id,
        e.details_submitted,
        e.payouts_enabled,
        e.transfers_active,
        env.occurred_at,
    ),
)

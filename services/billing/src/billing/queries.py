"""Read-side SQL over billing's own tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

import asyncpg
from shared.pagination import Page, after_key, newest_first_key, page_of

from billing.domain import OWNING_STATUSES, Status

Row = dict[str, Any]
DB: TypeAlias = asyncpg.Pool | asyncpg.Connection


async def persona(db: DB, persona_id: str) -> Row | None:
    row = await db.fetchrow("SELECT * FROM personas WHERE persona_id = $1", persona_id)
    return dict(row) if row else None


async def owns(db: DB, user_id: str, persona_id: str) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM transactions WHERE buyer_id = $1 AND persona_id = $2"
            "   AND status = ANY($3::text[]))"
            " OR EXISTS (SELECT 1 FROM acquisitions WHERE user_id = $1 AND persona_id = $2)",
            user_id,
            persona_id,
            [s.value for s in OWNING_STATUSES],
        )
    )


async def payment_in_progress(db: DB, user_id: str, persona_id: str) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM transactions WHERE buyer_id = $1 AND persona_id = $2"
            " AND status = $3)",
            user_id,
            persona_id,
            Status.PROCESSING.value,
        )
    )


async def open_checkout(
    db: DB,
    user_id: str,
    persona_id: str,
    amount: int,
    currency: str,
    payable_until: datetime,
) -> Row | None:
    """A pending checkout for the same sale that stays payable long enough to hand out again."""
    row = await db.fetchrow(
        "SELECT id, session_id, checkout_url FROM transactions"
        " WHERE buyer_id = $1 AND persona_id = $2 AND status = $3 AND amount = $4"
        " AND currency = $5 AND checkout_url IS NOT NULL AND expires_at > $6"
        " ORDER BY created_at DESC LIMIT 1",
        user_id,
        persona_id,
        Status.PENDING.value,
        amount,
        currency,
        payable_until,
    )
    return dict(row) if row else None


async def checkouts_started(db: DB, user_id: str, persona_id: str) -> int:
    """How many checkouts this buyer has started for this persona (names the next one)."""
    return int(
        await db.fetchval(
            "SELECT count(*) FROM transactions WHERE buyer_id = $1 AND persona_id = $2",
            user_id,
            persona_id,
        )
    )


async def transaction(db: DB, transaction_id: str) -> Row | None:
    row = await db.fetchrow("SELECT * FROM transactions WHERE id = $1", transaction_id)
    return dict(row) if row else None


async def transaction_by_session(db: DB, session_id: str) -> Row | None:
    row = await db.fetchrow("SELECT * FROM transactions WHERE session_id = $1", session_id)
    return dict(row) if row else None


async def transaction_id_by_payment_intent(db: DB, payment_intent: str) -> str | None:
    value = await db.fetchval(
        "SELECT id FROM transactions WHERE payment_intent = $1 LIMIT 1", payment_intent
    )
    return str(value) if value else None


# Pending and expired checkouts are abandoned carts, not purchases.
HISTORY_HIDDEN = [Status.PENDING.value, Status.EXPIRED.value]


async def purchase_history(db: DB, buyer_id: str, limit: int, cursor: str | None) -> Page[Row]:
    args: list[Any] = [buyer_id, HISTORY_HIDDEN, limit + 1]
    keyset = ""
    after = after_key(cursor)
    if after is not None:
        keyset = " AND (created_at, id) < ($4, $5)"
        args += list(after)
    rows = await db.fetch(
        "SELECT * FROM transactions WHERE buyer_id = $1 AND NOT (status = ANY($2::text[]))"
        f"{keyset} ORDER BY created_at DESC, id DESC LIMIT $3",
        *args,
    )
    return page_of([dict(r) for r in rows], limit, newest_first_key)


async def admin_transactions(
    db: DB,
    limit: int,
    cursor: str | None,
    *,
    status: str | None = None,
    buyer_id: str | None = None,
    persona_id: str | None = None,
    creator_id: str | None = None,
) -> Page[Row]:
    clauses: list[str] = []
    args: list[Any] = []
    for column, value in (
        ("status", status),
        ("buyer_id", buyer_id),
        ("persona_id", persona_id),
        ("creator_id", creator_id),
    ):
        if value is not None:
            args.append(value)
            clauses.append(f"{column} = ${len(args)}")
    after = after_key(cursor)
    if after is not None:
        args += list(after)
        clauses.append(f"(created_at, id) < (${len(args) - 1}, ${len(args)})")
    args.append(limit + 1)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = await db.fetch(
        f"SELECT * FROM transactions {where} ORDER BY created_at DESC, id DESC LIMIT ${len(args)}",
        *args,
    )
    return page_of([dict(r) for r in rows], limit, newest_first_key)


async def buyer_email(db: asyncpg.Pool | asyncpg.Connection, user_id: str) -> str | None:
    """The buyer's e-mail address as identity last announced it (None until it has)."""
    value = await db.fetchval("SELECT email FROM buyer_emails WHERE user_id = $1", user_id)
    return str(value) if value is not None else None

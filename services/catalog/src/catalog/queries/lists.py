"""Persona lists other than the market: a creator's own, a public profile's, the moderation
queue, purchases."""

from __future__ import annotations

from functools import partial
from typing import Any

import asyncpg
from shared.auth import Principal
from shared.pagination import Key, Keyset

from catalog.queries.common import keyset_page
from catalog.queries.personas import PERSONA_COLUMNS, persona_json

NEWEST_FIRST = Keyset(Key("p.created_at", "sort_0", "ts"), Key("p.id", "id", "uuid"))
# The moderation queue: who waited longest first.
LONGEST_WAITING = Keyset(
    Key("p.submitted_at", "sort_0", "ts", "ASC"), Key("p.id", "id", "uuid", "ASC")
)
LATEST_ACQUIRED = Keyset(
    Key("e.acquired_at", "acquired_at", "ts"), Key("e.persona_id", "id", "uuid")
)


async def _persona_list(
    db: asyncpg.Connection | asyncpg.Pool,
    viewer_id: str | None,
    where: str,
    args: list[Any],
    limit: int,
    cursor: str | None,
    *,
    order: Keyset = NEWEST_FIRST,
    owner_view: bool = False,
) -> dict[str, Any]:
    """A keyset page of personas (`$1` is the viewer's id, `args` follow)."""
    return await keyset_page(
        db,
        f"SELECT {PERSONA_COLUMNS}, {order.keys[0].sql} AS sort_0"
        " FROM personas p LEFT JOIN users u ON u.id = p.creator_id",
        where,
        [viewer_id, *args],
        order,
        limit,
        cursor,
        partial(persona_json, owner_view=owner_view),
    )


async def my_personas(
    db: asyncpg.Pool | asyncpg.Connection,
    user: Principal,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    where = "p.creator_id = $1 AND p.deleted_at IS NULL"
    args: list[Any] = []
    if status:
        args.append(status)
        where += " AND p.status = $2"
    return await _persona_list(db, user.user_id, where, args, limit, cursor, owner_view=True)


async def user_id_for(db: asyncpg.Pool | asyncpg.Connection, username_or_id: str) -> str | None:
    found: str | None = await db.fetchval(
        "SELECT id FROM users WHERE lower(username) = lower($1) OR id = $1 LIMIT 1", username_or_id
    )
    return found


async def creator_personas(
    db: asyncpg.Pool | asyncpg.Connection,
    creator_id: str,
    viewer: Principal | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    return await _persona_list(
        db,
        viewer.user_id if viewer else None,
        "p.listed AND p.creator_id = $2",
        [creator_id],
        limit,
        cursor,
    )


async def moderation_queue(
    db: asyncpg.Pool | asyncpg.Connection, admin: Principal, limit: int, cursor: str | None
) -> dict[str, Any]:
    return await _persona_list(
        db,
        admin.user_id,
        "p.status = 'pending' AND p.deleted_at IS NULL",
        [],
        limit,
        cursor,
        order=LONGEST_WAITING,
        owner_view=True,
    )


def _purchase_json(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "persona": persona_json(r),
        "acquired_at": r["acquired_at"],
        "source": r["source"],
        "transaction_id": r["transaction_id"],
        "price_cents": r["amount"],
        "currency": r["paid_currency"] or r["currency"],
    }


async def purchases(
    db: asyncpg.Pool | asyncpg.Connection, user: Principal, limit: int, cursor: str | None
) -> dict[str, Any]:
    return await keyset_page(
        db,
        f"SELECT {PERSONA_COLUMNS}, e.acquired_at, e.source, e.transaction_id, e.amount,"
        " e.currency AS paid_currency"
        " FROM entitlements e JOIN personas p ON p.id = e.persona_id"
        " LEFT JOIN users u ON u.id = p.creator_id",
        "e.user_id = $1",
        [user.user_id],
        LATEST_ACQUIRED,
        limit,
        cursor,
        _purchase_json,
    )

"""Persona lists other than the market: a creator's own, a public profile's, the moderation queue, purchases."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.auth import Principal
from shared.pagination import decode_cursor, encode_cursor

from catalog.queries.common import bad_cursor, cursor_value
from catalog.queries.personas import PERSONA_COLUMNS, persona_json

# ---------------------------------------------------------------- other persona lists


async def _persona_list(
    conn: asyncpg.Connection | asyncpg.Pool,
    viewer_id: str | None,
    where: str,
    args: list[Any],
    limit: int,
    cursor: str | None,
    *,
    order_col: str = "p.created_at",
    direction: str = "DESC",
    owner_view: bool = False,
    extra_cols: str = "",
) -> dict[str, Any]:
    """A keyset page of personas ordered by (`order_col`, id)."""
    all_args: list[Any] = [viewer_id, *args]
    values = decode_cursor(cursor)
    cond = where
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        all_args += [cursor_value("ts", values[0]), cursor_value("uuid", values[1])]
        op = "<" if direction == "DESC" else ">"
        cond += f" AND ({order_col}, p.id) {op} (${len(all_args) - 1}, ${len(all_args)})"
    all_args.append(limit + 1)
    rows = await conn.fetch(
        f"SELECT {PERSONA_COLUMNS}{extra_cols}, {order_col} AS sort_0"
        " FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
        f" WHERE {cond} ORDER BY {order_col} {direction}, p.id {direction} LIMIT ${len(all_args)}",
        *all_args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        encode_cursor([rows[-1]["sort_0"].isoformat(), str(rows[-1]["id"])])
        if more and rows
        else None
    )
    return {
        "items": [persona_json(r, owner_view=owner_view) for r in rows],
        "next_cursor": next_cursor,
        "rows": rows,
    }


async def my_personas(
    conn: asyncpg.Pool, user: Principal, status: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    where = "p.creator_id = $1 AND p.deleted_at IS NULL"
    args: list[Any] = []
    if status:
        args.append(status)
        where += " AND p.status = $2"
    page = await _persona_list(conn, user.user_id, where, args, limit, cursor, owner_view=True)
    page.pop("rows")
    return page


async def user_id_for(conn: asyncpg.Pool, username_or_id: str) -> str | None:
    found: str | None = await conn.fetchval(
        "SELECT id FROM users WHERE lower(username) = lower($1) OR id = $1 LIMIT 1", username_or_id
    )
    return found


async def creator_personas(
    conn: asyncpg.Pool, creator_id: str, viewer: Principal | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    page = await _persona_list(
        conn,
        viewer.user_id if viewer else None,
        "p.listed AND p.creator_id = $2",
        [creator_id],
        limit,
        cursor,
    )
    page.pop("rows")
    return page


async def moderation_queue(
    conn: asyncpg.Pool, admin: Principal, limit: int, cursor: str | None
) -> dict[str, Any]:
    page = await _persona_list(
        conn,
        admin.user_id,
        "p.status = 'pending' AND p.deleted_at IS NULL",
        [],
        limit,
        cursor,
        order_col="p.submitted_at",
        direction="ASC",
        owner_view=True,
    )
    page.pop("rows")
    return page


async def purchases(
    conn: asyncpg.Pool, user: Principal, limit: int, cursor: str | None
) -> dict[str, Any]:
    args: list[Any] = [user.user_id]
    cond = "e.user_id = $1"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [cursor_value("ts", values[0]), cursor_value("uuid", values[1])]
        cond += " AND (e.acquired_at, e.persona_id) < ($2, $3)"
    args.append(limit + 1)
    rows = await conn.fetch(
        f"SELECT {PERSONA_COLUMNS}, e.acquired_at, e.source, e.transaction_id, e.amount,"
        " e.currency AS paid_currency"
        " FROM entitlements e JOIN personas p ON p.id = e.persona_id"
        " LEFT JOIN users u ON u.id = p.creator_id"
        f" WHERE {cond} ORDER BY e.acquired_at DESC, e.persona_id DESC LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [
            {
                "persona": persona_json(r),
                "acquired_at": r["acquired_at"],
                "source": r["source"],
                "transaction_id": r["transaction_id"],
                "price_cents": r["amount"],
                "currency": r["paid_currency"] or r["currency"],
            }
            for r in rows
        ],
        "next_cursor": encode_cursor([rows[-1]["acquired_at"].isoformat(), str(rows[-1]["id"])])
        if more and rows
        else None,
    }

"""Libraries (what each user holds) and the also-downloaded pair counts kept from them."""

from __future__ import annotations

import asyncpg


async def add(conn: asyncpg.Connection, user_id: str, persona_id: str) -> None:
    """A user gained a persona: every other persona they hold pairs with it once more."""
    fresh = await conn.fetchval(
        "INSERT INTO holdings (user_id, persona_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING RETURNING 1",
        user_id,
        persona_id,
    )
    if fresh:
        await _pairs(conn, user_id, persona_id, +1)


async def remove(conn: asyncpg.Connection, user_id: str, persona_id: str) -> None:
    gone = await conn.fetchval(
        "DELETE FROM holdings WHERE user_id = $1 AND persona_id = $2 RETURNING 1",
        user_id,
        persona_id,
    )
    if gone:
        await _pairs(conn, user_id, persona_id, -1)


async def _pairs(conn: asyncpg.Connection, user_id: str, persona_id: str, delta: int) -> None:
    # Both directions, so "users who hold X also hold ..." is one index range scan.
    await conn.execute(
        "INSERT INTO also_held (persona_id, other_id, users)"
        " SELECT p, o, $3 FROM holdings h,"
        " LATERAL (VALUES ($2, h.persona_id), (h.persona_id, $2)) AS v(p, o)"
        " WHERE h.user_id = $1 AND h.persona_id <> $2"
        " ON CONFLICT (persona_id, other_id) DO UPDATE SET users = also_held.users + EXCLUDED.users",
        user_id,
        persona_id,
        delta,
    )
    await conn.execute(
        "DELETE FROM also_held WHERE users <= 0 AND (persona_id = $1 OR other_id = $1)", persona_id
    )

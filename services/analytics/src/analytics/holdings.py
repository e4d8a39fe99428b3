"""Libraries (what each user holds), the also-downloaded pair counts kept from them, and follows.

Both are state, not sums: whether an acquisition or a follow counts depends on what came before.
A stream batch reads the current state of the users it touches once, replays its events in
order in memory (exactly what applying them one by one would do), and writes the difference
with one statement per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from analytics.figures import Changes


async def apply(conn: asyncpg.Connection, changes: Sequence[tuple[str, str, bool]]) -> None:
    """`(user_id, persona_id, held)` in stream order: gained (True) or revoked (False). A user
    gaining a persona pairs it once more with every other one they hold (both directions, so
    "users who hold X also hold ..." is one index range scan); losing one unpairs it."""
    if not changes:
        return
    users = sorted({u for u, _, _ in changes})
    held: dict[str, set[str]] = {u: set() for u in users}
    for r in await conn.fetch(
        "SELECT user_id, persona_id FROM holdings WHERE user_id = ANY($1::text[])", users
    ):
        held[r["user_id"]].add(r["persona_id"])
    before = {u: set(ps) for u, ps in held.items()}
    pairs: dict[tuple[str, str], int] = {}
    for user, persona, gained in changes:
        mine = held[user]
        if gained == (persona in mine):
            continue  # already held / not held: nothing changes
        if not gained:
            mine.discard(persona)
        delta = 1 if gained else -1
        for other in mine:
            if other != persona:
                pairs[(persona, other)] = pairs.get((persona, other), 0) + delta
                pairs[(other, persona)] = pairs.get((other, persona), 0) + delta
        if gained:
            mine.add(persona)
    added = {(u, p) for u in users for p in held[u] - before[u]}
    removed = {(u, p) for u in users for p in before[u] - held[u]}
    await _store_pairs(conn, "holdings", ("user_id", "persona_id"), added, removed)
    keys = sorted(k for k, n in pairs.items() if n)
    if not keys:
        return
    await conn.execute(
        "INSERT INTO also_held (persona_id, other_id, users)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::int[])"
        " ON CONFLICT (persona_id, other_id) DO UPDATE SET users = also_held.users + EXCLUDED.users",
        [p for p, _ in keys],
        [o for _, o in keys],
        [pairs[k] for k in keys],
    )
    if any(pairs[k] < 0 for k in keys):
        await conn.execute(
            "DELETE FROM also_held a USING unnest($1::text[], $2::text[]) AS d(p, o)"
            " WHERE a.persona_id = d.p AND a.other_id = d.o AND a.users <= 0",
            [p for p, _ in keys],
            [o for _, o in keys],
        )


async def follow(
    conn: asyncpg.Connection,
    changes: Sequence[tuple[str, str, bool, datetime]],
    figures: Changes,
) -> None:
    """`(follower_id, followee_id, following, at)` in stream order: a follow that is new counts
    as gained at its time, an unfollow of a follow as lost."""
    if not changes:
        return
    keys = sorted({(a, b) for a, b, _, _ in changes})
    now = {
        (r["follower_id"], r["followee_id"])
        for r in await conn.fetch(
            "SELECT f.follower_id, f.followee_id FROM follows f"
            " JOIN unnest($1::text[], $2::text[]) AS k(a, b)"
            " ON f.follower_id = k.a AND f.followee_id = k.b",
            [a for a, _ in keys],
            [b for _, b in keys],
        )
    }
    before = set(now)
    for follower, followee, following, at in changes:
        key = (follower, followee)
        if following and key not in now:
            now.add(key)
            figures.follower(followee, at, gained=1)
        elif not following and key in now:
            now.discard(key)
            figures.follower(followee, at, lost=1)
    await _store_pairs(conn, "follows", ("follower_id", "followee_id"), now - before, before - now)


async def _store_pairs(
    conn: asyncpg.Connection,
    table: str,
    cols: tuple[str, str],
    added: set[tuple[str, str]],
    removed: set[tuple[str, str]],
) -> None:
    """Insert and delete rows of a two-column set table (one statement each, in key order)."""
    a, b = cols
    if added:
        rows = sorted(added)
        await conn.execute(
            f"INSERT INTO {table} ({a}, {b}) SELECT * FROM unnest($1::text[], $2::text[])"
            " ON CONFLICT DO NOTHING",
            [x for x, _ in rows],
            [y for _, y in rows],
        )
    if removed:
        rows = sorted(removed)
        await conn.execute(
            f"DELETE FROM {table} t USING unnest($1::text[], $2::text[]) AS d(x, y)"
            f" WHERE t.{a} = d.x AND t.{b} = d.y",
            [x for x, _ in rows],
            [y for _, y in rows],
        )

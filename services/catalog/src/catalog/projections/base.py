"""The catalog's projection registry and the market counts (categories, tags) kept in step."""

from __future__ import annotations

from collections import Counter
from typing import Any

import asyncpg
from shared.eventstore import Projections

projections = Projections()
projections.owns(
    "personas",
    "persona_versions",
    "entitlement_grants",
    "entitlements",
    "reviews",
    "review_votes",
    "reports",
    "collections",
    "category_counts",
    "tag_counts",
    "version_reviews",
    "trusted_creators",
)

# ---------------------------------------------------------------- market counts


async def _apply_count_deltas(
    conn: asyncpg.Connection, table: str, column: str, deltas: Counter[str]
) -> None:
    changed = sorted(k for k, v in deltas.items() if v)  # a fixed order: no deadlocks
    if not changed:
        return
    await conn.execute(
        f"INSERT INTO {table} ({column}, n) SELECT * FROM unnest($1::text[], $2::int[])"
        f" ON CONFLICT ({column}) DO UPDATE SET n = {table}.n + excluded.n",
        changed,
        [deltas[k] for k in changed],
    )
    await conn.execute(f"DELETE FROM {table} WHERE {column} = ANY($1::text[]) AND n <= 0", changed)


async def change_persona(conn: asyncpg.Connection, persona_id: str, sql: str, *args: Any) -> None:
    """Run an UPDATE of one persona (`$1` = id) and keep category and tag counts in step."""
    old = await conn.fetchrow(
        "SELECT listed, category, tags FROM personas WHERE id = $1 FOR UPDATE", persona_id
    )
    new = await conn.fetchrow(sql + " RETURNING listed, category, tags", persona_id, *args)
    if old is None or new is None:
        return
    categories: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    if old["listed"]:
        categories[old["category"]] -= 1
        tags.subtract(old["tags"])
    if new["listed"]:
        categories[new["category"]] += 1
        tags.update(new["tags"])
    await _apply_count_deltas(conn, "category_counts", "category", categories)
    await _apply_count_deltas(conn, "tag_counts", "tag", tags)


async def recount_market(conn: asyncpg.Connection) -> None:
    """Recompute the market counts from scratch (used after bulk seeding)."""
    await conn.execute("DELETE FROM category_counts")
    await conn.execute("DELETE FROM tag_counts")
    await conn.execute(
        "INSERT INTO category_counts (category, n)"
        " SELECT category, count(*) FROM personas WHERE listed GROUP BY category"
    )
    await conn.execute(
        "INSERT INTO tag_counts (tag, n)"
        " SELECT t, count(*) FROM personas, unnest(tags) AS t WHERE listed GROUP BY t"
    )

"""Read side of discovery: trending, similar, also-downloaded and recommendations."""

from __future__ import annotations

from typing import Any

import asyncpg

PUBLIC = "p.status = 'approved' AND NOT p.deleted"


async def trending(pool: asyncpg.Pool, limit: int, after: list[Any] | None) -> list[asyncpg.Record]:
    cond = "AND (t.score, t.persona_id) < ($2::float8, $3::text)" if after else ""
    args: list[Any] = [limit, *(after or [])]
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT p.persona_id, p.name, p.creator_id, p.category, p.tags, t.score"
        " FROM trending_scores t JOIN personas p USING (persona_id)"
        f" WHERE t.score > 0 AND {PUBLIC} {cond}"
        " ORDER BY t.score DESC, t.persona_id DESC LIMIT $1",
        *args,
    )
    return rows


# Similarity: shared tags (Jaccard) weigh most, then text (trigram similarity of name and
# description), then the same category. Candidates must share a tag, the category or enough text.
SIMILARITY = (
    "2.0 * coalesce(cardinality(ARRAY(SELECT unnest(x.tags) INTERSECT SELECT unnest(p.tags)))::float8"
    " / nullif(cardinality(ARRAY(SELECT unnest(x.tags) UNION SELECT unnest(p.tags))), 0), 0)"
    " + 1.5 * similarity(x.doc, p.doc)"
    " + CASE WHEN p.category = x.category THEN 1.0 ELSE 0 END"
)


async def similar(
    conn: asyncpg.Connection | asyncpg.Pool,
    persona_id: str,
    limit: int,
    after: list[Any] | None = None,
) -> list[asyncpg.Record]:
    cond = "WHERE (s.score, s.persona_id) < ($3::float8, $4::text)" if after else ""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT * FROM (SELECT p.persona_id, p.name, p.creator_id, p.category, p.tags,"
        f" round(({SIMILARITY})::numeric, 4)::float8 AS score"
        " FROM personas x JOIN personas p ON p.persona_id <> x.persona_id"
        f" AND {PUBLIC} AND (p.tags && x.tags OR p.category = x.category OR p.doc % x.doc)"
        " WHERE x.persona_id = $1) s"
        f" {cond} ORDER BY s.score DESC, s.persona_id DESC LIMIT $2",
        persona_id,
        limit,
        *(after or []),
    )
    return rows


async def also_downloaded(
    conn: asyncpg.Connection | asyncpg.Pool, persona_id: str, limit: int
) -> list[asyncpg.Record]:
    """The personas most often held by the holders of `persona_id` (pair counts)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT p.persona_id, p.name, p.creator_id, p.category, p.tags, a.users::float8 AS score"
        " FROM also_held a JOIN personas p ON p.persona_id = a.other_id"
        f" WHERE a.persona_id = $1 AND a.users > 0 AND {PUBLIC}"
        " ORDER BY a.users DESC, p.persona_id DESC LIMIT $2",
        persona_id,
        limit,
    )
    return rows


async def is_public(conn: asyncpg.Connection | asyncpg.Pool, persona_id: str) -> bool:
    return bool(
        await conn.fetchval(
            f"SELECT 1 FROM personas p WHERE p.persona_id = $1 AND {PUBLIC}", persona_id
        )
    )

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

"""Categories, tags and curated collections."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.auth import Principal
from shared.pagination import decode_cursor, encode_cursor

from catalog.domain import CATEGORIES
from catalog.queries.common import bad_cursor, cursor_value
from catalog.queries.personas import PERSONA_COLUMNS, persona_json

# ---------------------------------------------------------------- categories, tags, collections


async def categories(conn: asyncpg.Pool) -> dict[str, Any]:
    counts = {r["category"]: r["n"] for r in await conn.fetch("SELECT * FROM category_counts")}
    return {
        "items": [
            {"slug": slug, "name": name, "count": counts.get(slug, 0)}
            for slug, name in CATEGORIES.items()
        ],
        "next_cursor": None,
    }


async def tags(conn: asyncpg.Pool, q: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
    args: list[Any] = []
    cond = "n > 0"
    if q:
        args.append(q.strip().lower().replace("%", "").replace("_", "") + "%")
        cond += f" AND tag LIKE ${len(args)}"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [cursor_value("int", values[0]), str(values[1])]
        # n descending, then tag ascending: (-n, tag) ascending.
        cond += f" AND (n < ${len(args) - 1} OR (n = ${len(args) - 1} AND tag > ${len(args)}))"
    args.append(limit + 1)
    rows = await conn.fetch(
        f"SELECT tag, n FROM tag_counts WHERE {cond} ORDER BY n DESC, tag LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [{"name": r["tag"], "count": r["n"]} for r in rows],
        "next_cursor": encode_cursor([rows[-1]["n"], rows[-1]["tag"]]) if more and rows else None,
    }


def _collection_json(r: asyncpg.Record, count: int) -> dict[str, Any]:
    return {
        "slug": r["slug"],
        "title": r["title"],
        "description": r["description"],
        "persona_count": count,
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


async def collections(conn: asyncpg.Pool, limit: int, cursor: str | None) -> dict[str, Any]:
    args: list[Any] = []
    cond = "TRUE"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [cursor_value("ts", values[0]), str(values[1])]
        cond = "(c.created_at, c.slug) < ($1, $2)"
    args.append(limit + 1)
    rows = await conn.fetch(
        "SELECT c.*, (SELECT count(*) FROM personas p WHERE p.id = ANY(c.persona_ids) AND p.listed)"
        f" AS listed_count FROM collections c WHERE {cond}"
        f" ORDER BY c.created_at DESC, c.slug DESC LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_collection_json(r, r["listed_count"]) for r in rows],
        "next_cursor": encode_cursor([rows[-1]["created_at"].isoformat(), rows[-1]["slug"]])
        if more and rows
        else None,
    }


async def collection(
    conn: asyncpg.Pool, slug: str, viewer: Principal | None
) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM collections WHERE slug = $1", slug)
    if row is None:
        return None
    personas = await conn.fetch(
        f"SELECT {PERSONA_COLUMNS}, array_position($2::uuid[], p.id) AS position"
        " FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
        " WHERE p.id = ANY($2::uuid[]) AND p.listed ORDER BY position",
        viewer.user_id if viewer else None,
        row["persona_ids"],
    )
    out = _collection_json(row, len(personas))
    out["personas"] = [persona_json(p) for p in personas]
    return out

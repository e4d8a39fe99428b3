"""Categories, tags and curated collections."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.auth import Principal
from shared.pagination import Key, Keyset

from catalog.domain import CATEGORIES
from catalog.queries.common import page_json
from catalog.queries.personas import PERSONA_COLUMNS, persona_json

MOST_USED_TAGS = Keyset(Key("n", "n", "int"), Key("tag", "tag", "str", "ASC"))
NEWEST_COLLECTIONS = Keyset(Key("c.created_at", "created_at", "ts"), Key("c.slug", "slug", "str"))

# ---------------------------------------------------------------- categories, tags, collections


async def categories(db: asyncpg.Pool | asyncpg.Connection) -> dict[str, Any]:
    counts = {r["category"]: r["n"] for r in await db.fetch("SELECT * FROM category_counts")}
    return {
        "items": [
            {"slug": slug, "name": name, "count": counts.get(slug, 0)}
            for slug, name in CATEGORIES.items()
        ],
        "next_cursor": None,
    }


async def tags(
    db: asyncpg.Pool | asyncpg.Connection, q: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    args: list[Any] = []
    cond = "n > 0"
    if q:
        args.append(q.strip().lower().replace("%", "").replace("_", "") + "%")
        cond += f" AND tag LIKE ${len(args)}"
    cond += MOST_USED_TAGS.after(cursor, args)
    args.append(limit + 1)
    rows = await db.fetch(
        f"SELECT tag, n FROM tag_counts WHERE {cond}"
        f" ORDER BY {MOST_USED_TAGS.order_by} LIMIT ${len(args)}",
        *args,
    )
    return page_json(MOST_USED_TAGS, rows, limit, lambda r: {"name": r["tag"], "count": r["n"]})


def _collection_json(r: asyncpg.Record, count: int) -> dict[str, Any]:
    return {
        "slug": r["slug"],
        "title": r["title"],
        "description": r["description"],
        "persona_count": count,
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


async def collections(
    db: asyncpg.Pool | asyncpg.Connection, limit: int, cursor: str | None
) -> dict[str, Any]:
    args: list[Any] = []
    cond = "TRUE" + NEWEST_COLLECTIONS.after(cursor, args)
    args.append(limit + 1)
    rows = await db.fetch(
        "SELECT c.*, (SELECT count(*) FROM personas p WHERE p.id = ANY(c.persona_ids) AND p.listed)"
        f" AS listed_count FROM collections c WHERE {cond}"
        f" ORDER BY {NEWEST_COLLECTIONS.order_by} LIMIT ${len(args)}",
        *args,
    )
    return page_json(
        NEWEST_COLLECTIONS, rows, limit, lambda r: _collection_json(r, r["listed_count"])
    )


async def collection(
    db: asyncpg.Pool | asyncpg.Connection, slug: str, viewer: Principal | None
) -> dict[str, Any] | None:
    row = await db.fetchrow("SELECT * FROM collections WHERE slug = $1", slug)
    if row is None:
        return None
    personas = await db.fetch(
        f"SELECT {PERSONA_COLUMNS}, array_position($2::uuid[], p.id) AS position"
        " FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
        " WHERE p.id = ANY($2::uuid[]) AND p.listed ORDER BY position",
        viewer.user_id if viewer else None,
        row["persona_ids"],
    )
    out = _collection_json(row, len(personas))
    out["personas"] = [persona_json(p) for p in personas]
    return out

"""Helpers every read query shares: ids from the path, keyset pages as the API's JSON."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
from shared.pagination import Keyset, cursor_json, invalid_cursor, typed_cursor_value

# The kernel's cursor helpers under the names the catalog's queries use.
bad_cursor = invalid_cursor
cursor_value = typed_cursor_value
json_value = cursor_json


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


def files_json(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A version's files as the API lists them (`VersionFileOut`): no extracted-text blobs."""
    return [{k: f[k] for k in ("path", "size", "content_type", "sha256")} for f in files]


async def row_by_id(
    db: asyncpg.Pool | asyncpg.Connection, query: str, raw_id: str, *args: Any, at: int = 1
) -> asyncpg.Record | None:
    """The row an id from the path names (bound as `$at`, among `args`); None when the id is
    not even a UUID: it names no row, so the caller answers 404 without asking the database."""
    key = as_uuid(raw_id)
    if key is None:
        return None
    params = [*args]
    params.insert(at - 1, key)
    row: asyncpg.Record | None = await db.fetchrow(query, *params)
    return row


def page_json(
    keyset: Keyset,
    rows: Sequence[asyncpg.Record],
    limit: int,
    item: Callable[[asyncpg.Record], dict[str, Any]],
) -> dict[str, Any]:
    """`{items, next_cursor}` of rows fetched with `LIMIT limit + 1`, each shown by `item`."""
    page = keyset.page(rows, limit)
    return {"items": [item(r) for r in page.items], "next_cursor": page.next_cursor}


async def keyset_page(
    db: asyncpg.Pool | asyncpg.Connection,
    select: str,
    where: str,
    args: Sequence[Any],
    keyset: Keyset,
    limit: int,
    cursor: str | None,
    item: Callable[[asyncpg.Record], dict[str, Any]],
) -> dict[str, Any]:
    """One page of `select ... WHERE where` in the keyset's order, past the cursor, as the API's
    JSON; `where` binds `args` as `$1`, `$2`..."""
    params = [*args]
    cond = where + keyset.after(cursor, params)
    params.append(limit + 1)
    rows = await db.fetch(
        f"{select} WHERE {cond} ORDER BY {keyset.order_by} LIMIT ${len(params)}", *params
    )
    return page_json(keyset, rows, limit, item)

"""Templates: the built-ins and each user's own (versioned; a generation keeps the version used)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from shared.events import now
from shared.pagination import Page, decode_cursor, page_of
from shared.problems import Problem

from generation.builtins import BY_ID, builtin_templates
from generation.errors import TemplateUnknown
from generation.rendering import check_schema, check_template


def _row(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        **{k: r[k] for k in ("name", "description", "body", "params_schema", "version")},
        "builtin": False,
        "owner_id": r["owner_id"],
    }


async def get(
    conn: asyncpg.Connection | asyncpg.Pool,
    template_id: str,
    user_id: str,
    version: int | None = None,
) -> dict[str, Any]:
    """A built-in, or one of the user's own templates (at `version`, else the current one)."""
    if template_id in BY_ID:
        return BY_ID[template_id]
    try:
        tid = uuid.UUID(template_id)
    except ValueError:
        raise TemplateUnknown("No such template.") from None
    row = await conn.fetchrow(
        "SELECT * FROM templates WHERE id = $1 AND owner_id = $2", tid, user_id
    )
    if row is None or (row["deleted_at"] is not None and version is None):
        raise TemplateUnknown("No such template.")
    out = _row(row)
    if version is not None and version != row["version"]:
        old = await conn.fetchrow(
            "SELECT * FROM template_versions WHERE template_id = $1 AND version = $2", tid, version
        )
        if old is None:
            raise TemplateUnknown("No such template version.")
        out.update(
            name=old["name"], body=old["body"], params_schema=old["params_schema"], version=version
        )
    return out


async def listing(
    pool: asyncpg.Pool, user_id: str, limit: int, cursor: str | None
) -> Page[dict[str, Any]]:
    """Built-ins first (in their fixed order), then the user's own, newest first."""
    after = decode_cursor(cursor)
    builtins = [dict(t, _key=[0, i, ""]) for i, t in enumerate(builtin_templates())]
    if after is not None:
        if len(after) != 3 or after[0] not in (0, 1):
            raise Problem("The cursor is not valid.", code="invalid_cursor")
        builtins = [t for t in builtins if after[0] == 0 and t["_key"][1] > after[1]]
    rows: list[dict[str, Any]] = builtins[: limit + 1]
    if len(rows) <= limit:
        args: list[Any] = [user_id, limit + 1 - len(rows)]
        cond = ""
        if after is not None and after[0] == 1:
            cond = " AND (created_at, id::text) < ($3::timestamptz, $4)"
            args += [datetime.fromisoformat(str(after[1])), str(after[2])]
        for r in await pool.fetch(
            "SELECT * FROM templates WHERE owner_id = $1 AND deleted_at IS NULL"
            + cond
            + " ORDER BY created_at DESC, id::text DESC LIMIT $2",
            *args,
        ):
            rows.append(dict(_row(r), _key=[1, r["created_at"].isoformat(), str(r["id"])]))
    page = page_of(rows, limit, lambda t: t["_key"])
    for item in page.items:
        item.pop("_key", None)
    return page


async def create(
    pool: asyncpg.Pool, owner_id: str, body: dict[str, Any], max_chars: int
) -> dict[str, Any]:
    check_template(body["body"], max_chars)
    schema = check_schema(body["params_schema"])
    tid = uuid.uuid4()
    at = now()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO templates (id, owner_id, name, description, body, params_schema, version,"
            " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
            tid,
            owner_id,
            body["name"],
            body["description"],
            body["body"],
            schema,
            at,
        )
        await _keep_version(conn, tid, 1, body["name"], body["body"], schema)
    return await get(pool, str(tid), owner_id)


async def update(
    pool: asyncpg.Pool, owner_id: str, template_id: str, body: dict[str, Any], max_chars: int
) -> dict[str, Any]:
    """A new version; generations made with older ones keep pointing at theirs."""
    current = await get(pool, template_id, owner_id)
    if current["builtin"]:
        raise TemplateUnknown("Built-in templates cannot be changed; save a copy instead.")
    check_template(body["body"], max_chars)
    schema = check_schema(body["params_schema"])
    async with pool.acquire() as conn, conn.transaction():
        version = await conn.fetchval(
            "UPDATE templates SET name = $2, description = $3, body = $4, params_schema = $5,"
            " version = version + 1, updated_at = $6 WHERE id = $1 RETURNING version",
            uuid.UUID(template_id),
            body["name"],
            body["description"],
            body["body"],
            schema,
            now(),
        )
        await _keep_version(
            conn, uuid.UUID(template_id), version, body["name"], body["body"], schema
        )
    return await get(pool, template_id, owner_id)


async def delete(pool: asyncpg.Pool, owner_id: str, template_id: str) -> None:
    current = await get(pool, template_id, owner_id)
    if current["builtin"]:
        raise TemplateUnknown("Built-in templates cannot be deleted.")
    await pool.execute(
        "UPDATE templates SET deleted_at = $2 WHERE id = $1", uuid.UUID(template_id), now()
    )


async def _keep_version(
    conn: asyncpg.Connection,
    tid: uuid.UUID,
    version: int,
    name: str,
    body: str,
    schema: dict[str, Any],
) -> None:
    await conn.execute(
        "INSERT INTO template_versions (template_id, version, name, body, params_schema)"
        " VALUES ($1, $2, $3, $4, $5)",
        tid,
        version,
        name,
        body,
        schema,
    )

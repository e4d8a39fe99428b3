"""Reviews and reports."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.pagination import decode_cursor, encode_cursor

from catalog.queries.common import as_uuid, bad_cursor, cursor_value, json_value

# ---------------------------------------------------------------- reviews


async def review_row(
    conn: asyncpg.Connection | asyncpg.Pool, review_id: str, viewer_id: str | None
) -> asyncpg.Record | None:
    rid = as_uuid(review_id)
    if rid is None:
        return None
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT r.*, u.username,"
        " EXISTS (SELECT 1 FROM review_votes v WHERE v.review_id = r.id AND v.user_id = $2) AS voted"
        " FROM reviews r LEFT JOIN users u ON u.id = r.user_id WHERE r.id = $1",
        rid,
        viewer_id,
    )
    return row


def review_json(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "persona_id": str(r["persona_id"]),
        "author": {"id": r["user_id"], "username": r["username"]},
        "rating": r["rating"],
        "body": r["body"],
        "verified_purchase": r["verified_purchase"],
        "helpful_count": r["helpful_count"],
        "voted_helpful": bool(r["voted"]),
        "response": {"body": r["response_body"], "created_at": r["response_at"]}
        if r["response_body"] is not None
        else None,
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


async def reviews(
    conn: asyncpg.Pool,
    persona_id: str,
    viewer_id: str | None,
    sort: str,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    args: list[Any] = [as_uuid(persona_id), viewer_id]
    cond = "r.persona_id = $1"
    values = decode_cursor(cursor)
    if sort == "helpful":
        cols = ["r.helpful_count", "r.created_at", "r.id"]
        kinds = ["int", "ts", "uuid"]
    else:
        cols = ["r.created_at", "r.id"]
        kinds = ["ts", "uuid"]
    if values is not None:
        if len(values) != len(cols):
            raise bad_cursor()
        start = len(args)
        args += [cursor_value(k, v) for k, v in zip(kinds, values, strict=True)]
        params = ", ".join(f"${start + i + 1}" for i in range(len(cols)))
        cond += f" AND ({', '.join(cols)}) < ({params})"
    args.append(limit + 1)
    rows = await conn.fetch(
        "SELECT r.*, u.username,"
        " EXISTS (SELECT 1 FROM review_votes v WHERE v.review_id = r.id AND v.user_id = $2) AS voted"
        f" FROM reviews r LEFT JOIN users u ON u.id = r.user_id WHERE {cond}"
        f" ORDER BY {', '.join(c + ' DESC' for c in cols)} LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([json_value(last[c.removeprefix("r.")]) for c in cols])
    return {"items": [review_json(r) for r in rows], "next_cursor": next_cursor}


# ---------------------------------------------------------------- reports


def report_json(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "target_type": r["target_type"],
        "target_id": str(r["target_id"]),
        "persona_id": str(r["persona_id"]) if r["persona_id"] else None,
        "reason": r["reason"],
        "details": r["details"],
        "reporter": {"id": r["reporter_id"], "username": r["username"]},
        "status": r["status"],
        "action": r["action"],
        "note": r["note"],
        "created_at": r["created_at"],
        "resolved_at": r["resolved_at"],
    }


async def reports(
    conn: asyncpg.Pool, status: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    args: list[Any] = [status]
    cond = "r.status = $1"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [cursor_value("ts", values[0]), cursor_value("uuid", values[1])]
        cond += " AND (r.created_at, r.id) > ($2, $3)"
    args.append(limit + 1)
    rows = await conn.fetch(
        "SELECT r.*, u.username FROM reports r LEFT JOIN users u ON u.id = r.reporter_id"
        f" WHERE {cond} ORDER BY r.created_at, r.id LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [report_json(r) for r in rows],
        "next_cursor": encode_cursor([rows[-1]["created_at"].isoformat(), str(rows[-1]["id"])])
        if more and rows
        else None,
    }

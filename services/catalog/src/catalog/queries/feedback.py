"""Reviews and reports."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.pagination import Key, Keyset

from catalog.queries.common import as_uuid, keyset_page, row_by_id

# A review with its author's name and whether the viewer (`$2`) voted it helpful.
REVIEW_SELECT = (
    "SELECT r.*, u.username,"
    " EXISTS (SELECT 1 FROM review_votes v WHERE v.review_id = r.id AND v.user_id = $2) AS voted"
    " FROM reviews r LEFT JOIN users u ON u.id = r.user_id"
)
NEWEST_REVIEWS = Keyset(Key("r.created_at", "created_at", "ts"), Key("r.id", "id", "uuid"))
MOST_HELPFUL = Keyset(Key("r.helpful_count", "helpful_count", "int"), *NEWEST_REVIEWS.keys)
OLDEST_REPORTS = Keyset(
    Key("r.created_at", "created_at", "ts", "ASC"), Key("r.id", "id", "uuid", "ASC")
)

# ---------------------------------------------------------------- reviews


async def review_row(
    db: asyncpg.Connection | asyncpg.Pool, review_id: str, viewer_id: str | None
) -> asyncpg.Record | None:
    return await row_by_id(db, f"{REVIEW_SELECT} WHERE r.id = $1", review_id, viewer_id)


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
    db: asyncpg.Pool | asyncpg.Connection,
    persona_id: str,
    viewer_id: str | None,
    sort: str,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    order = MOST_HELPFUL if sort == "helpful" else NEWEST_REVIEWS
    args = [as_uuid(persona_id), viewer_id]
    return await keyset_page(
        db, REVIEW_SELECT, "r.persona_id = $1", args, order, limit, cursor, review_json
    )


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
    db: asyncpg.Pool | asyncpg.Connection, status: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    return await keyset_page(
        db,
        "SELECT r.*, u.username FROM reports r LEFT JOIN users u ON u.id = r.reporter_id",
        "r.status = $1",
        [status],
        OLDEST_REPORTS,
        limit,
        cursor,
        report_json,
    )

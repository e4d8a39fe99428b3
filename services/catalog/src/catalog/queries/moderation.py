"""Moderation reads: versions waiting for review, trusted creators, the files under review."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.pagination import Key, Keyset

from catalog.queries.common import as_uuid, files_json, keyset_page, row_by_id

OLDEST_VERSION = Keyset(
    Key("v.submitted_at", "submitted_at", "ts", "ASC"),
    Key("v.persona_id", "persona_id", "uuid", "ASC"),
)


# Columns of a version under review the API shows as they are stored.
_AS_STORED = (
    "persona_name",
    "creator_id",
    "creator_username",
    "version",
    "changelog",
    "submitted_at",
    "live_version",
)


def review_json(row: asyncpg.Record) -> dict[str, Any]:
    """A version waiting for review (`VersionReviewOut`)."""
    return {
        "persona_id": str(row["persona_id"]),
        **{k: row[k] for k in _AS_STORED},
        "creator_trusted": bool(row["creator_trusted"]),
        "files": files_json(row["files"]),
    }


_REVIEW_SELECT = (
    "SELECT v.*, p.name AS persona_name, u.username AS creator_username,"
    " (t.creator_id IS NOT NULL) AS creator_trusted,"
    " (SELECT pv.version FROM persona_versions pv WHERE pv.persona_id = v.persona_id"
    "  ORDER BY pv.major DESC, pv.minor DESC, pv.patch DESC LIMIT 1) AS live_version"
    " FROM version_reviews v JOIN personas p ON p.id = v.persona_id"
    " LEFT JOIN users u ON u.id = v.creator_id"
    " LEFT JOIN trusted_creators t ON t.creator_id = v.creator_id"
)


async def version_queue(
    db: asyncpg.Pool | asyncpg.Connection, limit: int, cursor: str | None
) -> dict[str, Any]:
    """Versions waiting for review, longest waiting first (deleted personas left out)."""
    return await keyset_page(
        db, _REVIEW_SELECT, "p.deleted_at IS NULL", [], OLDEST_VERSION, limit, cursor, review_json
    )


async def version_in_review(
    db: asyncpg.Pool | asyncpg.Connection, persona_id: str
) -> dict[str, Any] | None:
    row = await row_by_id(db, f"{_REVIEW_SELECT} WHERE v.persona_id = $1", persona_id)
    return review_json(row) if row is not None else None


async def review_files(
    db: asyncpg.Pool | asyncpg.Connection, persona_id: str, version: str | None
) -> tuple[str, list[dict[str, Any]]] | None:
    """The files of `version` (live or waiting for review); without one, the version waiting
    for review, else the latest. None if there is no such version."""
    pid = as_uuid(persona_id)
    if pid is None:
        return None
    waiting = await db.fetchrow(
        "SELECT version, files FROM version_reviews WHERE persona_id = $1"
        " AND ($2::text IS NULL OR version = $2)",
        pid,
        version,
    )
    if waiting is not None:
        return waiting["version"], list(waiting["files"])
    live = await db.fetchrow(
        "SELECT version, files FROM persona_versions WHERE persona_id = $1"
        " AND ($2::text IS NULL OR version = $2)"
        " ORDER BY major DESC, minor DESC, patch DESC LIMIT 1",
        pid,
        version,
    )
    return (live["version"], list(live["files"])) if live is not None else None


async def is_trusted(db: asyncpg.Pool | asyncpg.Connection, creator_id: str) -> bool:
    return bool(
        await db.fetchval("SELECT 1 FROM trusted_creators WHERE creator_id = $1", creator_id)
    )

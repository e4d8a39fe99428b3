"""A persona as the API shows it, who may see it, and its versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from shared.auth import Principal
from shared.images import image_url
from shared.pagination import decode_cursor, page_of

from catalog.domain import parse_semver
from catalog.domain.errors import InvalidInput
from catalog.domain.visibility import may_see
from catalog.queries.common import as_uuid, bad_cursor, files_json, row_by_id

# ---------------------------------------------------------------- persona rows -> JSON

# Columns of a persona as the API shows it; `$1` is always the viewer's id (or NULL).
PERSONA_COLUMNS = """
    p.id, p.creator_id, u.username AS creator_username, p.name, p.short_description,
    p.description, p.category, p.tags, p.price_cents, p.currency, p.usage_terms, p.status,
    p.rejection_reason, p.suspension_reason, p.latest_version, p.downloads, p.acquisitions,
    p.rating_sum, p.rating_count, p.rating_1, p.rating_2, p.rating_3, p.rating_4, p.rating_5,
    p.created_at, p.updated_at, p.submitted_at, p.deleted_at, p.listed, p.cover,
    (p.creator_id = $1 OR EXISTS (
        SELECT 1 FROM entitlements e WHERE e.persona_id = p.id AND e.user_id = $1)) AS entitled
"""


IMAGE_PREFIX = "/api/images"


def image_json(image: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored picture as the API shows it: URLs of its renderings (never of an upload)."""
    if not image:
        return None
    return {
        "id": image["id"],
        "url": image_url(IMAGE_PREFIX, image["large"]),
        "thumb_url": image_url(IMAGE_PREFIX, image["thumb"]),
        "width": image["width"],
        "height": image["height"],
        "caption": image.get("caption") or None,
    }


def persona_json(
    row: asyncpg.Record | dict[str, Any], *, owner_view: bool = False
) -> dict[str, Any]:
    count = row["rating_count"]
    out: dict[str, Any] = {
        "id": str(row["id"]),
        "name": row["name"],
        "short_description": row["short_description"],
        "description": row["description"],
        "category": row["category"],
        "tags": list(row["tags"]),
        "price_cents": row["price_cents"],
        "currency": row["currency"],
        "usage_terms": row["usage_terms"],
        "status": row["status"],
        "rejection_reason": row["rejection_reason"],
        "suspension_reason": row["suspension_reason"] if owner_view else None,
        "creator": {"id": row["creator_id"], "username": row["creator_username"]},
        # Exact: computed from the integer sum and count, rounded only for display.
        "rating_avg": round(row["rating_sum"] / count, 2) if count else None,
        "rating_count": count,
        "rating_distribution": {str(r): row[f"rating_{r}"] for r in range(1, 6)},
        "downloads": row["downloads"],
        "acquisitions": row["acquisitions"],
        "latest_version": row["latest_version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "submitted_at": row["submitted_at"],
        "deleted_at": row["deleted_at"],
        "entitled": bool(row["entitled"]),
        "cover": image_json(row["cover"]),
    }
    return out


def version_json(row: asyncpg.Record | dict[str, Any]) -> dict[str, Any]:
    return {
        "version": row["version"],
        "changelog": row["changelog"],
        "created_at": row["created_at"],
        "downloads": row["downloads"],
        "files": files_json(row["files"]),
        "gallery": [image_json(img) for img in row["gallery"]],
        "status": "live",  # a published version (one waiting for review is not in this table)
    }


def can_see(row: asyncpg.Record, viewer: Principal | None) -> bool:
    """The domain's one visibility rule (`catalog.domain.visibility`) applied to a row."""
    # `entitled` is true for the creator too; holding means an entitlement of someone else.
    holds = bool(row["entitled"]) and (viewer is None or viewer.user_id != row["creator_id"])
    return may_see(
        creator_id=row["creator_id"],
        status=row["status"],
        deleted=row["deleted_at"] is not None,
        holds=holds,
        viewer=viewer,
    )


async def _visible_row(
    db: asyncpg.Pool | asyncpg.Connection, columns: str, persona_id: str, viewer: Principal | None
) -> asyncpg.Record | None:
    """`columns` of the persona, when the viewer may see it."""
    row = await row_by_id(
        db,
        f"SELECT {columns} FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
        " WHERE p.id = $2",
        persona_id,
        viewer.user_id if viewer else None,
        at=2,
    )
    return row if row is not None and can_see(row, viewer) else None


async def persona_row(
    db: asyncpg.Pool | asyncpg.Connection, persona_id: str, viewer: Principal | None
) -> asyncpg.Record | None:
    return await _visible_row(db, PERSONA_COLUMNS, persona_id, viewer)


# How many of the newest versions a persona's detail embeds (all of them: `versions_page`).
DETAIL_VERSIONS = 10

# The newest versions as one JSON array, read in the persona's own query (one round trip).
_DETAIL_VERSIONS_SQL = f"""
    (SELECT coalesce(json_agg(v ORDER BY v.major DESC, v.minor DESC, v.patch DESC), '[]'::json)
       FROM (SELECT version, changelog, created_at, downloads, files, gallery, major, minor, patch
               FROM persona_versions WHERE persona_id = p.id
              ORDER BY major DESC, minor DESC, patch DESC LIMIT {DETAIL_VERSIONS}) AS v
    ) AS detail_versions,
    (SELECT r.version FROM version_reviews r WHERE r.persona_id = p.id) AS version_in_review
"""


async def persona_detail(
    db: asyncpg.Pool | asyncpg.Connection, persona_id: str, viewer: Principal | None
) -> tuple[asyncpg.Record, list[dict[str, Any]]] | None:
    """A persona the viewer may see, its newest versions and the version waiting for review
    (`version_in_review`, for its creator's eyes), in one query."""
    row = await _visible_row(db, f"{PERSONA_COLUMNS}, {_DETAIL_VERSIONS_SQL}", persona_id, viewer)
    if row is None:
        return None
    versions = []
    for v in row["detail_versions"]:
        v["created_at"] = datetime.fromisoformat(v["created_at"])  # JSON carried it as text
        versions.append(version_json(v))
    return row, versions


async def versions(
    db: asyncpg.Pool | asyncpg.Connection,
    persona_id: str,
    limit: int = DETAIL_VERSIONS,
    before: tuple[int, int, int] | None = None,
) -> list[dict[str, Any]]:
    """The newest `limit` versions (older than `before`), newest first."""
    args: list[Any] = [as_uuid(persona_id)]
    cond = "persona_id = $1"
    if before is not None:
        args += list(before)
        cond += " AND (major, minor, patch) < ($2, $3, $4)"
    args.append(limit)
    rows = await db.fetch(
        f"SELECT * FROM persona_versions WHERE {cond}"
        f" ORDER BY major DESC, minor DESC, patch DESC LIMIT ${len(args)}",
        *args,
    )
    return [version_json(r) for r in rows]


async def versions_page(
    db: asyncpg.Pool | asyncpg.Connection, persona_id: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    """A keyset page of versions, newest first; the cursor is the last version's number."""
    values = decode_cursor(cursor)
    before: tuple[int, int, int] | None = None
    if values is not None:
        try:
            before = parse_semver(str(values[0])) if len(values) == 1 else None
        except InvalidInput:
            before = None
        if before is None:
            raise bad_cursor()
    page = page_of(
        await versions(db, persona_id, limit + 1, before), limit, lambda v: [v["version"]]
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


async def version_row(
    db: asyncpg.Pool | asyncpg.Connection, persona_id: str, version: str | None
) -> asyncpg.Record | None:
    if version:
        return await db.fetchrow(
            "SELECT * FROM persona_versions WHERE persona_id = $1 AND version = $2",
            as_uuid(persona_id),
            version,
        )
    return await db.fetchrow(
        "SELECT * FROM persona_versions WHERE persona_id = $1"
        " ORDER BY major DESC, minor DESC, patch DESC LIMIT 1",
        as_uuid(persona_id),
    )

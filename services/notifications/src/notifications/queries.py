"""Read side for the API: notifications, unread counts, preferences and the feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from shared.pagination import Page, decode_cursor, page_of

from notifications.categories import CATEGORIES, effective_channel
from notifications.schemas import NotificationOut, NotificationPage, PersonaUpdate, PreferenceOut


def _notification(r: asyncpg.Record) -> NotificationOut:
    return NotificationOut.model_validate({**r, "read": r["read_at"] is not None})


async def unread_count(conn: asyncpg.Connection | asyncpg.Pool, user_id: str) -> int:
    n = await conn.fetchval(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", user_id
    )
    return int(n)


async def notifications(
    pool: asyncpg.Pool, user_id: str, limit: int, cursor: str | None, unread_only: bool = False
) -> NotificationPage:
    """Newest first by last activity (a group moves up when it grows)."""
    after = decode_cursor(cursor)
    args: list[Any] = [user_id, limit + 1]
    where = "user_id = $1"
    if unread_only:
        where += " AND read_at IS NULL"
    if after:
        where += " AND (updated_at, id) < ($3::timestamptz, $4::bigint)"
        args += [datetime.fromisoformat(str(after[0])), int(after[1])]
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT * FROM notifications WHERE {where} ORDER BY updated_at DESC, id DESC LIMIT $2",
            *args,
        )
        unread = await unread_count(conn, user_id)
    page = page_of([_notification(r) for r in rows], limit, lambda n: [n.updated_at, n.id])
    return NotificationPage(items=page.items, next_cursor=page.next_cursor, unread_count=unread)


async def newer_than(pool: asyncpg.Pool, user_id: str, since: datetime) -> list[NotificationOut]:
    rows = await pool.fetch(
        "SELECT * FROM notifications WHERE user_id = $1 AND updated_at > $2 "
        "ORDER BY updated_at, id LIMIT 100",
        user_id,
        since,
    )
    return [_notification(r) for r in rows]


async def preferences(pool: asyncpg.Pool, user_id: str) -> list[PreferenceOut]:
    rows = await pool.fetch("SELECT category, channel FROM preferences WHERE user_id = $1", user_id)
    chosen = {r["category"]: r["channel"] for r in rows}
    return [
        PreferenceOut(
            category=c.name,
            label=c.label,
            channel=effective_channel(c.name, chosen.get(c.name)),
            transactional=c.transactional,
            channels=list(c.channels),
        )
        for c in CATEGORIES.values()
    ]


async def persona_updates(
    pool: asyncpg.Pool, user_id: str, limit: int, cursor: str | None
) -> Page[PersonaUpdate]:
    after = decode_cursor(cursor)
    rows = await pool.fetch(
        "SELECT DISTINCT ON (data->>'persona_id') id, data->>'persona_id' AS persona_id,"
        " data->>'version' AS version FROM notifications"
        " WHERE user_id = $1 AND kind = 'new_version' AND read_at IS NULL"
        " AND ($3::text IS NULL OR data->>'persona_id' > $3)"
        " ORDER BY data->>'persona_id', id DESC LIMIT $2",
        user_id,
        limit + 1,
        str(after[0]) if after else None,
    )
    items = [
        PersonaUpdate(notification_id=r["id"], persona_id=r["persona_id"], version=r["version"])
        for r in rows
    ]
    return page_of(items, limit, lambda u: [u.persona_id])

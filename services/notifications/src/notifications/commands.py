"""Writes the API makes: reading notifications, choosing preferences, unsubscribing."""

from __future__ import annotations

import asyncpg

from notifications.categories import CATEGORIES, Channel
from notifications.deliver import CHANNEL
from notifications.unsubscribe import DIGEST


class PreferenceError(Exception):
    def __init__(self, category: str, message: str) -> None:
        super().__init__(message)
        self.category = category


class NotificationNotFound(Exception):
    pass


async def mark_read(pool: asyncpg.Pool, user_id: str, notification_id: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        found = await conn.fetchval(
            "UPDATE notifications SET read_at = coalesce(read_at, now()) "
            "WHERE id = $1 AND user_id = $2 RETURNING id",
            notification_id,
            user_id,
        )
        if found is None:  # someone else's looks the same as none at all
            raise NotificationNotFound(notification_id)
        await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, user_id)


async def mark_all_read(pool: asyncpg.Pool, user_id: str) -> int:
    async with pool.acquire() as conn, conn.transaction():
        status = await conn.execute(
            "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL",
            user_id,
        )
        await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, user_id)
    return int(status.split()[-1])


def check_preferences(changes: dict[str, Channel]) -> None:
    for category, channel in changes.items():
        cat = CATEGORIES.get(category)
        if cat is None:
            raise PreferenceError(category, f"There is no category “{category}”.")
        if channel not in cat.channels:
            if cat.transactional:
                raise PreferenceError(
                    category, f"{cat.label} are always e-mailed; they cannot be turned off."
                )
            raise PreferenceError(category, f"{cat.label} can be: " + ", ".join(cat.channels) + ".")


async def set_preferences(pool: asyncpg.Pool, user_id: str, changes: dict[str, Channel]) -> None:
    check_preferences(changes)
    async with pool.acquire() as conn, conn.transaction():
        for category, channel in changes.items():
            await conn.execute(
                "INSERT INTO preferences (user_id, category, channel) VALUES ($1, $2, $3) "
                "ON CONFLICT (user_id, category) DO UPDATE SET channel = EXCLUDED.channel",
                user_id,
                category,
                channel,
            )


async def unsubscribe(pool: asyncpg.Pool, user_id: str, category: str) -> None:
    """Stop the e-mail of a category (or every digest category); in-app stays."""
    if category == DIGEST:
        names = [c.name for c in CATEGORIES.values() if c.digest_only]
    else:
        names = [category]
    async with pool.acquire() as conn, conn.transaction():
        for name in names:
            await conn.execute(
                "INSERT INTO preferences (user_id, category, channel) VALUES ($1, $2, 'in_app') "
                "ON CONFLICT (user_id, category) DO UPDATE SET channel = 'in_app' "
                "WHERE preferences.channel IN ('email', 'digest')",
                user_id,
                name,
            )

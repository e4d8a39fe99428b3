"""The daily digest: one e-mail per user and UTC day gathering their digest notices.

Any number of runners (replicas, restarts) may run it at once: a runner claims a waiting item
with FOR UPDATE SKIP LOCKED and then the user (an advisory try-lock), and the
`digests (user_id, day)` primary key is the once-a-day guard, taken in the same transaction that marks the items and queues the mail (the mail outbox
then sends it once).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from fastapi import FastAPI
from shared.logging import get_logger

from notifications.deliver import Mail
from notifications.settings import NotificationsSettings
from notifications.texts import NOTIFICATIONS_PATH

log = get_logger(__name__)

CLAIM = """
SELECT i.user_id FROM digest_items i
WHERE i.digest_day IS NULL
  AND NOT EXISTS (SELECT 1 FROM digests d WHERE d.user_id = i.user_id AND d.day = $1)
ORDER BY i.id
LIMIT 1
FOR UPDATE SKIP LOCKED
"""


async def send_digests(pool: asyncpg.Pool, now: datetime) -> int:
    """Queue today's digest for everyone who has something waiting; the number queued."""
    day = now.astimezone(UTC).date()
    queued = 0
    contended = False
    while True:
        if contended:
            await asyncio.sleep(0.05)
            contended = False
        async with pool.acquire() as conn, conn.transaction():
            user_id = await conn.fetchval(CLAIM, day)
            if user_id is None:
                return queued
            # Two runners may claim two items of one user: the loser must not wait on the
            # winner's digest row (while holding an item the winner needs), it steps aside.
            if not await conn.fetchval(
                "SELECT pg_try_advisory_xact_lock(hashtextextended('digest:' || $1, 0))", user_id
            ):
                contended = True
                continue
            mine = await conn.fetchval(
                "INSERT INTO digests (user_id, day, items) VALUES ($1, $2, 0) "
                "ON CONFLICT DO NOTHING RETURNING true",
                user_id,
                day,
            )
            if not mine:
                continue  # another runner just sent this user's digest for today
            items = await conn.fetch(
                "UPDATE digest_items SET digest_day = $2 WHERE user_id = $1 AND digest_day IS NULL "
                "RETURNING id, title, link",
                user_id,
                day,
            )
            ordered = sorted(items, key=lambda r: r["id"])
            await conn.execute(
                "UPDATE digests SET items = $3 WHERE user_id = $1 AND day = $2",
                user_id,
                day,
                len(ordered),
            )
            mail = Mail(
                subject=f"Your daily summary: {len(ordered)} new",
                heading="Since your last summary",
                action=("See all notifications", NOTIFICATIONS_PATH),
                template="digest",
            )
            context = {
                **mail.context(),
                "items": [{"title": r["title"], "link": r["link"]} for r in ordered],
            }
            await conn.execute(
                "INSERT INTO mail_outbox (user_id, category, template, context, dedupe_key) "
                "VALUES ($1, 'digest', 'digest', $2, $3) ON CONFLICT (dedupe_key) DO NOTHING",
                user_id,
                context,
                f"{user_id}:digest:{day.isoformat()}",
            )
            queued += 1


async def digest_job(app: FastAPI) -> None:
    """Background job: after `digest_hour_utc` each day, send the day's digests."""
    settings: NotificationsSettings = app.state.settings
    while True:
        now = datetime.now(UTC)
        if now.hour >= settings.digest_hour_utc:
            try:
                n = await send_digests(app.state.pool, now)
                if n:
                    log.info("digests queued", count=n)
            except Exception:
                log.exception("digest run failed")
        await asyncio.sleep(settings.digest_poll_s)

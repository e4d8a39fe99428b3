"""New-version fan-out: every entitled user hears about a new version, in batches.

The consumer only queues a `fanouts` row (cheap, so the queue never stalls behind a huge
fan-out). This worker takes the oldest unfinished one with FOR UPDATE SKIP LOCKED and handles
one batch of recipients (ordered by user id) per transaction: their notifications, mail and
digest entries, and the job's cursor and progress commit together. A killed worker loses at most
the batch in flight, which the next one redoes; `notification_sources` and the mail outbox's
unique key make a recipient's notice and mail happen once even so.
"""

from __future__ import annotations

import asyncio

import asyncpg
from fastapi import FastAPI
from shared.logging import get_logger

from notifications.categories import CATEGORIES
from notifications.deliver import CHANNEL, Mail
from notifications.settings import NotificationsSettings
from notifications.texts import LIBRARY_PATH, persona_path

log = get_logger(__name__)

BATCH = """
WITH recipients AS (
    SELECT e.user_id, coalesce(p.channel, $10) AS channel
    FROM entitlements e
    LEFT JOIN preferences p ON p.user_id = e.user_id AND p.category = 'updates'
    WHERE e.persona_id = $1 AND e.user_id > $2
    ORDER BY e.user_id
    LIMIT $3
), fresh AS (
    INSERT INTO notification_sources (user_id, dedupe_key)
    SELECT user_id, $4 FROM recipients WHERE channel <> 'off'
    ON CONFLICT DO NOTHING
    RETURNING user_id
), notes AS (
    INSERT INTO notifications (user_id, category, kind, title, body, link, data, dedupe_key)
    SELECT user_id, 'updates', 'new_version', $5, $6, $7, $8, $4 FROM fresh
    RETURNING user_id
), mails AS (
    INSERT INTO mail_outbox (user_id, category, template, context, dedupe_key)
    SELECT f.user_id, 'updates', 'message', $9, f.user_id || ':' || $4
    FROM fresh f JOIN recipients r USING (user_id) WHERE r.channel = 'email'
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING user_id
), digest AS (
    INSERT INTO digest_items (user_id, category, title, link, dedupe_key)
    SELECT f.user_id, 'updates', $5, $7, $4
    FROM fresh f JOIN recipients r USING (user_id) WHERE r.channel = 'digest'
    ON CONFLICT DO NOTHING
    RETURNING user_id
), pings AS (
    SELECT pg_notify($11, user_id) FROM fresh
)
SELECT (SELECT max(user_id) FROM recipients) AS last,
       (SELECT count(*) FROM recipients) AS n,
       (SELECT count(*) FROM pings) AS pinged,
       (SELECT count(*) FROM notes) + (SELECT count(*) FROM mails) + (SELECT count(*) FROM digest)
           AS written
"""


async def fanout_step(pool: asyncpg.Pool, batch: int) -> bool:
    """Handle one batch of the oldest unfinished fan-out; False if there is none."""
    grown = False
    async with pool.acquire() as conn, conn.transaction():
        job = await conn.fetchrow(
            "SELECT * FROM fanouts WHERE status = 'pending' ORDER BY id LIMIT 1 "
            "FOR UPDATE SKIP LOCKED"
        )
        if job is None:
            return False
        if job["done"] == 0 and job["cursor"] == "":
            total = await conn.fetchval(
                "SELECT count(*) FROM entitlements WHERE persona_id = $1", job["persona_id"]
            )
            await conn.execute("UPDATE fanouts SET total = $2 WHERE id = $1", job["id"], total)
        name = await conn.fetchval(
            "SELECT name FROM personas WHERE persona_id = $1", job["persona_id"]
        )
        name = name or "A persona you own"
        title = f"“{name}” {job['version']} is out"
        link = persona_path(job["persona_id"])
        mail = Mail(
            subject=f"New version of “{name}”: {job['version']}",
            heading=f"“{name}” has a new version: {job['version']}",
            lines=["What changed:", job["changelog"] or "(no notes)"],
            action=("Download it from your library", LIBRARY_PATH),
        )
        row = await conn.fetchrow(
            BATCH,
            job["persona_id"],
            job["cursor"],
            batch,
            job["source_key"],
            title,
            job["changelog"],
            link,
            {"persona_id": job["persona_id"], "version": job["version"]},
            mail.context(),
            CATEGORIES["updates"].default,
            CHANNEL,
        )
        if row["n"] == 0:
            await conn.execute(
                "UPDATE fanouts SET status = 'done', finished_at = now() WHERE id = $1", job["id"]
            )
            log.info("fan-out finished", fanout_id=job["id"], recipients=job["done"])
        else:
            await conn.execute(
                "UPDATE fanouts SET cursor = $2, done = done + $3 WHERE id = $1",
                job["id"],
                row["last"],
                row["n"],
            )
            grown = crossed_doubling(job["done"], job["done"] + row["n"])
    if grown:
        await refresh_statistics(pool)
    return True


# A fan-out may multiply the notifications table in seconds, long before autovacuum looks at it.
# Readers' cached plans were made for the table as it was (a sequential scan of a small table);
# without fresh statistics nothing replans them, and every inbox read slows as the table grows
# (the fan-out bench: an inbox read at 10 ms instead of 1 ms after 100,000 recipients).
ANALYZE_FIRST_AT = 10_000


def crossed_doubling(before: int, after: int) -> bool:
    """True when a fan-out's recipients passed 10,000, 20,000, 40,000, ... in this batch."""
    mark = ANALYZE_FIRST_AT
    while mark <= after:
        if before < mark:
            return True
        mark *= 2
    return False


async def refresh_statistics(pool: asyncpg.Pool) -> None:
    """ANALYZE the tables a fan-out grows (a sample of rows: tens of milliseconds)."""
    async with pool.acquire() as conn:
        await conn.execute("ANALYZE notifications, notification_sources, mail_outbox, digest_items")


async def fanout_worker(app: FastAPI) -> None:
    """Background job: batches back to back (with the configured pause), idle polling."""
    settings: NotificationsSettings = app.state.settings
    while True:
        try:
            busy = await fanout_step(app.state.pool, settings.fanout_batch)
        except Exception:
            log.exception("fan-out batch failed")
            busy = False
        await asyncio.sleep(settings.fanout_pause_s if busy else settings.fanout_poll_s)

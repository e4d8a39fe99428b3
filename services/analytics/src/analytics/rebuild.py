"""Rebuild every analytics table from the first event, swapped in while the live consumer serves.

1. A schema `analytics_rebuild_<tag>` gets the tables afresh (the service's own migrations, run
   there), read through a pool whose search_path puts it first.
2. Exported producer histories (`python -m <svc> export-events`), if given, are applied first:
   they bootstrap what the stream no longer holds (retention); the kernel inbox, under the
   rebuild's own consumer name, keeps the events the stream still has from counting twice.
3. A second stream consumer reads `analytics.events` from "first" into the new tables until it
   has reached the live consumer's offset.
4. One transaction swaps: it locks the live consumer's offset row (its batches wait), checks the
   rebuild is not behind, blocks view beacons for its duration, replays the views logged since,
   moves the live tables out and the new ones in, and moves the live offset and inbox to where
   the rebuild stands. The old tables are dropped after the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from shared.bus import Broker
from shared.db import connect, create_pool
from shared.events import Envelope
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.streams import StreamConsumer, stored_offset

from analytics.consumers import CONSUMER, subscription
from analytics.figures import Changes
from analytics.settings import AnalyticsSettings

log = get_logger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# Everything derived from events and the view log (not the log itself, nor publication state).
REBUILT = (
    "personas", "persona_slots", "revenue_slots", "view_visitors", "source_slots", "reviews",
    "follows", "follower_slots", "holdings", "also_held", "trend_hourly", "applied",
    "trending_scores", "creator_days", "creator_revenue_days", "persona_days", "persona_months",
)  # fmt: skip


@dataclass(frozen=True)
class Report:
    exported_events: int
    stream_offset: int | None
    views: int


def read_exports(paths: Iterable[Path]) -> list[Envelope]:
    """Every producer's export, merged in event time (each producer's own order kept)."""
    envelopes: list[Envelope] = []
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            envelopes.extend(
                Envelope.model_validate(json.loads(line)) for line in lines if line.strip()
            )
    envelopes.sort(key=lambda e: (e.occurred_at, e.producer, e.global_position or 0))
    return envelopes


async def rebuild(
    settings: AnalyticsSettings, exports: Sequence[Path] = (), *, max_swaps: int = 50
) -> Report:
    tag = uuid.uuid4().hex[:10]
    schema, old = f"analytics_rebuild_{tag}", f"analytics_old_{tag}"
    name = f"{CONSUMER}.rebuild.{tag}"
    dsn = settings.database_url
    admin = await connect(dsn)
    pool: asyncpg.Pool | None = None
    try:
        await _create_tables(admin, schema)
        pool = await create_pool(
            dsn, max_size=4, server_settings={"search_path": f"{schema}, public"}
        )
        consumer = StreamConsumer(subscription(name), pool, EventStore(settings.service_name))
        history = read_exports(exports)
        await consumer.apply_history(history)
        log.info("rebuild: exports applied", events=len(history))
        await _catch_up(settings, consumer, admin, name)
        # Views logged so far are replayed now; those logged later, inside the swap.
        view_mark = await admin.fetchval("SELECT coalesce(max(id), 0) FROM view_log")
        async with pool.acquire() as conn, conn.transaction():
            views = await _replay_views(conn, 0, view_mark)
        for _ in range(max_swaps):
            swapped = await _swap(pool, schema, old, name, view_mark)
            if swapped is not None:
                break
            await _catch_up(settings, consumer, admin, name)  # the live one moved on meanwhile
        else:
            raise RuntimeError("rebuild could not catch up with the live consumer")
        await admin.execute(f'DROP SCHEMA "{old}" CASCADE')
        await admin.execute("DELETE FROM stream_offsets WHERE consumer = $1", name)
        offset, late_views = swapped
        log.info("rebuild: swapped in", offset=offset, views=views + late_views)
        return Report(len(history), offset, views + late_views)
    finally:
        if pool is not None:
            await pool.close()
        with contextlib.suppress(Exception):
            await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


async def _create_tables(conn: asyncpg.Connection, schema: str) -> None:
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    for path in sorted(MIGRATIONS.glob("*.sql")):
        async with conn.transaction():
            await conn.execute(f'SET LOCAL search_path TO "{schema}", public')
            await conn.execute(path.read_text())


async def _catch_up(
    settings: AnalyticsSettings, consumer: StreamConsumer, admin: asyncpg.Connection, name: str
) -> None:
    """Read the stream into the new tables until at or past the live consumer's offset."""
    broker = Broker(settings.amqp_url, settings.bus_namespace, connection_label="analytics-rebuild")
    await broker.connect_until_ready(lambda: consumer.start(broker))
    try:
        while True:
            live = await stored_offset(admin, CONSUMER)
            mine = await stored_offset(admin, name)
            if live is None or (mine is not None and mine >= live):
                return
            await asyncio.sleep(0.05)
    finally:
        await consumer.stop()
        await broker.close()


async def _replay_views(conn: asyncpg.Connection, after: int, upto: int) -> int:
    rows = await conn.fetch(
        "SELECT persona_id, creator_id, visitor, viewed_at, source, referrer_domain"
        " FROM public.view_log WHERE id > $1 AND id <= $2 ORDER BY id",
        after,
        upto,
    )
    changes = Changes()
    for r in rows:
        changes.view(
            r["persona_id"],
            r["creator_id"],
            r["visitor"],
            r["viewed_at"],
            r["source"],
            r["referrer_domain"],
        )
    await changes.write(conn)
    return len(rows)


async def _swap(
    pool: asyncpg.Pool, schema: str, old: str, name: str, view_mark: int
) -> tuple[int | None, int] | None:
    """The swap transaction: (offset, late views); None when the live consumer is ahead of the
    rebuild (it catches up again and retries)."""
    async with pool.acquire() as conn, conn.transaction():
        live = await conn.fetchval(
            'SELECT "offset" FROM public.stream_offsets WHERE consumer = $1 FOR UPDATE', CONSUMER
        )
        mine = await stored_offset(conn, name)
        if live is not None and (mine is None or mine < live):
            return None
        # Beacons wait for the swap; the views they logged meanwhile are replayed here.
        await conn.execute("LOCK TABLE public.view_log IN EXCLUSIVE MODE")
        late = await _replay_views(conn, view_mark, 2**62)
        await conn.execute(
            f'INSERT INTO "{schema}".trending_scores SELECT * FROM public.trending_scores'
        )
        await conn.execute(f'CREATE SCHEMA "{old}"')
        for table in REBUILT:
            await conn.execute(f'ALTER TABLE public."{table}" SET SCHEMA "{old}"')
            await conn.execute(f'ALTER TABLE "{schema}"."{table}" SET SCHEMA public')
        position = mine if live is None or (mine is not None and mine > live) else live
        if position is not None:
            await conn.execute(
                'INSERT INTO public.stream_offsets (consumer, "offset") VALUES ($1, $2)'
                ' ON CONFLICT (consumer) DO UPDATE SET "offset" = EXCLUDED."offset"',
                CONSUMER,
                position,
            )
        # An event the rebuild applied must stay applied for the live consumer's inbox too.
        await conn.execute(
            "INSERT INTO public.inbox (consumer, event_id) SELECT $1, event_id FROM public.inbox"
            " WHERE consumer = $2 ON CONFLICT DO NOTHING",
            CONSUMER,
            name,
        )
        await conn.execute("DELETE FROM public.inbox WHERE consumer = $1", name)
        return position, late

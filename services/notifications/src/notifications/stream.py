"""Live notifications over server-sent events.

Writers `pg_notify('notifications', user_id)` in their transaction, so a wake-up only arrives
once the notification is committed (and reaches every replica). One LISTEN connection per process
fans wake-ups out to the open streams of that user; each stream then reads what is new. A stream
also looks every `KEEPALIVE_S` (a comment line keeps proxies from closing it), so a lost
wake-up only delays, never drops, a notification.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

import asyncpg
from fastapi import FastAPI

from notifications.deliver import CHANNEL
from notifications.queries import newer_than, unread_count

KEEPALIVE_S = 15.0
LOOKBACK = timedelta(seconds=60)


class Listener:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.waiters: dict[str, set[asyncio.Event]] = defaultdict(set)

    def _wake(self, _conn: object, _pid: int, _channel: str, user_id: str) -> None:
        for event in self.waiters.get(user_id, ()):
            event.set()

    async def run(self) -> None:
        """Keep one LISTEN connection open, reconnecting after a failure."""
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self.dsn)
                await conn.add_listener(CHANNEL, self._wake)
                closed = asyncio.Event()
                conn.add_termination_listener(lambda _c, closed=closed: closed.set())
                for events in self.waiters.values():  # may have missed some while away
                    for event in events:
                        event.set()
                await closed.wait()
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(1.0)
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close()

    @contextlib.contextmanager
    def watch(self, user_id: str) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        self.waiters[user_id].add(event)
        try:
            yield event
        finally:
            self.waiters[user_id].discard(event)
            if not self.waiters[user_id]:
                del self.waiters[user_id]


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


async def events_for(app: FastAPI, user_id: str) -> AsyncIterator[str]:
    """`unread` (the count) first, then `notification` for each new or grown one and `unread`."""
    listener: Listener = app.state.listener
    pool: asyncpg.Pool = app.state.pool
    # Timestamps are transaction start times, so a row can commit "in the past": look back a
    # while and remember what was already seen.
    with listener.watch(user_id) as wake:
        since: datetime = await pool.fetchval("SELECT now()") - LOOKBACK
        seen = {(n.id, n.updated_at) for n in await newer_than(pool, user_id, since)}
        last_count = await unread_count(pool, user_id)
        yield "retry: 3000\n\n" + sse("unread", {"unread_count": last_count})
        while True:
            try:
                await asyncio.wait_for(wake.wait(), KEEPALIVE_S)
            except TimeoutError:
                yield ": keepalive\n\n"
            wake.clear()
            since = await pool.fetchval("SELECT now()") - LOOKBACK
            fresh = [
                n
                for n in await newer_than(pool, user_id, since)
                if (n.id, n.updated_at) not in seen
            ]
            seen = {s for s in seen if s[1] > since} | {(n.id, n.updated_at) for n in fresh}
            for item in fresh:
                yield sse("notification", item.model_dump(mode="json"))
            count = await unread_count(pool, user_id)
            if fresh or count != last_count:
                last_count = count
                yield sse("unread", {"unread_count": count})


async def run_listener(app: FastAPI) -> None:
    await app.state.listener.run()

"""Faults injected into the kernel's bus, with the relay and the consumer as real processes:

* the relay SIGKILLed after the broker confirmed a batch and before it deleted the rows: the
  next relay publishes them again and the consumers' inbox absorbs the duplicates, none lost;
* a consumer SIGKILLed in the middle of a prefetched batch: the unacknowledged messages are
  delivered again and each is handled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from shared.bus import Broker
from shared.db import create_pool, migrate
from shared.eventstore import EventStore
from shared.testing.wait import eventually

from tests.hardening.bus_worker import PRODUCER, FaultHappened, subscription

pytestmark = pytest.mark.faults
WORKER = Path(__file__).with_name("bus_worker.py")
ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def worker(role: str, dsn: str, amqp_url: str, namespace: str) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), role, dsn, amqp_url, namespace],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    await migrate(database_url, [])
    p = await create_pool(database_url, max_size=4)
    await p.execute("CREATE TABLE seen (seq bigserial PRIMARY KEY, event_id uuid NOT NULL)")
    yield p
    await p.close()


async def write_events(pool: asyncpg.Pool, count: int, streams: int = 20) -> None:
    store = EventStore(PRODUCER)
    per = count // streams
    async with pool.acquire() as conn:
        for s in range(streams):
            async with conn.transaction():
                await store.append(
                    conn, "thing", f"thing-{s}", 0, [FaultHappened(n=i) for i in range(per)]
                )


async def declare(amqp_url: str, namespace: str) -> None:
    broker = Broker(amqp_url, namespace)
    await broker.connect()
    try:
        await broker.declare_topology([subscription()])
    finally:
        await broker.close()


@dataclass
class Bus:
    """One test's database and bus namespace, which every worker process it starts shares."""

    pool: asyncpg.Pool
    dsn: str
    amqp_url: str
    namespace: str

    async def prepare(self, total: int) -> None:
        """Declare the consumer's queue and leave `total` events in the outbox."""
        await declare(self.amqp_url, self.namespace)
        await write_events(self.pool, total)

    def worker(self, role: str) -> contextlib.AbstractContextManager[subprocess.Popen]:
        return worker(role, self.dsn, self.amqp_url, self.namespace)


@pytest.fixture
def bus(pool: asyncpg.Pool, database_url: str, amqp_url: str, bus_namespace: str) -> Bus:
    return Bus(pool, database_url, amqp_url, bus_namespace)


async def seen(pool: asyncpg.Pool) -> tuple[int, int]:
    row = await pool.fetchrow("SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM seen")
    return int(row["n"]), int(row["d"])


async def test_relay_killed_between_confirm_and_delete_loses_nothing_and_doubles_nothing(
    bus: Bus,
) -> None:
    pool, total = bus.pool, 2000
    await bus.prepare(total)
    # SHARE mode lets the relay read the outbox but blocks its DELETE: it publishes, gets the
    # confirms, and then waits right between confirm and delete.
    blocker = await asyncpg.connect(bus.dsn)
    tx = blocker.transaction()
    await tx.start()
    await blocker.execute("LOCK TABLE outbox IN SHARE MODE")
    with bus.worker("consume"):
        with bus.worker("relay") as relay:
            await eventually(lambda: seen(pool), lambda s: s[1] >= 200, timeout=60)
            stuck = await blocker.fetchval(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE 'DELETE FROM outbox%'"
                " AND state = 'active' AND datname = current_database()"
            )
            assert stuck is not None  # the relay is between confirm and delete
            relay.send_signal(signal.SIGKILL)
            relay.wait(10)
            # what the server does once it notices the dead client: its statement ends
            await blocker.execute("SELECT pg_terminate_backend($1)", stuck)
        await tx.rollback()
        await blocker.close()
        left = int(await pool.fetchval("SELECT count(*) FROM outbox"))
        assert left == total  # every confirmed row is still there: it will be sent again
        with bus.worker("relay"):
            await eventually(
                lambda: pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0, timeout=120
            )
            await eventually(lambda: seen(pool), lambda s: s[1] == total, timeout=120)
    assert await seen(pool) == (total, total)  # each handled exactly once


async def test_consumer_killed_mid_batch_redelivers_and_handles_each_once(bus: Bus) -> None:
    pool, total = bus.pool, 1500
    await bus.prepare(total)
    with bus.worker("relay"):
        with bus.worker("consume") as consumer:
            await eventually(lambda: seen(pool), lambda s: s[1] >= total // 3, timeout=60)
            consumer.send_signal(signal.SIGKILL)
            consumer.wait(10)
        handled_before = (await seen(pool))[1]
        assert handled_before < total  # killed with work left, some of it prefetched
        with bus.worker("consume"):
            await eventually(lambda: seen(pool), lambda s: s[1] == total, timeout=120)
            await asyncio.sleep(1)  # a late duplicate would show up here
    assert await seen(pool) == (total, total)

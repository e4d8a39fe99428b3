"""Contract tests for the event store, projections and the unit of work on real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from shared.aggregate import Aggregate
from shared.db import migrate
from shared.events import Envelope, Event
from shared.eventstore import ConcurrencyError, EventStore, Projections
from shared.uow import UnitOfWork, run_command


class CounterOpened(Event):
    name: str


class CounterIncremented(Event):
    by: int


class Counter(Aggregate):
    stream_type = "counter"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.total = 0

    def open(self, name: str) -> None:
        if self.exists:
            raise ValueError("already open")
        self._record(CounterOpened(name=name))

    def increment(self, by: int) -> None:
        self._record(CounterIncremented(by=by))

    def when_CounterIncremented(self, e: CounterIncremented) -> None:
        self.total += e.by


projections = Projections()
projections.owns("counter_totals")


@projections.on(CounterOpened)
async def _opened(conn: asyncpg.Connection, _: CounterOpened, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO counter_totals (id, name, total) VALUES ($1, $2, 0)",
        env.stream_id,
        env.data["name"],
    )


projections.statement(
    CounterIncremented,
    "UPDATE counter_totals SET total = total + $2 WHERE id = $1",
    lambda e, env: (env.stream_id, e.by),
)


@pytest.fixture
async def pool(pool):
    await pool.execute("CREATE TABLE counter_totals (id text PRIMARY KEY, name text, total int)")
    return pool


async def test_two_concurrent_appends_at_the_same_version_exactly_one_wins(pool):
    store = EventStore("test")
    sid = str(uuid.uuid4())
    async with pool.acquire() as c, c.transaction():
        await store.append(c, "counter", sid, 0, [CounterOpened(name="a")])
    barrier = asyncio.Barrier(2)

    async def writer(by: int) -> str:
        async with pool.acquire() as c:
            try:
                async with c.transaction():
                    await barrier.wait()
                    await store.append(c, "counter", sid, 1, [CounterIncremented(by=by)])
                return "won"
            except ConcurrencyError:
                return "lost"

    results = await asyncio.gather(writer(1), writer(2))
    assert sorted(results) == ["lost", "won"]
    async with pool.acquire() as c:
        events = await store.load(c, sid)
    assert [e.version for e in events] == [1, 2]


async def test_append_writes_outbox_rows_in_the_same_transaction(pool):
    store = EventStore("test")
    sid = str(uuid.uuid4())
    with pytest.raises(RuntimeError):
        async with pool.acquire() as c, c.transaction():
            await store.append(c, "counter", sid, 0, [CounterOpened(name="x")])
            raise RuntimeError("rollback")
    assert await pool.fetchval("SELECT count(*) FROM events") == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    async with pool.acquire() as c, c.transaction():
        envs = await store.append(
            c, "counter", sid, 0, [CounterOpened(name="x"), CounterIncremented(by=3)]
        )
    rows = await pool.fetch("SELECT routing_key, global_position FROM outbox ORDER BY 2")
    assert [r["routing_key"] for r in rows] == ["test.CounterOpened", "test.CounterIncremented"]
    assert [r["global_position"] for r in rows] == [e.global_position for e in envs]


async def test_run_command_retries_a_clash_and_the_projection_stays_exact(pool):
    store = EventStore("test", projections)
    sid = str(uuid.uuid4())

    async def open_(uow: UnitOfWork) -> None:
        c = await uow.load(Counter, sid)
        c.open("hits")
        await uow.save(c)

    await run_command(pool, store, open_)

    async def inc(uow: UnitOfWork) -> int:
        c = await uow.load(Counter, sid)
        c.increment(1)
        await uow.save(c)
        return c.total

    await asyncio.gather(*(run_command(pool, store, inc, retries=50) for _ in range(20)))
    assert await pool.fetchval("SELECT total FROM counter_totals WHERE id=$1", sid) == 20
    async with pool.acquire() as conn:
        events = await store.load(conn, sid)
    assert len(events) == 21


async def test_projection_rebuild_gives_identical_read_models(pool):
    store = EventStore("test", projections)
    for i in range(5):
        sid = f"c{i}"
        async with pool.acquire() as c, c.transaction():
            await store.append(
                c, "counter", sid, 0, [CounterOpened(name=sid)] + [CounterIncremented(by=i)] * i
            )
    before = [dict(r) for r in await pool.fetch("SELECT * FROM counter_totals ORDER BY id")]
    await pool.execute("UPDATE counter_totals SET total = -1")  # corrupt the read model
    count = await store.rebuild_projections(pool)
    after = [dict(r) for r in await pool.fetch("SELECT * FROM counter_totals ORDER BY id")]
    assert count == 5 + sum(range(5))
    assert after == before


async def test_migrations_apply_once_under_concurrency(database_url):
    results = await asyncio.gather(*(migrate(database_url, []) for _ in range(4)))
    applied = [name for r in results for name in r]
    assert applied == ["kernel/001_event_store.sql", "kernel/002_stream_failures.sql"]

"""Stream consumers on a real RabbitMQ stream queue and PostgreSQL: the offset is stored with the
handlers' writes, a restart resumes after it, a reconnect re-subscribes, duplicates are harmless."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest
from shared.bus import Broker
from shared.events import Envelope, Event
from shared.eventstore import EventStore
from shared.streams import StreamConsumer, StreamSubscription, stored_offset
from shared.testing.publish import envelope_of
from shared.testing.servers import close_broker_connections
from shared.testing.wait import eventually
from shared.uow import UnitOfWork


class CounterTicked(Event):
    producer = "tests"
    counter: str
    by: int = 1


class NeverHandled(Event):
    producer = "tests"
    note: str


def envelope(event: Event, *, event_id: uuid.UUID | None = None, **data: object) -> Envelope:
    return envelope_of(event, stream_type="counter", stream_id="c", event_id=event_id, extra=data)


def subscription() -> StreamSubscription:
    sub = StreamSubscription("tests.counters")

    @sub.on(CounterTicked)
    async def tick(e: CounterTicked, env: Envelope, uow: UnitOfWork) -> None:
        if e.counter == "poison":
            raise RuntimeError("this event always fails")
        await uow.conn.execute(
            "INSERT INTO tallies (counter, n) VALUES ($1, $2)"
            " ON CONFLICT (counter) DO UPDATE SET n = tallies.n + EXCLUDED.n",
            e.counter,
            e.by,
        )

    return sub


@pytest.fixture
async def pool(pool: asyncpg.Pool) -> asyncpg.Pool:
    """The kernel's tables (conftest) and the handlers' tally table."""
    await pool.execute("CREATE TABLE tallies (counter text PRIMARY KEY, n int NOT NULL)")
    return pool


@pytest.fixture
async def publisher(amqp_url: str, bus_namespace: str) -> AsyncIterator[Broker]:
    broker = Broker(amqp_url, bus_namespace)
    await broker.connect()
    await broker.declare_topology()
    yield broker
    await broker.close()


async def publish(broker: Broker, env: Envelope) -> None:
    await broker.publish(f"tests.{env.type}", env)


async def tallies(pool: asyncpg.Pool) -> dict[str, int]:
    return {r["counter"]: r["n"] for r in await pool.fetch("SELECT counter, n FROM tallies")}


@contextlib.asynccontextmanager
async def running(
    amqp_url: str, ns: str, pool: asyncpg.Pool, sub: StreamSubscription
) -> AsyncIterator[tuple[Broker, StreamConsumer]]:
    """A started consumer of `sub` on its own connection; stopped (no goodbye) on leaving."""
    broker = Broker(amqp_url, ns, connection_label="stream-consumer")
    await broker.connect()
    consumer = StreamConsumer(sub, pool, EventStore("tests"))
    await consumer.start(broker)
    try:
        yield broker, consumer
    finally:
        await consumer.stop()
        await broker.close()


async def tick(publisher: Broker, times: int = 1, counter: str = "a") -> None:
    for _ in range(times):
        await publish(publisher, envelope(CounterTicked(counter=counter)))


async def test_applies_each_event_once_and_stores_the_offset_with_it(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    async with running(amqp_url, bus_namespace, pool, subscription()):
        twice = envelope(CounterTicked(counter="a"))
        await publish(publisher, twice)
        await publish(publisher, twice)  # a lost confirm: the same event at a second offset
        await publish(publisher, envelope(NeverHandled(note="x")))  # a type nobody handles
        await publish(publisher, envelope(CounterTicked(counter="b", by=2), future_field=[1]))
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 3)
        assert await tallies(pool) == {"a": 1, "b": 2}


async def test_a_restarted_consumer_resumes_after_the_stored_offset(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    sub = subscription()
    async with running(amqp_url, bus_namespace, pool, sub):
        await tick(publisher, 50)
        await eventually(lambda: tallies(pool), lambda t: t.get("a") == 50)
    # killed: no goodbye, no ack bookkeeping

    await tick(publisher, 30)  # published while it is down
    async with running(amqp_url, bus_namespace, pool, sub):
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 79)
        assert await tallies(pool) == {"a": 80}


async def test_a_rewound_subscription_skips_what_was_applied(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    """Even when the broker hands back old offsets (a replica starting from "first"), the stored
    offset keeps them from counting twice."""
    async with running(amqp_url, bus_namespace, pool, subscription()):
        await tick(publisher, 10)
        await eventually(lambda: tallies(pool), lambda t: t.get("a") == 10)

    async with running(amqp_url, bus_namespace, pool, subscription()) as (_, consumer):
        assert consumer._queue is not None
        await consumer._queue.consume(
            consumer._pending.put, arguments={"x-stream-offset": "first"}, robust=False
        )  # a second subscription from the very start
        await tick(publisher)
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 10)
        assert await tallies(pool) == {"a": 11}


async def test_a_lost_connection_resubscribes_at_the_stored_offset(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    async with running(amqp_url, bus_namespace, pool, subscription()) as (broker, _):
        await tick(publisher, 20)
        await eventually(lambda: tallies(pool), lambda t: t.get("a") == 20)
        assert await close_broker_connections(bus_namespace) >= 1
        await eventually(lambda: _connected(broker), bool)
        for _ in range(20):
            await _publish_when_back(publisher, envelope(CounterTicked(counter="a")))
        # A publish retried after a lost confirm may sit twice in the stream: counted once.
        await eventually(lambda: tallies(pool), lambda t: t.get("a") == 40)
        await tick(publisher, counter="z")
        await eventually(lambda: tallies(pool), lambda t: t.get("z") == 1)
        assert (await tallies(pool))["a"] == 40


async def test_a_failing_event_is_recorded_and_skipped_without_losing_its_batch(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    sub = subscription()
    sub.max_attempts = 2
    async with running(amqp_url, bus_namespace, pool, sub):
        for counter in ("a", "poison", "b"):
            await tick(publisher, counter=counter)
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 2)
        assert await tallies(pool) == {"a": 1, "b": 1}
        failed = await pool.fetch('SELECT "offset", error FROM stream_failures')
        assert [r["offset"] for r in failed] == [1]
        assert "always fails" in failed[0]["error"]


async def _connected(broker: Broker) -> bool:
    return broker.connection is not None and not broker.connection.is_closed


async def _publish_when_back(broker: Broker, env: Envelope) -> None:
    async def attempt() -> bool:
        try:
            await publish(broker, env)
            return True
        except Exception:
            return False

    await eventually(attempt, bool)


async def test_a_batch_handler_gets_each_fresh_event_once_in_stream_order(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    seen: list[str] = []
    sub = StreamSubscription("tests.batches", max_attempts=2)

    @sub.on_batch(CounterTicked)
    async def batch(items: Sequence[tuple[CounterTicked, Envelope]], uow: UnitOfWork) -> None:
        names = [e.counter for e, _ in items]
        if "poison" in names:
            raise RuntimeError("this batch fails")
        await uow.conn.executemany(
            "INSERT INTO tallies (counter, n) VALUES ($1, 1)"
            " ON CONFLICT (counter) DO UPDATE SET n = tallies.n + 1",
            [(n,) for n in names],
        )
        seen.extend(names)

    twice = envelope(CounterTicked(counter="a"))
    for env in (
        twice,
        twice,  # the same event at a second offset (likely in the same batch)
        envelope(NeverHandled(note="x")),
        envelope(CounterTicked(counter="b")),
        envelope(CounterTicked(counter="c")),
        envelope(CounterTicked(counter="poison")),
        envelope(CounterTicked(counter="d")),
    ):
        await publish(publisher, env)
    async with running(amqp_url, bus_namespace, pool, sub):
        await eventually(lambda: stored_offset(pool, "tests.batches"), lambda o: o == 6)
        # A failing batch is rolled back and applied message by message: only poison is lost.
        assert await tallies(pool) == {"a": 1, "b": 1, "c": 1, "d": 1}
        assert seen == ["a", "b", "c", "d"]
        failed = await pool.fetch('SELECT "offset" FROM stream_failures')
        assert [r["offset"] for r in failed] == [5]

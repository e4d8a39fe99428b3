"""Stream consumers on a real RabbitMQ stream queue and PostgreSQL: the offset is stored with the
handlers' writes, a restart resumes after it, a reconnect re-subscribes, duplicates are harmless."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest
from shared.bus import Broker
from shared.db import create_pool, migrate
from shared.events import Envelope, Event, now
from shared.eventstore import EventStore
from shared.streams import StreamConsumer, StreamSubscription, stored_offset
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
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        type=event.type_name(),
        producer="tests",
        stream_type="counter",
        stream_id="c",
        version=1,
        occurred_at=now(),
        data={**event.to_data(), **data},
    )


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
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    await migrate(database_url, [])
    p = await create_pool(database_url, max_size=4)
    await p.execute("CREATE TABLE tallies (counter text PRIMARY KEY, n int NOT NULL)")
    yield p
    await p.close()


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


async def running(
    amqp_url: str, ns: str, pool: asyncpg.Pool, sub: StreamSubscription
) -> tuple[Broker, StreamConsumer]:
    broker = Broker(amqp_url, ns, connection_label="stream-consumer")
    await broker.connect()
    consumer = StreamConsumer(sub, pool, EventStore("tests"))
    await consumer.start(broker)
    return broker, consumer


async def test_applies_each_event_once_and_stores_the_offset_with_it(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    broker, consumer = await running(amqp_url, bus_namespace, pool, subscription())
    try:
        twice = envelope(CounterTicked(counter="a"))
        await publish(publisher, twice)
        await publish(publisher, twice)  # a lost confirm: the same event at a second offset
        await publish(publisher, envelope(NeverHandled(note="x")))  # a type nobody handles
        await publish(publisher, envelope(CounterTicked(counter="b", by=2), future_field=[1]))
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 3)
        assert await tallies(pool) == {"a": 1, "b": 2}
    finally:
        await consumer.stop()
        await broker.close()


async def test_a_restarted_consumer_resumes_after_the_stored_offset(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    sub = subscription()
    broker, consumer = await running(amqp_url, bus_namespace, pool, sub)
    for _ in range(50):
        await publish(publisher, envelope(CounterTicked(counter="a")))
    await eventually(lambda: tallies(pool), lambda t: t.get("a") == 50)
    await consumer.stop()  # killed: no goodbye, no ack bookkeeping
    await broker.close()

    for _ in range(30):  # published while it is down
        await publish(publisher, envelope(CounterTicked(counter="a")))
    broker, consumer = await running(amqp_url, bus_namespace, pool, sub)
    try:
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 79)
        assert await tallies(pool) == {"a": 80}
    finally:
        await consumer.stop()
        await broker.close()


async def test_a_rewound_subscription_skips_what_was_applied(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    """Even when the broker hands back old offsets (a replica starting from "first"), the stored
    offset keeps them from counting twice."""
    broker, consumer = await running(amqp_url, bus_namespace, pool, subscription())
    for _ in range(10):
        await publish(publisher, envelope(CounterTicked(counter="a")))
    await eventually(lambda: tallies(pool), lambda t: t.get("a") == 10)
    await consumer.stop()
    await broker.close()

    broker, consumer = await running(amqp_url, bus_namespace, pool, subscription())
    try:
        assert consumer._queue is not None
        await consumer._queue.consume(
            consumer._pending.put, arguments={"x-stream-offset": "first"}, robust=False
        )  # a second subscription from the very start
        await publish(publisher, envelope(CounterTicked(counter="a")))
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 10)
        assert await tallies(pool) == {"a": 11}
    finally:
        await consumer.stop()
        await broker.close()


async def test_a_lost_connection_resubscribes_at_the_stored_offset(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    broker, consumer = await running(amqp_url, bus_namespace, pool, subscription())
    try:
        for _ in range(20):
            await publish(publisher, envelope(CounterTicked(counter="a")))
        await eventually(lambda: tallies(pool), lambda t: t.get("a") == 20)
        assert await close_broker_connections(bus_namespace) >= 1
        await eventually(lambda: _connected(broker), bool)
        for _ in range(20):
            await _publish_when_back(publisher, envelope(CounterTicked(counter="a")))
        # A publish retried after a lost confirm may sit twice in the stream: counted once.
        await eventually(lambda: tallies(pool), lambda t: t.get("a") == 40)
        await publish(publisher, envelope(CounterTicked(counter="z")))
        await eventually(lambda: tallies(pool), lambda t: t.get("z") == 1)
        assert (await tallies(pool))["a"] == 40
    finally:
        await consumer.stop()
        await broker.close()


async def test_a_failing_event_is_recorded_and_skipped_without_losing_its_batch(
    pool, publisher, amqp_url, bus_namespace
) -> None:
    sub = subscription()
    sub.max_attempts = 2
    broker, consumer = await running(amqp_url, bus_namespace, pool, sub)
    try:
        await publish(publisher, envelope(CounterTicked(counter="a")))
        await publish(publisher, envelope(CounterTicked(counter="poison")))
        await publish(publisher, envelope(CounterTicked(counter="b")))
        await eventually(lambda: stored_offset(pool, "tests.counters"), lambda o: o == 2)
        assert await tallies(pool) == {"a": 1, "b": 1}
        failed = await pool.fetch('SELECT "offset", error FROM stream_failures')
        assert [r["offset"] for r in failed] == [1]
        assert "always fails" in failed[0]["error"]
    finally:
        await consumer.stop()
        await broker.close()


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
    broker, consumer = await running(amqp_url, bus_namespace, pool, sub)
    try:
        await eventually(lambda: stored_offset(pool, "tests.batches"), lambda o: o == 6)
        # A failing batch is rolled back and applied message by message: only poison is lost.
        assert await tallies(pool) == {"a": 1, "b": 1, "c": 1, "d": 1}
        assert seen == ["a", "b", "c", "d"]
        failed = await pool.fetch('SELECT "offset" FROM stream_failures')
        assert [r["offset"] for r in failed] == [5]
    finally:
        await consumer.stop()
        await broker.close()

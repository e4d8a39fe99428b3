"""Contract tests for the outbox relay, the broker topology and inbox-guarded consumers,
on the real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import functools

import pytest
from shared.dlq import list_dead_letters, replay_dead_letters
from shared.events import Envelope, Event
from shared.eventstore import EventStore
from shared.outbox import OutboxRelay
from shared.subscriptions import Subscription
from shared.testing.publish import envelope_of
from shared.testing.servers import close_broker_connections
from shared.testing.wait import eventually
from shared.uow import UnitOfWork

wait_until = functools.partial(eventually, timeout=60.0, interval=0.1)


class ThingHappened(Event):
    producer = "test"

    n: int


def thing_envelope(n: int = 1) -> Envelope:
    """The `n`th `ThingHappened` of the stream `thing` `s1`, as its outbox would send it."""
    return envelope_of(ThingHappened(n=n), stream_type="thing", stream_id="s1", version=n)


@pytest.fixture
async def pool(pool):
    await pool.execute(
        "CREATE TABLE seen (seq bigserial PRIMARY KEY, event_id uuid, stream_id text, version int)"
    )
    return pool


async def record(env: Envelope, uow: UnitOfWork) -> None:
    conn = uow.conn
    await conn.execute(
        "INSERT INTO seen (event_id, stream_id, version) VALUES ($1, $2, $3)",
        env.event_id,
        env.stream_id,
        env.version,
    )


async def test_the_same_message_delivered_twice_is_handled_once(pool, broker):
    sub = Subscription("test", "things", bindings=("test.ThingHappened",), handler=record)
    await broker.declare_topology([sub])
    await broker.consume(sub, pool, EventStore("test"))
    env = thing_envelope()
    await broker.publish("test.ThingHappened", env)
    await broker.publish("test.ThingHappened", env)
    other = thing_envelope(2)
    await broker.publish("test.ThingHappened", other)  # processed after both copies of `env`
    await wait_until(lambda: pool.fetchval("SELECT count(*) = 2 FROM seen"), timeout=10)
    await asyncio.sleep(0.3)
    assert await pool.fetchval("SELECT count(*) FROM seen WHERE event_id = $1", env.event_id) == 1
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 2


async def test_ten_thousand_events_survive_a_broker_outage_exactly_once_in_order(
    pool, broker, database_url, bus_namespace
):
    sub = Subscription("test", "all-things", bindings=("test.#",), handler=record)
    await broker.declare_topology([sub])
    await broker.consume(sub, pool, EventStore("test"))
    store = EventStore("test")
    relay = OutboxRelay(database_url, broker, "test", poll_interval=0.2)
    relay_task = asyncio.create_task(relay.run())
    streams = [f"stream-{i}" for i in range(50)]
    per_call = 10

    async def produce() -> None:
        for round_ in range(20):  # 50 streams x 20 rounds x 10 events = 10,000
            for sid in streams:
                async with pool.acquire() as c, c.transaction():
                    await store.append(
                        c,
                        "thing",
                        sid,
                        round_ * per_call,
                        [ThingHappened(n=i) for i in range(per_call)],
                    )

    try:
        producer = asyncio.create_task(produce())

        async def published_some() -> bool:
            return relay.published >= 1000

        await wait_until(published_some, timeout=60, interval=0.01)
        assert not producer.done()
        assert await close_broker_connections(bus_namespace) >= 1  # outage while appending
        await producer
        await wait_until(lambda: pool.fetchval("SELECT count(*) >= 5000 FROM seen"), timeout=120)
        assert await close_broker_connections(bus_namespace) >= 1  # and while consuming
        await wait_until(
            lambda: pool.fetchval("SELECT count(*) >= 10000 FROM seen"), timeout=240, interval=0.5
        )
        await wait_until(lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox"), timeout=30)
    finally:
        relay_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay_task
    await asyncio.sleep(0.5)  # anything duplicated would arrive now
    assert await pool.fetchval("SELECT count(*) FROM seen") == 10_000
    assert await pool.fetchval("SELECT count(DISTINCT event_id) FROM seen") == 10_000
    out_of_order = await pool.fetchval(
        "SELECT count(*) FROM (SELECT version, lag(version) OVER (PARTITION BY stream_id"
        " ORDER BY seq) AS prev FROM seen) t WHERE prev IS NOT NULL AND version <> prev + 1"
    )
    assert out_of_order == 0
    assert relay.published >= 10_000


async def test_a_failing_handler_dead_letters_and_replay_brings_it_back(
    pool, broker, amqp_url, bus_namespace
):
    healthy = asyncio.Event()

    async def flaky(env: Envelope, uow: UnitOfWork) -> None:
        if not healthy.is_set():
            raise RuntimeError("downstream is broken")
        await record(env, uow)

    sub = Subscription("test", "fragile", bindings=("test.ThingHappened",), handler=flaky)
    await broker.declare_topology([sub])
    await broker.consume(sub, pool, EventStore("test"))
    env = thing_envelope()
    await broker.publish("test.ThingHappened", env)
    queue = f"{bus_namespace}test.fragile"

    async def dead_lettered() -> bool:
        return len(await list_dead_letters(amqp_url, queue)) == 1

    await wait_until(dead_lettered, timeout=20, interval=0.3)
    listed = await list_dead_letters(amqp_url, queue)
    assert listed[0]["message_id"] == str(env.event_id)
    assert listed[0]["type"] == "ThingHappened"
    assert await pool.fetchval("SELECT count(*) FROM seen") == 0
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0  # failures roll back

    healthy.set()
    assert await replay_dead_letters(amqp_url, queue) == 1
    await wait_until(lambda: pool.fetchval("SELECT count(*) = 1 FROM seen"), timeout=10)
    assert await list_dead_letters(amqp_url, queue) == []


async def test_only_one_relay_is_active_per_service(pool, broker, database_url):
    relays = [OutboxRelay(database_url, broker, "test", poll_interval=0.1) for _ in range(2)]
    tasks = [asyncio.create_task(r.run()) for r in relays]
    try:
        await asyncio.sleep(0.5)
        assert sorted(r.is_leader for r in relays) == [False, True]
        leader = next(i for i, r in enumerate(relays) if r.is_leader)
        tasks[leader].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await tasks[leader]
        standby = relays[1 - leader]
        for _ in range(50):
            if standby.is_leader:
                break
            await asyncio.sleep(0.1)
        assert standby.is_leader  # the stand-by takes over when the leader goes away
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t


async def test_a_database_outage_holds_messages_instead_of_dead_lettering_them(
    pool, broker, amqp_url, bus_namespace
):
    kills = 0

    async def handler(env: Envelope, uow: UnitOfWork) -> None:
        conn = uow.conn
        nonlocal kills
        if kills < 6:  # more outages than the delivery limit (2) allows failures
            kills += 1
            # The server really drops this session, as it does on a restart.
            await conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        await record(env, uow)

    sub = Subscription("test", "patient", bindings=("test.ThingHappened",), handler=handler)
    await broker.declare_topology([sub])
    await broker.consume(sub, pool, EventStore("test"))
    await broker.publish("test.ThingHappened", thing_envelope())
    await wait_until(lambda: pool.fetchval("SELECT count(*) = 1 FROM seen"), timeout=30)
    assert kills == 6
    assert await list_dead_letters(amqp_url, f"{bus_namespace}test.patient") == []

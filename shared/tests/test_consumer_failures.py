"""Inbox consumers: a handler's own failure is dead-lettered even when it looks like an I/O error,
while a real database outage is waited out (see test_bus)."""

from __future__ import annotations

import asyncio

import pytest
from shared.dlq import list_dead_letters
from shared.events import Envelope, Event
from shared.eventstore import EventStore
from shared.subscriptions import Subscription
from shared.testing.publish import envelope_of
from shared.uow import UnitOfWork


class ThingHappened(Event):
    producer = "test"

    n: int


def thing_envelope() -> Envelope:
    return envelope_of(ThingHappened(n=1), stream_type="thing", stream_id="s1")


@pytest.mark.parametrize(
    "failure",
    [
        FileNotFoundError("/blobs/ab/cd: no such file"),
        TimeoutError("the handler's own call timed out"),
    ],
    ids=["missing-file", "own-timeout"],
)
async def test_a_handler_failing_with_an_io_error_while_the_database_is_up_is_dead_lettered(
    pool, broker, amqp_url: str, bus_namespace: str, failure: Exception
):
    # These look like the errors of a lost database connection, but the database answers: the
    # message is at fault, and holding it for ever would stop the whole queue behind it.
    attempts = 0

    async def handler(env: Envelope, uow: UnitOfWork) -> None:
        nonlocal attempts
        attempts += 1
        raise failure

    sub = Subscription("test", "fragile", bindings=("test.ThingHappened",), handler=handler)
    await broker.declare_topology([sub])
    await broker.consume(sub, pool, EventStore("test"))
    await broker.publish("test.ThingHappened", thing_envelope())
    queue = f"{bus_namespace}test.fragile"
    deadline = asyncio.get_running_loop().time() + 30
    while not await list_dead_letters(amqp_url, queue):
        assert asyncio.get_running_loop().time() < deadline, f"held after {attempts} attempts"
        await asyncio.sleep(0.1)
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0

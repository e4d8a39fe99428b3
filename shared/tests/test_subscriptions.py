"""Typed subscriptions: bindings from event classes, typed dispatch, and a unit of work inside
the inbox transaction that survives a version clash (real PostgreSQL)."""

from __future__ import annotations

import uuid

from shared.aggregate import Aggregate
from shared.bus import InboxConsumer
from shared.contracts.billing import PurchaseCompleted
from shared.events import Envelope, Event, now
from shared.eventstore import EventStore
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork, run_command


class TallyBumped(Event):
    producer = "tests"
    by: int


class Tally(Aggregate):
    stream_type = "tally"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.total = 0

    def bump(self, by: int) -> None:
        self._record(TallyBumped(by=by))

    def when_TallyBumped(self, e: TallyBumped) -> None:
        self.total += e.by


def envelope(event: Event, stream_id: str = "s1") -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=event.type_name(),
        producer=event.producer_name(),
        stream_type="x",
        stream_id=stream_id,
        version=1,
        occurred_at=now(),
        data=event.to_data(),
    )


def test_bindings_come_from_the_event_classes() -> None:
    sub = Subscription("svc", "work")

    @sub.on(PurchaseCompleted)
    async def a(e: PurchaseCompleted, env: Envelope, uow: UnitOfWork) -> None: ...

    @sub.on(TallyBumped, PurchaseCompleted)
    async def b(e: Event, env: Envelope, uow: UnitOfWork) -> None: ...

    assert sub.queue == "svc.work"
    assert sub.bindings == ("billing.PurchaseCompleted", "tests.TallyBumped")


async def test_handlers_get_the_typed_event_and_a_unit_of_work_retried_on_a_clash(pool) -> None:
    store = EventStore("tests")
    sub = Subscription("tests", "tally")
    seen: list[int] = []
    clashed = False

    @sub.on(TallyBumped)
    async def bump(e: TallyBumped, env: Envelope, uow: UnitOfWork) -> None:
        nonlocal clashed
        assert isinstance(e, TallyBumped)
        seen.append(e.by)
        tally = await uow.load(Tally, "t1")
        if not clashed:
            clashed = True  # another writer moves the stream after our load: a version clash

            async def other(u: UnitOfWork) -> None:
                t = await u.load(Tally, "t1")
                t.bump(100)
                await u.save(t)

            await run_command(pool, store, other)
        tally.bump(e.by)
        await uow.save(tally)

    consumer = InboxConsumer(sub, pool, store)
    env = envelope(TallyBumped(by=5))
    assert await consumer.handle(env) is True
    assert await consumer.handle(env) is False  # the inbox: handled once
    assert seen == [5, 5]  # retried once from a fresh load after the clash
    async with pool.acquire() as conn:
        total = Tally.fold("t1", [e.event() for e in await store.load(conn, "t1")])  # type: ignore[misc]
        assert total.total == 105
        assert await conn.fetchval("SELECT count(*) FROM inbox") == 1


async def test_an_event_without_a_handler_is_recorded_and_skipped(pool) -> None:
    sub = Subscription("tests", "quiet")
    consumer = InboxConsumer(sub, pool, EventStore("tests"))
    assert await consumer.handle(envelope(TallyBumped(by=1))) is True

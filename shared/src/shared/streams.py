"""Stream consumers: read a RabbitMQ stream queue with the offset kept in our own database.

    events = StreamSubscription("analytics")              # reads the `analytics.events` stream

    @events.on(PurchaseCompleted)
    async def sale(event: PurchaseCompleted, envelope: Envelope, uow: UnitOfWork) -> None:
        await uow.conn.execute("UPDATE persona_slots SET purchases = purchases + 1 ...")

Unlike a queue, a stream keeps its messages and every consumer chooses where to start. The
consumer's position is the row `stream_offsets(consumer)`, written in the same transaction as the
handlers' updates, so a crash never loses or repeats an event: at start (and after every robust
reconnect) it subscribes at the stored offset + 1, and anything at or below the stored offset is
skipped. An event published twice (a lost publisher confirm) sits at two offsets; the kernel
inbox, keyed by event id, makes the second one harmless too.

Messages that arrive together are applied in one transaction (a batch): one inbox statement for
the whole batch, the handlers, and the batch's last offset. A reader that must keep up with
thousands of events a second registers a batch handler instead of per-event ones:

    @events.on_batch(PurchaseCompleted, PersonaDownloaded)
    async def figures(items: Sequence[tuple[Event, Envelope]], uow: UnitOfWork) -> None:
        ...  # fold the batch in memory, then one set-based statement per table

It gets the batch's fresh events of those types in stream order (duplicates already dropped by
the inbox, unknown types never), after the per-event handlers of the same batch. If a handler
fails, the batch is rolled back and its messages are applied one by one, so only the failing one
is retried. A message that still
fails after `max_attempts` is recorded in `stream_failures` and skipped (a stream cannot
dead-letter, and one bad event must not stop every figure); a lost database is waited out.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import asyncpg
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustChannel, AbstractRobustQueue
from opentelemetry.trace import Span

from shared import telemetry
from shared.bus import ANALYTICS_STREAM, Broker
from shared.events import Envelope, Event
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.metrics import STREAM_BATCH_SECONDS
from shared.outages import DATABASE_UNAVAILABLE, connection_lost
from shared.subscriptions import TypedHandlers
from shared.uow import UnitOfWork

log = get_logger(__name__)

BatchHandler = Callable[[Sequence[tuple[Any, Envelope]], UnitOfWork], Awaitable[None]]


@dataclass(eq=False)
class StreamSubscription(TypedHandlers):
    """A named reader of a stream queue and its typed handlers, one list per event class.

    `consumer` names the offset row (and the inbox rows); `start` is where a consumer with no
    stored offset begins: "first" (replay everything the stream still holds), "last" or "next".
    """

    consumer: str
    stream: str = ANALYTICS_STREAM
    _: KW_ONLY
    start: str = "first"
    prefetch: int = 500
    max_batch: int = 200
    max_attempts: int = 5
    _batch_handlers: list[tuple[frozenset[str], BatchHandler]] = field(
        default_factory=list, init=False, repr=False
    )

    def __post_init__(self) -> None:
        TypedHandlers.__init__(self)  # the per-class handler lists

    def on_batch(self, *event_types: type[Event]) -> Callable[[BatchHandler], BatchHandler]:
        """Register `handler(items, uow)` for a whole batch of these event classes; `items` are
        `(event, envelope)` pairs in stream order."""

        def wrap(fn: BatchHandler) -> BatchHandler:
            self._batch_handlers.append((frozenset(c.type_name() for c in event_types), fn))
            return fn

        return wrap

    @property
    def types(self) -> tuple[str, ...]:
        names = dict.fromkeys(super().types)
        for kinds, _ in self._batch_handlers:
            names.update(dict.fromkeys(sorted(kinds)))
        return tuple(names)

    async def dispatch(self, envelope: Envelope, uow: UnitOfWork) -> None:
        """Run the handlers for this envelope; unknown types (and unknown fields) are ignored."""
        await self.dispatch_many([envelope], uow)

    async def dispatch_many(self, envelopes: Sequence[Envelope], uow: UnitOfWork) -> None:
        """Per-event handlers for each envelope in order, then each batch handler once."""
        batched = frozenset().union(*(kinds for kinds, _ in self._batch_handlers))
        parsed: list[tuple[Event, Envelope]] = []
        for envelope in envelopes:
            handlers = self._handlers.get(envelope.type, [])
            if not handlers and envelope.type not in batched:
                continue
            event = envelope.event()
            if event is None:
                continue
            for handler in handlers:
                await handler(event, envelope, uow)
            parsed.append((event, envelope))
        for kinds, batch_handler in self._batch_handlers:
            items = [(e, env) for e, env in parsed if env.type in kinds]
            if items:
                await batch_handler(items, uow)


async def stored_offset(conn: asyncpg.Connection | asyncpg.Pool, consumer: str) -> int | None:
    value = await conn.fetchval('SELECT "offset" FROM stream_offsets WHERE consumer = $1', consumer)
    return int(value) if value is not None else None


class _Failed(Exception):
    """A handler failed inside a batch (the batch was rolled back)."""


class StreamConsumer:
    """Feeds one `StreamSubscription` from its stream queue; see the module docstring."""

    def __init__(
        self, subscription: StreamSubscription, pool: asyncpg.Pool, store: EventStore
    ) -> None:
        self.sub = subscription
        self.pool = pool
        self.store = store
        self.position: int | None = None  # the last offset committed (None: nothing yet)
        self._pending: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._queue: AbstractRobustQueue | None = None
        self._tag: str | None = None
        self._worker: asyncio.Task[None] | None = None
        self.applied = asyncio.Event()  # set after every commit (tests wait on it)

    async def start(self, broker: Broker) -> None:
        assert broker.connection is not None
        channel: AbstractRobustChannel = await broker.connection.channel()  # type: ignore[assignment]
        await channel.set_qos(prefetch_count=self.sub.prefetch)
        self._queue = await channel.get_queue(broker.name(self.sub.stream))  # type: ignore[assignment]
        # A robust channel would restore the consumer with the offset it first had; we
        # re-subscribe ourselves, after the offset stored last.
        channel.reopen_callbacks.add(self._resubscribe)
        if self._worker is None:
            self._worker = asyncio.create_task(self._work())
        await self._subscribe()

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._worker
            self._worker = None

    async def _subscribe(self) -> None:
        assert self._queue is not None
        self.position = await stored_offset(self.pool, self.sub.consumer)
        start: int | str = self.position + 1 if self.position is not None else self.sub.start
        self._tag = await self._queue.consume(
            self._pending.put, arguments={"x-stream-offset": start}, robust=False
        )
        log.info("stream subscribed", consumer=self.sub.consumer, offset=start)

    async def _resubscribe(self, *_: Any) -> None:
        try:
            await self._subscribe()
        except Exception as exc:  # the next reconnect tries again
            log.warning("stream re-subscribe failed", consumer=self.sub.consumer, error=repr(exc))

    async def _work(self) -> None:
        while True:
            batch = [await self._pending.get()]
            while len(batch) < self.sub.max_batch and not self._pending.empty():
                batch.append(self._pending.get_nowait())
            started = time.perf_counter()
            span = self._batch_span(batch) if telemetry.enabled() else None
            try:
                await self._apply_through_outages(batch)
            finally:
                if span is not None:
                    span.end()
            STREAM_BATCH_SECONDS.labels(self.store.producer, self.sub.consumer).observe(
                time.perf_counter() - started
            )
            # One ack for the batch (`multiple`: every earlier delivery on the channel too); a
            # message from a channel closed meanwhile is re-read after the offset, then skipped.
            channels = {}
            for message in batch:
                channels[id(message.channel)] = message  # the last one of each channel
            for message in channels.values():
                with contextlib.suppress(Exception):
                    await message.ack(multiple=True)
            self.applied.set()
            self.applied = asyncio.Event()

    def _batch_span(self, batch: Sequence[AbstractIncomingMessage]) -> Span | None:
        """One span per batch, linked to the trace of each message in it (the publisher's
        context is in the message headers)."""
        parents = []
        for message in batch:
            value = (message.headers or {}).get("traceparent")
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if isinstance(value, str):
                parents.append({"traceparent": value})
        return telemetry.batch_span(
            f"apply {self.sub.stream}",
            self.store.producer,
            parents,
            **{"messaging.batch.message_count": len(batch), "stream.consumer": self.sub.consumer},
        )

    async def _apply_through_outages(self, batch: Sequence[AbstractIncomingMessage]) -> None:
        """Apply the batch; a failing batch is split into single messages, a single message is
        retried and finally recorded and skipped; a lost database is waited out."""
        delay = 0.1
        attempts = 0
        while True:
            try:
                await self._apply(batch)
                return
            except _Failed as exc:
                if len(batch) > 1:
                    for message in batch:
                        await self._apply_through_outages([message])
                    return
                attempts += 1
                if attempts >= self.sub.max_attempts:
                    await self._skip(batch[0], exc.__cause__ or exc)
                    return
                await asyncio.sleep(min(0.05 * 2**attempts, 2.0))
            except DATABASE_UNAVAILABLE as exc:
                log.warning("database unavailable; holding the stream", error=repr(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _skip(self, message: AbstractIncomingMessage, error: BaseException) -> None:
        offset = _offset(message)
        log.error(
            "stream message skipped after failures",
            consumer=self.sub.consumer,
            offset=offset,
            error=repr(error),
        )
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                'INSERT INTO stream_failures (consumer, "offset", body, error)'
                " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                self.sub.consumer,
                offset,
                message.body.decode("utf-8", "replace"),
                repr(error),
            )
            await self._store_offset(conn, offset)
        self.position = offset

    async def _apply(self, batch: Sequence[AbstractIncomingMessage]) -> None:
        last = self.position
        async with self.pool.acquire() as conn, conn.transaction():
            stored = await conn.fetchval(
                'SELECT "offset" FROM stream_offsets WHERE consumer = $1 FOR UPDATE',
                self.sub.consumer,
            )
            envelopes = []
            for message in batch:
                offset = _offset(message)
                if stored is not None and offset <= stored:
                    continue  # already applied (a re-subscription or another replica)
                stored = offset
                last = offset
                try:
                    envelopes.append(Envelope.from_bytes(message.body))
                except Exception:
                    log.warning("unreadable stream message ignored", offset=offset)
            await self._apply_envelopes(conn, envelopes)
            if last is not None and last != self.position:
                await self._store_offset(conn, last)
        self.position = last

    async def _apply_envelopes(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> None:
        """The handled ones not seen before (one inbox statement), to the handlers at once."""
        handled = set(self.sub.types)
        unique: dict[Any, Envelope] = {}
        for envelope in envelopes:
            if envelope.type in handled:
                unique.setdefault(envelope.event_id, envelope)  # twice in one batch: once
        if not unique:
            return
        fresh_ids = {
            r["event_id"]
            for r in await conn.fetch(
                "INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[])"
                " ON CONFLICT DO NOTHING RETURNING event_id",
                self.sub.consumer,
                list(unique),
            )
        }
        fresh = [e for e in unique.values() if e.event_id in fresh_ids]
        if not fresh:
            return  # the same events published again: at other offsets, applied once
        try:
            # No savepoint per event: a failure, a version clash included, rolls the batch
            # back and its messages are retried one by one.
            await self.sub.dispatch_many(fresh, UnitOfWork(conn, self.store))
        except DATABASE_UNAVAILABLE as exc:
            if connection_lost(exc):
                raise
            raise _Failed(fresh[0].type) from exc
        except Exception as exc:
            raise _Failed(fresh[0].type) from exc

    async def apply_history(self, envelopes: Sequence[Envelope], batch: int = 5000) -> None:
        """Apply envelopes that never came through the stream (a producer's exported `events`
        table, when the stream no longer holds them). The inbox makes the ones the stream still
        has harmless when they arrive later; offsets are not touched. Large batches: the
        handlers' statements are set-based, so their count, not the rows, sets the pace (an
        analytics rebuild of 150,000 events: 55 s at 500 a batch, 26 s at 2,000, 21 s at 5,000)."""
        for start in range(0, len(envelopes), batch):
            async with self.pool.acquire() as conn, conn.transaction():
                await self._apply_envelopes(conn, envelopes[start : start + batch])
            done = min(start + batch, len(envelopes))
            log.info("history applied", consumer=self.sub.consumer, done=done, of=len(envelopes))

    async def _store_offset(self, conn: asyncpg.Connection, offset: int) -> None:
        await conn.execute(
            'INSERT INTO stream_offsets (consumer, "offset") VALUES ($1, $2)'
            ' ON CONFLICT (consumer) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()',
            self.sub.consumer,
            offset,
        )


def _offset(message: AbstractIncomingMessage) -> int:
    value = (message.headers or {}).get("x-stream-offset")
    if not isinstance(value, int):
        raise ValueError("a stream message without x-stream-offset")
    return value

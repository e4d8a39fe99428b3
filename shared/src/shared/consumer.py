"""The inbox-guarded consumer behind `Broker.consume`: one message at a time, each handled once
per event id in one transaction, acked after commit; database outages are waited out, handler
failures are retried by the queue and dead-lettered past its delivery limit."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable
from typing import Any

import asyncpg
from aio_pika.abc import AbstractIncomingMessage
from opentelemetry.trace import SpanKind

from shared import telemetry
from shared.context import set_metadata
from shared.events import Envelope
from shared.eventstore import ConcurrencyError, EventStore
from shared.logging import bind_contextvars, get_logger
from shared.metrics import CONSUMER_SECONDS
from shared.outages import DATABASE_UNAVAILABLE, connection_lost
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

log = get_logger(__name__)

CLASH_RETRIES = 8


class InboxConsumer:
    """Processes one message at a time (FIFO), acking only after the transaction committed."""

    def __init__(self, subscription: Subscription, pool: asyncpg.Pool, store: EventStore) -> None:
        self.name = subscription.queue
        self.subscription = subscription
        self.pool = pool
        self.store = store
        self._lock = asyncio.Lock()

    async def handle(self, envelope: Envelope) -> bool:
        """Run the handler once per event id; False when this event was handled before."""
        set_metadata(
            correlation_id=envelope.correlation_id or str(envelope.event_id),
            causation_id=str(envelope.event_id),
            actor_id=envelope.actor_id,
        )
        # A version clash rolls the whole inbox transaction back and runs it again from a fresh
        # load: no savepoint, so the common case costs no extra round trips.
        async with self.pool.acquire() as conn:
            for attempt in range(CLASH_RETRIES + 1):
                try:
                    async with conn.transaction():
                        fresh = await conn.fetchval(
                            "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2)"
                            " ON CONFLICT DO NOTHING RETURNING 1",
                            self.name,
                            envelope.event_id,
                        )
                        if not fresh:
                            return False
                        await self.subscription.dispatch(envelope, UnitOfWork(conn, self.store))
                        return True
                except ConcurrencyError:
                    if attempt == CLASH_RETRIES:
                        raise
                    await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))
        raise AssertionError("unreachable")

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with self._lock:
            try:
                envelope = Envelope.from_bytes(message.body)
            except Exception:
                log.error("unreadable message dead-lettered", consumer=self.name)
                await message.reject(requeue=False)
                return
            bind_contextvars(
                correlation_id=envelope.correlation_id, event_id=str(envelope.event_id)
            )
            started = time.perf_counter()
            outcome = "handled"
            try:
                with self._traced(message, envelope):
                    handled = await self._handle_through_outages(message, envelope)
            except Exception:
                outcome = "failed"
                deliveries = _delivery_count(message)
                log.exception(
                    "handler failed; message returned to the queue",
                    consumer=self.name,
                    event_type=envelope.type,
                    deliveries=deliveries,
                )
                # Back off a little so a failing dependency is not hammered; the quorum queue
                # counts the redelivery and dead-letters the message past its delivery limit.
                await asyncio.sleep(min(0.05 * 2**deliveries, 2.0))
                await _settle(message.nack(requeue=True))
                return
            finally:
                CONSUMER_SECONDS.labels(self.subscription.service, self.name, outcome).observe(
                    time.perf_counter() - started
                )
            if handled:
                await _settle(message.ack())

    def _traced(
        self, message: AbstractIncomingMessage, envelope: Envelope
    ) -> contextlib.AbstractContextManager[Any]:
        """The message's consumer span, continuing the publisher's trace (nothing when off)."""
        if not telemetry.enabled():
            return contextlib.nullcontext()
        return telemetry.span(
            f"process {self.name}",
            self.subscription.service,
            kind=SpanKind.CONSUMER,
            parent=_trace_parent(message, envelope),
            attributes={
                "messaging.destination.name": self.name,
                "messaging.message.id": str(envelope.event_id),
                "event.type": envelope.type,
            },
        )

    async def _handle_through_outages(
        self, message: AbstractIncomingMessage, envelope: Envelope
    ) -> bool:
        """Handle the envelope, waiting out database outages: losing the database is not the
        message's fault, so it is held (unacked) and retried instead of being counted towards the
        dead-letter limit. False when the channel died meanwhile (the broker redelivers it)."""
        delay = 0.1
        while True:
            try:
                await self.handle(envelope)
                return True
            except DATABASE_UNAVAILABLE as exc:
                if not connection_lost(exc) and await self._database_answers():
                    # An I/O error or timeout of the handler's own (a missing file, a slow
                    # service) while the database is fine: the message's failure, to be counted
                    # and dead-lettered, not held for ever in front of the whole queue.
                    raise
                if _channel_closed(message):
                    return False
                log.warning(
                    "database unavailable; holding the message",
                    consumer=self.name,
                    error=repr(exc),
                    retry_in=delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _database_answers(self) -> bool:
        try:
            async with self.pool.acquire(timeout=5) as conn:
                await conn.fetchval("SELECT 1", timeout=5)
        except Exception:
            return False
        return True


def _channel_closed(message: AbstractIncomingMessage) -> bool:
    channel = getattr(message, "channel", None)
    return bool(getattr(channel, "is_closed", False))


async def _settle(op: Awaitable[Any]) -> None:
    # After a reconnect the old channel is gone: the broker redelivers and the inbox skips it.
    try:
        await op
    except Exception as exc:
        log.warning("ack/nack on a closed channel", error=repr(exc))


def _trace_parent(message: AbstractIncomingMessage, envelope: Envelope) -> dict[str, str]:
    """The publish span's context from the headers, else the appending span's from the envelope."""
    headers = message.headers or {}
    parent = headers.get("traceparent")
    if isinstance(parent, bytes):
        parent = parent.decode("latin-1")
    if isinstance(parent, str) and parent:
        state = headers.get("tracestate")
        if isinstance(state, bytes):
            state = state.decode("latin-1")
        return {"traceparent": parent, **({"tracestate": state} if isinstance(state, str) else {})}
    if envelope.traceparent:
        return {"traceparent": envelope.traceparent, "tracestate": envelope.tracestate or ""}
    return {}


def _delivery_count(message: AbstractIncomingMessage) -> int:
    value = (message.headers or {}).get("x-delivery-count", 0)
    return int(value) if isinstance(value, int) else 0

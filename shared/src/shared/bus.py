"""RabbitMQ: the topology, publishing with confirms, and inbox-guarded consumers.

One durable topic exchange `domain-events`, routing key `<service>.<EventType>`. Each consumer is
a durable quorum queue `<service>.<purpose>` with a delivery limit; a message that keeps failing is
dead-lettered to `<queue>.dlq`, where `python -m shared.dlq` lists and replays it. Every event is
also bound to the stream queue `analytics.events`, so no publish is ever unroutable. The whole
topology is declared at start-up, before anything publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, ClassVar

import aio_pika
import asyncpg
from aio_pika.abc import (
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractRobustChannel,
    AbstractRobustConnection,
)
from opentelemetry.trace import SpanKind

from shared import telemetry
from shared.context import set_metadata
from shared.events import Envelope
from shared.eventstore import ConcurrencyError, EventStore
from shared.logging import bind_contextvars, get_logger
from shared.metrics import CONSUMER_SECONDS
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

log = get_logger(__name__)

EXCHANGE = "domain-events"
ANALYTICS_STREAM = "analytics.events"
REVOCATIONS_STREAM = "auth.revocations"
REVOCATION_EVENTS = ("identity.SessionRevoked", "identity.UserSuspended")


class PublishFailed(Exception):
    """The broker did not confirm a message (returned, nacked, timed out or connection lost)."""


class Broker:
    # Names declared per namespace, so tests can delete their private topology afterwards.
    declared: ClassVar[dict[str, set[tuple[str, str]]]] = {}

    def __init__(
        self,
        url: str,
        namespace: str = "",
        *,
        publish_timeout: float = 10.0,
        prefetch: int = 32,
        delivery_limit: int = 5,
        stream_max_age: str = "30D",
        connection_label: str = "creator-platform",
    ) -> None:
        self.connection_label = connection_label
        self.url = url
        self.ns = namespace
        self.publish_timeout = publish_timeout
        self.prefetch = prefetch
        self.delivery_limit = delivery_limit
        self.stream_max_age = stream_max_age
        self.connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractRobustChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._consumer_channels: list[AbstractRobustChannel] = []

    def name(self, base: str) -> str:
        return f"{self.ns}{base}"

    async def connect(self) -> None:
        self.connection = await aio_pika.connect_robust(
            self.url,
            reconnect_interval=1.0,
            client_properties={"connection_name": f"{self.ns}{self.connection_label}"},
        )
        self._publish_channel = await self.connection.channel(  # type: ignore[assignment]
            publisher_confirms=True, on_return_raises=True
        )

    async def connect_until_ready(self, setup: Callable[[], Awaitable[None]]) -> None:
        """Connect and run `setup` (declare, consume, ...), retrying with backoff until both
        succeed, so a process starts and keeps working while the broker is down."""
        delay = 0.2
        while True:
            try:
                await self.connect()
                await setup()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("broker not reachable yet; retrying", error=repr(exc))
                with contextlib.suppress(Exception):
                    await self.close()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
            self.connection = None

    async def declare_topology(self, subscriptions: Iterable[Subscription] = ()) -> None:
        assert self.connection is not None
        names = Broker.declared.setdefault(self.ns, set())
        names.update(
            {
                ("exchange", self.name(EXCHANGE)),
                ("exchange", self.name(EXCHANGE + ".dlx")),
                ("queue", self.name(ANALYTICS_STREAM)),
                ("queue", self.name(REVOCATIONS_STREAM)),
            }
        )
        for sub in subscriptions:
            names.update(
                {("queue", self.name(sub.queue)), ("queue", self.name(sub.queue) + ".dlq")}
            )
        channel = await self.connection.channel()
        try:
            exchange = await channel.declare_exchange(
                self.name(EXCHANGE), aio_pika.ExchangeType.TOPIC, durable=True
            )
            dlx = await channel.declare_exchange(
                self.name(EXCHANGE + ".dlx"), aio_pika.ExchangeType.DIRECT, durable=True
            )
            stream = await channel.declare_queue(
                self.name(ANALYTICS_STREAM),
                durable=True,
                arguments={"x-queue-type": "stream", "x-max-age": self.stream_max_age},
            )
            await stream.bind(exchange, routing_key="#")
            revocations = await channel.declare_queue(
                self.name(REVOCATIONS_STREAM),
                durable=True,
                arguments={"x-queue-type": "stream", "x-max-age": "1h"},
            )
            for key in REVOCATION_EVENTS:
                await revocations.bind(exchange, routing_key=key)
            for sub in subscriptions:
                queue_name = self.name(sub.queue)
                dlq = await channel.declare_queue(
                    queue_name + ".dlq", durable=True, arguments={"x-queue-type": "quorum"}
                )
                await dlq.bind(dlx, routing_key=queue_name)
                queue = await channel.declare_queue(
                    queue_name,
                    durable=True,
                    arguments={
                        "x-queue-type": "quorum",
                        "x-delivery-limit": self.delivery_limit,
                        "x-dead-letter-exchange": self.name(EXCHANGE + ".dlx"),
                        "x-dead-letter-routing-key": queue_name,
                    },
                )
                for key in sub.bindings:
                    await queue.bind(exchange, routing_key=key)
        finally:
            await channel.close()

    async def _exchange_for_publish(self) -> AbstractExchange:
        if self._exchange is None:
            assert self._publish_channel is not None, "connect() first"
            self._exchange = await self._publish_channel.get_exchange(self.name(EXCHANGE))
        return self._exchange

    async def publish_many(
        self,
        items: Sequence[tuple[str, str, bytes]],
        headers: Sequence[dict[str, str]] | None = None,
    ) -> int:
        """Publish `(message_id, routing_key, body)` in order; return how many were confirmed.

        Confirmations are awaited together (one round trip for the batch), and the count is of
        the unbroken confirmed prefix: the caller keeps everything after the first failure and
        publishes it again, so per-stream order survives a lost connection. `headers`, one dict
        per item, go out as message headers (the trace context).
        """
        if not items:
            return 0
        exchange = await self._exchange_for_publish()

        async def one(
            message_id: str, routing_key: str, body: bytes, extra: dict[str, str] | None
        ) -> None:
            message = aio_pika.Message(
                body,
                headers=dict(extra) if extra else None,
                message_id=message_id,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await exchange.publish(
                message, routing_key, mandatory=True, timeout=self.publish_timeout
            )

        results = await asyncio.gather(
            *(
                asyncio.wait_for(one(*item, headers[i] if headers else None), self.publish_timeout)
                for i, item in enumerate(items)
            ),
            return_exceptions=True,
        )
        confirmed = 0
        for result in results:
            if isinstance(result, BaseException):
                log.warning("publish failed", error=repr(result))
                self._exchange = None
                break
            confirmed += 1
        return confirmed

    async def publish(self, routing_key: str, envelope: Envelope) -> None:
        done = await self.publish_many([(str(envelope.event_id), routing_key, envelope.to_bytes())])
        if done != 1:
            raise PublishFailed(routing_key)

    async def consume(
        self, subscription: Subscription, pool: asyncpg.Pool, store: EventStore
    ) -> None:
        """Handle the queue's messages one at a time, in order, each in one inbox-guarded transaction."""
        assert self.connection is not None
        channel: AbstractRobustChannel = await self.connection.channel()  # type: ignore[assignment]
        await channel.set_qos(prefetch_count=self.prefetch)
        self._consumer_channels.append(channel)
        queue = await channel.get_queue(self.name(subscription.queue))
        consumer = InboxConsumer(subscription, pool, store)
        await queue.consume(consumer.on_message)


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
                if not _connection_lost(exc) and await self._database_answers():
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


# Errors that only ever mean the database connection is gone: held without asking.
CONNECTION_LOST: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, crash shutdown, starting up
    asyncpg.exceptions.TooManyConnectionsError,
)


def _connection_lost(exc: BaseException) -> bool:
    # The transaction's exit often reports a lost connection as a plain InterfaceError, with
    # the real cause chained behind it.
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, CONNECTION_LOST):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# These may also be the handler's own failure; held only while the database does not answer.
DATABASE_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, crash shutdown, starting up
    asyncpg.exceptions.TooManyConnectionsError,
)


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

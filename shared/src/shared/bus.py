"""RabbitMQ: the topology, publishing with confirms, and inbox-guarded consumers.

One durable topic exchange `domain-events`, routing key `<service>.<EventType>`. Each consumer is
a durable quorum queue `<service>.<purpose>` with a delivery limit; a message that keeps failing is
dead-lettered to `<queue>.dlq`, where `python -m shared.dlq` lists and replays it. Every event is
also bound to the stream queue `analytics.events`, so no publish is ever unroutable. The whole
topology is declared at start-up, before anything publishes.

The consumer itself lives in `shared.consumer`, the database-outage rules in `shared.outages`;
both are re-exported here for callers that import them from the bus.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar, cast

import aio_pika
import aiormq
import asyncpg
from aio_pika.abc import AbstractExchange, AbstractRobustChannel, AbstractRobustConnection
from aiormq import spec

from shared.consumer import InboxConsumer
from shared.events import Envelope
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.outages import DATABASE_UNAVAILABLE, connection_lost
from shared.subscriptions import Subscription

log = get_logger(__name__)

EXCHANGE = "domain-events"
ANALYTICS_STREAM = "analytics.events"
REVOCATIONS_STREAM = "auth.revocations"
REVOCATION_EVENTS = ("identity.SessionRevoked", "identity.UserSuspended")

Properties = spec.Basic.Properties
_PERSISTENT = int(aio_pika.DeliveryMode.PERSISTENT)


class PublishFailed(Exception):
    """The broker did not confirm a message (returned, nacked, timed out or connection lost)."""


@dataclass(eq=False, repr=False)  # compared by identity; no repr (the URL holds a password)
class Broker:
    """A connection to the broker, in a namespace (tests run in a private one)."""

    # Names declared per namespace, so tests can delete their private topology afterwards.
    declared: ClassVar[dict[str, set[tuple[str, str]]]] = {}

    url: str
    namespace: str = ""
    _: KW_ONLY
    publish_timeout: float = 10.0
    prefetch: int = 32
    delivery_limit: int = 5
    stream_max_age: str = "30D"
    connection_label: str = "creator-platform"
    connection: AbstractRobustConnection | None = field(default=None, init=False)
    _publish_channel: AbstractRobustChannel | None = field(default=None, init=False)
    _exchange: AbstractExchange | None = field(default=None, init=False)
    _consumer_channels: list[AbstractRobustChannel] = field(default_factory=list, init=False)

    def name(self, base: str) -> str:
        return f"{self.namespace}{base}"

    async def connect(self) -> None:
        self.connection = await aio_pika.connect_robust(
            self.url,
            reconnect_interval=1.0,
            client_properties={"connection_name": f"{self.namespace}{self.connection_label}"},
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
        names = Broker.declared.setdefault(self.namespace, set())
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
        headers: Sequence[dict[str, Any]] | None = None,
    ) -> int:
        """Publish `(message_id, routing_key, body)` in order; return how many were confirmed.

        Confirmations are awaited together (one round trip for the batch), and the count is of
        the unbroken confirmed prefix: the caller keeps everything after the first failure and
        publishes it again, so per-stream order survives a lost connection. `headers`, one dict
        per item, go out as message headers (the trace context).
        """
        if not items:
            return 0
        # Straight to the underlying aiormq channel: no aio_pika.Message per item (it copies
        # and converts every property) and no wait_for task per item. basic_publish applies
        # the timeout to its whole publish (the write and the confirmation), and the channel
        # was opened with on_return_raises, so a returned message still fails here. wait=False:
        # no drain of the socket after each message (a batch is bounded by the relay's batch
        # size); each message is still awaited until the broker confirms it.
        assert self._publish_channel is not None, "connect() first"
        try:
            exchange = await self._exchange_for_publish()
            underlay = await self._publish_channel.get_underlay_channel()
            channel = cast(aiormq.Channel, underlay)  # the concrete one: it takes `wait`
        except Exception as exc:  # a closed or reconnecting channel: nothing was sent
            log.warning("publish failed", error=repr(exc))
            self._exchange = None
            return 0
        publish = channel.basic_publish
        name = exchange.name
        timeout = self.publish_timeout
        results = await asyncio.gather(
            *(
                publish(
                    body,
                    exchange=name,
                    routing_key=routing_key,
                    properties=Properties(
                        headers=headers[i] if headers and headers[i] else None,
                        message_id=message_id,
                        content_type="application/json",
                        delivery_mode=_PERSISTENT,
                    ),
                    mandatory=True,
                    timeout=timeout,
                    wait=False,
                )
                for i, (message_id, routing_key, body) in enumerate(items)
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


__all__ = [
    "ANALYTICS_STREAM",
    "DATABASE_UNAVAILABLE",
    "EXCHANGE",
    "REVOCATIONS_STREAM",
    "REVOCATION_EVENTS",
    "Broker",
    "InboxConsumer",
    "PublishFailed",
    "Subscription",
    "connection_lost",
]

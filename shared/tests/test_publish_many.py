"""`Broker.publish_many` on the real RabbitMQ: what a relayed message carries, and that a batch
that cannot be sent counts as unconfirmed instead of raising."""

from __future__ import annotations

import aio_pika
import pytest
from shared.bus import Broker, PublishFailed
from shared.events import Event
from shared.subscriptions import Subscription
from shared.testing.publish import envelope_of


class ParcelSent(Event):
    producer = "test"

    n: int


async def test_published_messages_carry_id_type_persistence_and_headers(broker: Broker) -> None:
    sub = Subscription("test", "parcels", bindings=(ParcelSent.routing_key(),))
    await broker.declare_topology([sub])
    envs = [
        envelope_of(ParcelSent(n=n), stream_type="parcel", stream_id="p", version=n)
        for n in (1, 2, 3)
    ]
    items = [(str(e.event_id), ParcelSent.routing_key(), e.to_bytes()) for e in envs]
    headers = [{"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}, {}, {"k": "v"}]

    assert await broker.publish_many(items, headers=headers) == 3

    assert broker.connection is not None
    channel = await broker.connection.channel()
    try:
        queue = await channel.get_queue(broker.name(sub.queue))
        got = []
        for _ in items:
            message = await queue.get(timeout=10)
            assert message is not None
            got.append(message)
            await message.ack()
    finally:
        await channel.close()
    assert [m.message_id for m in got] == [str(e.event_id) for e in envs]
    assert [m.body for m in got] == [e.to_bytes() for e in envs]
    assert {m.content_type for m in got} == {"application/json"}
    assert {m.delivery_mode for m in got} == {aio_pika.DeliveryMode.PERSISTENT}
    # (the quorum queue adds its own x-delivery-count)
    sent = [{k: v for k, v in (m.headers or {}).items() if k != "x-delivery-count"} for m in got]
    assert sent == headers


async def test_a_batch_without_an_exchange_is_unconfirmed_not_raised(
    amqp_url: str, bus_namespace: str
) -> None:
    # The topology of this namespace was never declared: nothing can be published.
    broker = Broker(amqp_url, bus_namespace + "undeclared.", publish_timeout=5)
    await broker.connect()
    try:
        env = envelope_of(ParcelSent(n=1), stream_type="parcel", stream_id="p", version=1)
        item = (str(env.event_id), ParcelSent.routing_key(), env.to_bytes())
        assert await broker.publish_many([item, item]) == 0
        with pytest.raises(PublishFailed):
            await broker.publish(ParcelSent.routing_key(), env)
    finally:
        await broker.close()

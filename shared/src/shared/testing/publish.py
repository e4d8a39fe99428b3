"""Publish another service's event into a service's consumers, as that service's relay would."""

from __future__ import annotations

import uuid
from datetime import datetime

from shared.bus import Broker
from shared.events import Envelope, Event, now


async def publish_event(
    broker: Broker,
    event: Event,
    *,
    routing_key: str | None = None,
    stream_type: str = "test",
    stream_id: str | None = None,
    version: int = 1,
    occurred_at: datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> Envelope:
    """Wrap `event` in an envelope and publish it on the test's exchange. The routing key
    (default: the event class's own, `<producer>.<EventName>`) names the producer."""
    key = routing_key or event.routing_key()
    envelope = Envelope(
        event_id=event_id or uuid.uuid4(),
        type=event.type_name(),
        producer=key.split(".")[0],
        stream_type=stream_type,
        stream_id=stream_id or str(uuid.uuid4()),
        version=version,
        occurred_at=occurred_at or now(),
        data=event.to_data(),
    )
    await broker.publish(key, envelope)
    return envelope

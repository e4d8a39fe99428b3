"""Publish another service's event into a service's consumers, as that service's relay would."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.bus import Broker
from shared.events import Envelope, Event, now


def envelope_of(
    event: Event,
    *,
    producer: str | None = None,
    stream_type: str = "test",
    stream_id: str | None = None,
    version: int = 1,
    occurred_at: datetime | None = None,
    event_id: uuid.UUID | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Envelope:
    """`event` in the envelope its producer's outbox would send (producer: the event class's);
    `extra` adds fields to its data (as a newer producer's would carry)."""
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        type=event.type_name(),
        producer=producer or event.producer_name(),
        stream_type=stream_type,
        stream_id=stream_id or str(uuid.uuid4()),
        version=version,
        occurred_at=occurred_at or now(),
        data={**event.to_data(), **(extra or {})},
    )


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
    envelope = envelope_of(
        event,
        producer=key.split(".")[0],
        stream_type=stream_type,
        stream_id=stream_id,
        version=version,
        occurred_at=occurred_at,
        event_id=event_id,
    )
    await broker.publish(key, envelope)
    return envelope

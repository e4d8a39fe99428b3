"""Publish another service's event into a service's consumers, as that service's relay would."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict, Unpack

from shared.bus import Broker
from shared.events import Envelope, Event, now


class EnvelopeFields(TypedDict, total=False):
    """Where the event seems to come from; each has a default (a fresh `test` stream, version 1,
    now, a new event id)."""

    stream_type: str
    stream_id: str | None
    version: int
    occurred_at: datetime | None
    event_id: uuid.UUID | None


def envelope_of(
    event: Event,
    *,
    producer: str | None = None,
    extra: Mapping[str, Any] | None = None,
    **fields: Unpack[EnvelopeFields],
) -> Envelope:
    """`event` in the envelope its producer's outbox would send (producer: the event class's);
    `extra` adds fields to its data (as a newer producer's would carry)."""
    return Envelope(
        event_id=fields.get("event_id") or uuid.uuid4(),
        type=event.type_name(),
        producer=producer or event.producer_name(),
        stream_type=fields.get("stream_type", "test"),
        stream_id=fields.get("stream_id") or str(uuid.uuid4()),
        version=fields.get("version", 1),
        occurred_at=fields.get("occurred_at") or now(),
        data={**event.to_data(), **(extra or {})},
    )


async def publish_event(
    broker: Broker,
    event: Event,
    *,
    routing_key: str | None = None,
    **fields: Unpack[EnvelopeFields],
) -> Envelope:
    """Wrap `event` in an envelope and publish it on the test's exchange. The routing key
    (default: the event class's own, `<producer>.<EventName>`) names the producer."""
    key = routing_key or event.routing_key()
    envelope = envelope_of(event, producer=key.split(".")[0], **fields)
    await broker.publish(key, envelope)
    return envelope

"""`Envelope.from_bytes` (one pydantic-core pass over the bytes) keeps the envelope's rules:
unknown fields ignored, old schema versions upcast, unreadable bodies refused; and the typed
event is decoded once per envelope."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
from shared.events import Envelope, Event, register_upcaster
from shared.testing.publish import envelope_of


class LampLit(Event):
    producer = "test"
    schema_version: ClassVar[int] = 2

    room: str
    watts: int


@register_upcaster("LampLit", 1)
def _lamp_v1(data: dict[str, Any]) -> dict[str, Any]:
    return {"room": data["where"], "watts": data.get("power", 40)}


def _body(**changes: Any) -> bytes:
    env = envelope_of(LampLit(room="hall", watts=60), stream_type="lamp", stream_id="l1")
    raw = {**json.loads(env.to_bytes()), "schema_version": 2, **changes}
    return json.dumps(raw).encode()


def test_round_trip_with_unknown_fields_ignored() -> None:
    body = _body(newer_envelope_field=1, data={"room": "hall", "watts": 60, "colour": "red"})
    env = Envelope.from_bytes(body)
    assert env.type == "LampLit" and env.stream_id == "l1"
    assert env.event() == LampLit(room="hall", watts=60)
    assert Envelope.from_bytes(env.to_bytes()).event() == env.event()


def test_an_old_schema_version_is_upcast() -> None:
    env = Envelope.from_bytes(_body(schema_version=1, data={"where": "attic"}))
    assert env.event() == LampLit(room="attic", watts=40)


def test_the_typed_event_is_decoded_once() -> None:
    env = Envelope.from_bytes(_body())
    first = env.event()
    assert first is not None and env.event() is first


def test_unknown_types_decode_to_none() -> None:
    env = Envelope.from_bytes(_body(type="NoSuchEvent"))
    assert env.event() is None


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"event_id": "x"}'])
def test_unreadable_bodies_are_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        Envelope.from_bytes(body)

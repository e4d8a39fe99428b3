"""Aggregates: plain classes that fold their events and decide, with no I/O."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from shared.events import Event


class Aggregate:
    """Subclasses set `stream_type` and define `when_<EventName>(self, event)` to fold events.

    Decision methods validate, then call `self._record(Event(...))`; the unit of work appends
    `pending` with the version the aggregate was loaded at.
    """

    stream_type: ClassVar[str]

    def __init__(self, stream_id: str) -> None:
        self.id = stream_id
        self.version = 0
        self.pending: list[Event] = []

    @property
    def exists(self) -> bool:
        return self.version > 0

    @property
    def loaded_version(self) -> int:
        return self.version - len(self.pending)

    def apply(self, event: Event) -> None:
        handler = getattr(self, f"when_{event.type_name()}", None)
        if handler is not None:
            handler(event)
        self.version += 1

    def _record(self, event: Event) -> None:
        self.apply(event)
        self.pending.append(event)

    @classmethod
    def fold(cls, stream_id: str, events: list[Event]) -> Self:
        agg = cls(stream_id)
        for event in events:
            agg.apply(event)
        return agg

    def __repr__(self) -> str:
        fields: dict[str, Any] = {k: v for k, v in vars(self).items() if k != "pending"}
        return f"{type(self).__name__}({fields})"

"""Per-request / per-message context carried into logs and event metadata."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Metadata:
    correlation_id: str | None = None
    causation_id: str | None = None
    actor_id: str | None = None


_current: ContextVar[Metadata] = ContextVar("event_metadata", default=Metadata())


def current_metadata() -> Metadata:
    return _current.get()


def set_metadata(**changes: str | None) -> None:
    _current.set(replace(_current.get(), **changes))

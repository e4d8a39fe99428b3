"""Helpers every read query shares: ids from the path, cursor values."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared.problems import Problem


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


def bad_cursor() -> Problem:
    return Problem(
        "The cursor is not valid; start again from the first page.", code="invalid_cursor"
    )


def cursor_value(kind: str, value: Any) -> Any:
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "uuid":
            return uuid.UUID(str(value))
        if kind == "ts":
            return datetime.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise bad_cursor() from exc
    raise bad_cursor()


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value

"""Keyset pagination: opaque cursors carrying the last row's sort key."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from shared.problems import Problem

T = TypeVar("T")
U = TypeVar("U")
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None

    def map(self, view: Callable[[T], U]) -> Page[U]:
        """The same page with each item turned into its view model."""
        return Page[U](items=[view(item) for item in self.items], next_cursor=self.next_cursor)


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, json.JSONDecodeError) as exc:
        raise Problem(
            "The cursor is not valid; start again from the first page.", code="invalid_cursor"
        ) from exc
    if not isinstance(values, list):
        raise Problem("The cursor is not valid.", code="invalid_cursor")
    return values


async def limit_param(limit: int = Query(20, ge=1, le=MAX_LIMIT)) -> int:
    return limit


def page_of(rows: list[T], limit: int, key: Any) -> Page[T]:
    """Rows fetched with LIMIT limit+1: the extra row only says there is a next page."""
    more = len(rows) > limit
    items = rows[:limit]
    next_cursor = encode_cursor(key(items[-1])) if more and items else None
    return Page[T](items=items, next_cursor=next_cursor)


def newest_first_key(row: Any) -> list[Any]:
    """The cursor of a list sorted by `(created_at, id)` descending (pair with `after_key`)."""
    return [row["created_at"].isoformat(), row["id"]]


def after_key(cursor: str | None) -> tuple[datetime, str] | None:
    """The `(created_at, id)` a newest-first list continues after; 400 for a foreign cursor."""
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        created_at, row_id = values
        when = datetime.fromisoformat(str(created_at))
    except (ValueError, TypeError) as exc:
        raise Problem("The cursor is not valid.", code="invalid_cursor") from exc
    if when.tzinfo is None:
        raise Problem("The cursor is not valid.", code="invalid_cursor")
    return when, str(row_id)

"""Keyset pagination: opaque cursors carrying the last row's sort key."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from fastapi import Query
from pydantic import BaseModel

from shared.problems import Problem

T = TypeVar("T")
U = TypeVar("U")
MAX_LIMIT = 100
# A cursor is a short flat list of sort-key values; anything longer or deeper is not ours.
MAX_CURSOR_CHARS = 1024
MAX_CURSOR_VALUES = 8
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"
Kind = Literal["int", "str", "ts", "uuid", "float"]
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_INT64 = 2**63


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None

    def map(self, view: Callable[[T], U]) -> Page[U]:
        """The same page with each item turned into its view model."""
        return Page[U](items=[view(item) for item in self.items], next_cursor=self.next_cursor)


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def invalid_cursor(
    detail: str = "The cursor is not valid; start again from the first page.",
) -> Problem:
    return Problem(detail, code="invalid_cursor", title="Invalid cursor")


def _scalar_ok(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= 256 and not _BAD_CHARS.search(value)
    return False


def _typed(kind: Kind, value: Any) -> Any:
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "uuid" and isinstance(value, str):
        return uuid.UUID(value)
    if kind == "ts" and isinstance(value, str):
        ts = datetime.fromisoformat(value)
        if ts.tzinfo is None:
            raise ValueError("a cursor's timestamps carry their offset")
        return ts
    raise ValueError(f"not a {kind}")


def decode_cursor(cursor: str | None, kinds: Sequence[Kind] | None = None) -> list[Any] | None:
    """The sort-key values of a cursor from `encode_cursor`, or a 400 `invalid_cursor`.

    Whatever a client sends, the result is a flat list of at most 8 small scalars (64-bit
    integers, finite floats, short strings without NUL or lone surrogates); with `kinds` it
    also has exactly that shape, each value converted (`ts` → aware datetime, `uuid` → UUID).
    """
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_CHARS:
        raise invalid_cursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise invalid_cursor() from exc
    if not isinstance(values, list) or len(values) > MAX_CURSOR_VALUES:
        raise invalid_cursor()
    if not all(_scalar_ok(v) for v in values):
        raise invalid_cursor()
    if kinds is None:
        return values
    if len(values) != len(kinds):
        raise invalid_cursor()
    try:
        return [_typed(kind, v) for kind, v in zip(kinds, values, strict=True)]
    except ValueError as exc:
        raise invalid_cursor() from exc


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
    values = decode_cursor(cursor, ("ts", "str"))
    return (values[0], values[1]) if values is not None else None


def cursor_json(value: Any) -> Any:
    """A sort-key value as it goes into a cursor (timestamps ISO, uuids as text)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def typed_cursor_value(kind: Kind, value: Any) -> Any:
    """A cursor value back to its SQL type (`int`, `float`, `str`, `uuid`, `ts`); 400 if bad."""
    try:
        return _typed(kind, value)
    except (TypeError, ValueError) as exc:
        raise invalid_cursor() from exc


@dataclass(frozen=True)
class Key:
    """One column of a keyset order: its SQL expression, the result column holding its value,
    its cursor kind and direction."""

    sql: str
    column: str
    kind: Kind
    direction: Literal["ASC", "DESC"] = "DESC"


class Keyset:
    """A keyset order and its cursor, so a list query writes no paging code of its own:

    ks = Keyset(Key("r.created_at", "created_at", "ts"), Key("r.id", "id", "uuid"))
    args = [persona_id]
    cond = "r.persona_id = $1" + ks.after(cursor, args)      # appends the cursor's values
    args.append(limit + 1)
    rows = await db.fetch(f"... WHERE {cond} ORDER BY {ks.order_by} LIMIT ${len(args)}", *args)
    return ks.page(rows, limit)                                # Page of the rows
    """

    def __init__(self, *keys: Key) -> None:
        self.keys = keys

    @property
    def order_by(self) -> str:
        return ", ".join(f"{k.sql} {k.direction}" for k in self.keys)

    def after(self, cursor: str | None, args: list[Any]) -> str:
        """` AND <rows past the cursor>` ('' on the first page); its values go onto `args`."""
        values = decode_cursor(cursor)
        if values is None:
            return ""
        if len(values) != len(self.keys):
            raise invalid_cursor()
        params = []
        for key, value in zip(self.keys, values, strict=True):
            args.append(typed_cursor_value(key.kind, value))
            params.append(f"${len(args)}")
        if len({k.direction for k in self.keys}) == 1:  # one row comparison walks the index
            op = "<" if self.keys[0].direction == "DESC" else ">"
            cols = ", ".join(k.sql for k in self.keys)
            return f" AND ({cols}) {op} ({', '.join(params)})"
        # Mixed directions: (a past x) OR (a = x AND b past y) OR ...
        ors = []
        for i, key in enumerate(self.keys):
            same = [f"{k.sql} = {p}" for k, p in zip(self.keys[:i], params[:i], strict=True)]
            op = "<" if key.direction == "DESC" else ">"
            ors.append("(" + " AND ".join([*same, f"{key.sql} {op} {params[i]}"]) + ")")
        return " AND (" + " OR ".join(ors) + ")"

    def page(self, rows: Sequence[T], limit: int) -> Page[T]:
        """`page_of` with the cursor made of the last row's key columns."""
        return page_of(
            list(rows),
            limit,
            lambda row: [cursor_json(row[k.column]) for k in self.keys],  # type: ignore[index]
        )

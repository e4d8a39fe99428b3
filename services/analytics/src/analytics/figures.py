"""The write side of the figures, shared by the stream consumer and the view beacon.

Figures are kept per UTC quarter hour (`slot`), so that they can be summed by the days of any
time zone. A `Changes` folds many events in memory (one stream batch, or a rebuild's replay of
the view log) and writes them with one set-based statement per table (`tables.py`: the table,
then its day and month rollups), rows in key order (two writers never lock the same rows in
opposite orders).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from analytics.tables import (
    COUNTS,
    FOLLOWER_SLOTS,
    PERSONA_SLOTS,
    REVENUE_SLOTS,
    SOURCE_SLOTS,
    TABLES,
    TREND_HOURLY,
    VIEW_VISITORS,
    Table,
    statement,
)

# Trending points per signal. A purchase is the strongest sign of interest, a free acquisition
# next, a download (an owner coming back for a version) then, a view (cheap, noisy) the least.
TREND_POINTS = {"purchase": 10.0, "acquisition": 5.0, "download": 3.0, "view": 1.0}


def slot_of(at: datetime) -> datetime:
    """The start of the UTC quarter hour `at` falls in."""
    utc = at.astimezone(UTC)
    return utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)


def hour_of(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class Changes:
    """Increments to the figure tables, folded in memory (additions commute, so the order of
    the events within the fold does not matter): per table, key → (carried, sums)."""

    def __init__(self) -> None:
        self.rows: dict[Table, dict[tuple[Any, ...], tuple[tuple[Any, ...], list[Any]]]] = {
            t: {} for t in TABLES
        }
        self.as_of: datetime | None = None

    def add(
        self, table: Table, key: tuple[Any, ...], carried: tuple[Any, ...] = (), **sums: Any
    ) -> None:
        _, row = self.rows[table].setdefault(key, (carried, [0] * len(table.sums)))
        for i, (name, _) in enumerate(table.sums):
            row[i] += sums.get(name, 0)

    def bump(self, persona_id: str, creator_id: str, at: datetime, **counts: int) -> None:
        """Add `counts` to the persona's figures of `at`'s quarter hour."""
        if not set(counts) <= set(COUNTS):
            raise ValueError(f"unknown counters: {set(counts) - set(COUNTS)}")
        self.add(PERSONA_SLOTS, (persona_id, slot_of(at)), (creator_id,), **counts)

    def money(
        self, persona_id: str, creator_id: str, at: datetime, currency: str, **money: int
    ) -> None:
        """Add gross, creator_revenue, refunded and refunded_creator (minor units)."""
        self.add(REVENUE_SLOTS, (persona_id, slot_of(at), currency.lower()), (creator_id,), **money)

    def sale(
        self,
        persona_id: str,
        creator_id: str,
        at: datetime,
        currency: str,
        counter: str,
        **money: int,
    ) -> None:
        """One purchase or refund (`counter`) and its money."""
        self.bump(persona_id, creator_id, at, **{counter: 1})
        self.money(persona_id, creator_id, at, currency, **money)

    def view(
        self,
        persona_id: str,
        creator_id: str,
        visitor: str,
        at: datetime,
        source: str,
        referrer_domain: str,
    ) -> None:
        slot = slot_of(at)
        self.bump(persona_id, creator_id, at, views=1)
        self.add(VIEW_VISITORS, (persona_id, slot, visitor))
        self.add(SOURCE_SLOTS, (persona_id, slot, source, referrer_domain), (creator_id,), views=1)
        self.signal(persona_id, at, "view")

    def signal(self, persona_id: str, at: datetime, kind: str) -> None:
        self.add(TREND_HOURLY, (persona_id, hour_of(at)), points=TREND_POINTS[kind])

    def follower(self, creator_id: str, at: datetime, *, gained: int = 0, lost: int = 0) -> None:
        self.add(FOLLOWER_SLOTS, (creator_id, slot_of(at)), gained=gained, lost=lost)

    def applied(self, at: datetime) -> None:
        self.as_of = at if self.as_of is None else max(self.as_of, at)

    async def write(self, conn: asyncpg.Connection) -> None:
        """One statement per table that has rows (its rollups included), rows in key order."""
        for table in TABLES:
            rows = self.rows[table]
            if not rows:
                continue
            keys = sorted(rows)
            full = [(*k, *rows[k][0], *rows[k][1]) for k in keys]
            await conn.execute(statement(table), *(list(col) for col in zip(*full, strict=True)))
        if self.as_of is not None:
            await conn.execute(
                "UPDATE applied SET event_at = greatest(coalesce(event_at, $1), $1)", self.as_of
            )

"""The write side of the figures, shared by the stream consumer and the view beacon.

Figures are kept per UTC quarter hour (`slot`), so that they can be summed by the days of any
time zone. A `Changes` folds many events in memory (one stream batch, or one view) and writes
them with one set-based upsert per table, rows in key order (two writers never lock the same
rows in opposite orders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg

COUNTS = ("views", "acquisitions", "purchases", "refunds", "downloads")

# Trending points per signal. A purchase is the strongest sign of interest, a free acquisition
# next, a download (an owner coming back for a version) then, a view (cheap, noisy) the least.
TREND_POINTS = {"purchase": 10.0, "acquisition": 5.0, "download": 3.0, "view": 1.0}


def slot_of(at: datetime) -> datetime:
    """The start of the UTC quarter hour `at` falls in."""
    utc = at.astimezone(UTC)
    return utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)


def hour_of(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass
class Changes:
    """Increments to the figure tables, folded in memory (additions commute, so the order of
    the events within the fold does not matter)."""

    counts: dict[tuple[str, datetime], tuple[str, list[int]]] = field(default_factory=dict)
    revenue: dict[tuple[str, datetime, str], tuple[str, list[int]]] = field(default_factory=dict)
    sources: dict[tuple[str, datetime, str, str], tuple[str, list[int]]] = field(
        default_factory=dict
    )
    visitors: set[tuple[str, datetime, str]] = field(default_factory=set)
    trend: dict[tuple[str, datetime], float] = field(default_factory=dict)
    followers: dict[tuple[str, datetime], list[int]] = field(default_factory=dict)
    as_of: datetime | None = None

    def bump(self, persona_id: str, creator_id: str, at: datetime, **counts: int) -> None:
        """Add `counts` to the persona's figures of `at`'s quarter hour."""
        if not set(counts) <= set(COUNTS):
            raise ValueError(f"unknown counters: {set(counts) - set(COUNTS)}")
        _, row = self.counts.setdefault((persona_id, slot_of(at)), (creator_id, [0] * len(COUNTS)))
        for name, n in counts.items():
            row[COUNTS.index(name)] += n

    def money(
        self,
        persona_id: str,
        creator_id: str,
        at: datetime,
        currency: str,
        *,
        gross: int = 0,
        creator_revenue: int = 0,
        refunded: int = 0,
        refunded_creator: int = 0,
    ) -> None:
        _, row = self.revenue.setdefault(
            (persona_id, slot_of(at), currency.lower()), (creator_id, [0, 0, 0, 0])
        )
        for i, n in enumerate((gross, creator_revenue, refunded, refunded_creator)):
            row[i] += n

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
        self.visitors.add((persona_id, slot, visitor))
        _, row = self.sources.setdefault(
            (persona_id, slot, source, referrer_domain), (creator_id, [0])
        )
        row[0] += 1
        self.signal(persona_id, at, "view")

    def signal(self, persona_id: str, at: datetime, kind: str) -> None:
        key = (persona_id, hour_of(at))
        self.trend[key] = self.trend.get(key, 0.0) + TREND_POINTS[kind]

    def follower(self, creator_id: str, at: datetime, *, gained: int = 0, lost: int = 0) -> None:
        row = self.followers.setdefault((creator_id, slot_of(at)), [0, 0])
        row[0] += gained
        row[1] += lost

    def applied(self, at: datetime) -> None:
        self.as_of = at if self.as_of is None else max(self.as_of, at)

    async def write(self, conn: asyncpg.Connection) -> None:
        if self.counts:
            keys = sorted(self.counts)
            cols = ", ".join(COUNTS)
            await conn.execute(
                f"INSERT INTO persona_slots (persona_id, slot, creator_id, {cols})"
                " SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[],"
                " $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])"
                " ON CONFLICT (persona_id, slot) DO UPDATE SET "
                + ", ".join(f"{c} = persona_slots.{c} + EXCLUDED.{c}" for c in COUNTS),
                [k[0] for k in keys],
                [k[1] for k in keys],
                [self.counts[k][0] for k in keys],
                *([self.counts[k][1][i] for k in keys] for i in range(len(COUNTS))),
            )
        if self.revenue:
            rkeys = sorted(self.revenue)
            await conn.execute(
                "INSERT INTO revenue_slots (persona_id, slot, currency, creator_id, gross,"
                " creator_revenue, refunded, refunded_creator)"
                " SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[],"
                " $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])"
                " ON CONFLICT (persona_id, slot, currency) DO UPDATE SET"
                " gross = revenue_slots.gross + EXCLUDED.gross,"
                " creator_revenue = revenue_slots.creator_revenue + EXCLUDED.creator_revenue,"
                " refunded = revenue_slots.refunded + EXCLUDED.refunded,"
                " refunded_creator = revenue_slots.refunded_creator + EXCLUDED.refunded_creator",
                [k[0] for k in rkeys],
                [k[1] for k in rkeys],
                [k[2] for k in rkeys],
                [self.revenue[k][0] for k in rkeys],
                *([self.revenue[k][1][i] for k in rkeys] for i in range(4)),
            )
        if self.visitors:
            vkeys = sorted(self.visitors)
            await conn.execute(
                "INSERT INTO view_visitors (persona_id, slot, visitor)"
                " SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[])"
                " ON CONFLICT DO NOTHING",
                [k[0] for k in vkeys],
                [k[1] for k in vkeys],
                [k[2] for k in vkeys],
            )
        if self.sources:
            skeys = sorted(self.sources)
            await conn.execute(
                "INSERT INTO source_slots (persona_id, slot, source, referrer_domain,"
                " creator_id, views) SELECT * FROM unnest($1::text[], $2::timestamptz[],"
                " $3::text[], $4::text[], $5::text[], $6::int[])"
                " ON CONFLICT (persona_id, slot, source, referrer_domain)"
                " DO UPDATE SET views = source_slots.views + EXCLUDED.views",
                [k[0] for k in skeys],
                [k[1] for k in skeys],
                [k[2] for k in skeys],
                [k[3] for k in skeys],
                [self.sources[k][0] for k in skeys],
                [self.sources[k][1][0] for k in skeys],
            )
        if self.trend:
            tkeys = sorted(self.trend)
            await conn.execute(
                "INSERT INTO trend_hourly (persona_id, hour, points)"
                " SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[])"
                " ON CONFLICT (persona_id, hour)"
                " DO UPDATE SET points = trend_hourly.points + EXCLUDED.points",
                [k[0] for k in tkeys],
                [k[1] for k in tkeys],
                [self.trend[k] for k in tkeys],
            )
        if self.followers:
            fkeys = sorted(self.followers)
            await conn.execute(
                "INSERT INTO follower_slots (creator_id, slot, gained, lost)"
                " SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[])"
                " ON CONFLICT (creator_id, slot) DO UPDATE SET"
                " gained = follower_slots.gained + EXCLUDED.gained,"
                " lost = follower_slots.lost + EXCLUDED.lost",
                [k[0] for k in fkeys],
                [k[1] for k in fkeys],
                [self.followers[k][0] for k in fkeys],
                [self.followers[k][1] for k in fkeys],
            )
        if self.as_of is not None:
            await conn.execute(
                "UPDATE applied SET event_at = greatest(coalesce(event_at, $1), $1)", self.as_of
            )

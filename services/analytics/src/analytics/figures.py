"""The write side of the figures, shared by the stream handlers and the view beacon."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

COUNTS = frozenset({"views", "unique_viewers", "acquisitions", "purchases", "refunds", "downloads"})

# Trending points per signal. A purchase is the strongest sign of interest, a free acquisition
# next, a download (an owner coming back for a version) then, a view (cheap, noisy) the least.
TREND_POINTS = {"purchase": 10.0, "acquisition": 5.0, "download": 3.0, "view": 1.0}


async def bump(
    conn: asyncpg.Connection, persona_id: str, creator_id: str, day: date, **counts: int
) -> None:
    """Add `counts` to the persona's figures of `day`."""
    cols = sorted(counts)
    if not set(cols) <= COUNTS:
        raise ValueError(f"unknown counters: {set(cols) - COUNTS}")
    names = ", ".join(cols)
    params = ", ".join(f"${i + 4}" for i in range(len(cols)))
    updates = ", ".join(f"{c} = persona_daily.{c} + EXCLUDED.{c}" for c in cols)
    await conn.execute(
        f"INSERT INTO persona_daily (persona_id, creator_id, day, {names})"
        f" VALUES ($1, $2, $3, {params})"
        f" ON CONFLICT (persona_id, day) DO UPDATE SET {updates}",
        persona_id,
        creator_id,
        day,
        *(counts[c] for c in cols),
    )


async def add_revenue(
    conn: asyncpg.Connection,
    persona_id: str,
    creator_id: str,
    day: date,
    currency: str,
    *,
    gross: int = 0,
    creator_revenue: int = 0,
    refunded: int = 0,
    refunded_creator: int = 0,
) -> None:
    await conn.execute(
        "INSERT INTO revenue_daily (persona_id, day, currency, creator_id, gross,"
        " creator_revenue, refunded, refunded_creator) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (persona_id, day, currency) DO UPDATE SET"
        " gross = revenue_daily.gross + EXCLUDED.gross,"
        " creator_revenue = revenue_daily.creator_revenue + EXCLUDED.creator_revenue,"
        " refunded = revenue_daily.refunded + EXCLUDED.refunded,"
        " refunded_creator = revenue_daily.refunded_creator + EXCLUDED.refunded_creator",
        persona_id,
        day,
        currency.lower(),
        creator_id,
        gross,
        creator_revenue,
        refunded,
        refunded_creator,
    )


async def add_trend(conn: asyncpg.Connection, persona_id: str, at: datetime, signal: str) -> None:
    await conn.execute(
        "INSERT INTO trend_hourly (persona_id, hour, points)"
        " VALUES ($1, date_trunc('hour', $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', $3)"
        " ON CONFLICT (persona_id, hour) DO UPDATE SET points = trend_hourly.points + EXCLUDED.points",
        persona_id,
        at,
        TREND_POINTS[signal],
    )


async def applied_at(conn: asyncpg.Connection, at: datetime) -> None:
    """Remember the time of the newest event applied (`as_of`)."""
    await conn.execute(
        "UPDATE applied SET event_at = greatest(coalesce(event_at, $1), $1)",
        at,
    )


def utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date()

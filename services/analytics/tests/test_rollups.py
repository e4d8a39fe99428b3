"""The day and month rollups give the figures the quarter-hour slots give, for any zone and
range: the series of a UTC-day zone and top personas (months + edge days + edge slots)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from analytics import queries
from shared.contracts.catalog import PersonaAcquired, PersonaDownloaded

ZONES = ("UTC", "Asia/Kolkata", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati")
RANGES = (
    (date(2026, 1, 1), date(2026, 12, 31)),  # whole months
    (date(2026, 1, 17), date(2026, 11, 3)),  # months and edge days
    (date(2026, 3, 30), date(2026, 4, 2)),  # across a month boundary, no whole month
    (date(2026, 6, 15), date(2026, 6, 15)),  # one local day: no whole UTC day elsewhere
)


async def test_rollups_sum_like_the_slots_in_every_zone(harness) -> None:
    h = harness
    creator = str(uuid.uuid4())
    start = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    personas = [await h.persona(creator, f"P{i}", at=start - timedelta(days=2)) for i in range(3)]
    for i in range(60):
        # Every ~6 days and 7 hours: times all around the clock, over the whole year.
        at = start + timedelta(hours=151 * i, minutes=7 * i)
        p = personas[i % 3]
        if i % 2:
            await h.sale(p, creator, f"b{i}", 500 + i, at=at)
        else:
            await h.publish(
                PersonaAcquired(persona_id=p, user_id=f"u{i}", creator_id=creator, source="free"),
                at=at,
            )
        await h.publish(
            PersonaDownloaded(persona_id=p, user_id=f"u{i}", creator_id=creator, version="1"),
            at=at + timedelta(minutes=i),
        )
    await h.caught_up()

    async with h.app.state.pool.acquire() as conn:
        for tz in ZONES:
            for first, last in RANGES:
                slots = await _top_from_slots(conn, creator, first, last, tz)
                top = await queries.top_personas(conn, creator, first, last, tz)
                assert {r["persona_id"]: _counts(r) for r in top} == slots, (tz, first, last)
        scope = ("creator_id", creator)
        for first, last in RANGES:
            for granularity in ("day", "month"):
                assert queries.grain_of(scope, first, last, "UTC") is queries.DAYS
                by_days = await queries.series(conn, scope, first, last, granularity, "UTC")
                by_slots = await queries.series(
                    conn, scope, first, last, granularity, "UTC", queries.SLOTS
                )
                assert by_days == by_slots, (first, last, granularity)


def _counts(row) -> tuple[int, ...]:
    return tuple(int(row[c]) for c in queries.COUNTERS)


async def _top_from_slots(conn, creator: str, first: date, last: date, tz: str) -> dict:
    rows = await conn.fetch(
        "SELECT p.persona_id, "
        + ", ".join(f"coalesce(sum(s.{c}), 0) AS {c}" for c in queries.COUNTERS)
        + " FROM personas p LEFT JOIN persona_slots s ON s.persona_id = p.persona_id"
        " AND s.slot >= $2::date::timestamp AT TIME ZONE $4"
        " AND s.slot < ($3::date + 1)::timestamp AT TIME ZONE $4"
        " WHERE p.creator_id = $1 GROUP BY p.persona_id",
        creator,
        first,
        last,
        tz,
    )
    return {r["persona_id"]: _counts(r) for r in rows}

"""Trending: an exponentially decayed score over the last 7 days.

    score(p, now) = Σ points(p, h) · 2^(-(now - h) / half_life)      over hours h in the window

with points per signal (`figures.TREND_POINTS`): purchase 10, free acquisition 5, download 3,
view 1, summed per persona and UTC hour as events arrive (`trend_hourly`, incremental), and a
half-life of 24 hours. Why an exponential decay rather than Hacker News' (age + 2)^gravity: the
decay applies to each *signal's* age, not the persona's, so an old persona that is suddenly
popular trends and a new one with no activity does not; the sum is additive, so it is kept per
hour as events arrive and read with one indexed range scan; and the 7-day window bounds the work
and the memory (a signal a week old weighs under 1% anyway).

Scores are recomputed every `trending_refresh_s` (and at start) into `trending_scores`, which
`GET /api/personas/trending` pages through. Catalog learns them by event: when the ranking
changed (or an hour passed) analytics appends `TrendingScoresUpdated` to its own event store,
and the outbox relay publishes it; catalog's `sort=trending` orders by the scores it received.
An event keeps catalog free of any runtime call to analytics (a down analytics leaves the last
known order in place) and fits how every other projection in catalog is fed.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg
from fastapi import FastAPI
from shared.contracts.analytics import PersonaScore, TrendingScoresUpdated
from shared.events import now as utc_now
from shared.eventstore import EventStore
from shared.logging import get_logger

from analytics.settings import AnalyticsSettings

log = get_logger(__name__)

STREAM = "trending"
PUBLISH_LIMIT = 1000
REPUBLISH_AFTER = timedelta(hours=1)


async def refresh(
    pool: asyncpg.Pool, store: EventStore, settings: AnalyticsSettings, now: datetime | None = None
) -> int:
    """Recompute every score; publish them when the ranking changed. Returns how many scored."""
    at = now or utc_now()
    half_life_s = settings.trending_half_life_h * 3600
    async with pool.acquire() as conn, conn.transaction():
        # One refresher at a time (replicas, or a test calling it while the loop runs).
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('trending', 0))")
        await conn.execute("DELETE FROM trending_scores")
        await conn.execute(
            "INSERT INTO trending_scores (persona_id, score, computed_at)"
            " SELECT t.persona_id, sum(t.points * power(0.5,"
            "  greatest(extract(epoch FROM $1 - t.hour), 0) / $2)), $1"
            " FROM trend_hourly t JOIN personas p ON p.persona_id = t.persona_id"
            " AND p.status = 'approved' AND NOT p.deleted"
            " WHERE t.hour > $1 - make_interval(days => $3) AND t.hour <= $1"
            " GROUP BY t.persona_id",
            at,
            half_life_s,
            settings.trending_window_days,
        )
        rows = await conn.fetch(
            "SELECT persona_id, score FROM trending_scores"
            " ORDER BY score DESC, persona_id DESC LIMIT $1",
            PUBLISH_LIMIT,
        )
        ranking = [r["persona_id"] for r in rows]
        last = await conn.fetchrow("SELECT ranking, published_at FROM trending_published")
        if (
            last is None
            or list(last["ranking"]) != ranking
            or at - last["published_at"] >= REPUBLISH_AFTER
        ):
            version = await conn.fetchval(
                "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", STREAM
            )
            event = TrendingScoresUpdated(
                computed_at=at,
                half_life_hours=settings.trending_half_life_h,
                window_days=settings.trending_window_days,
                scores=[PersonaScore(persona_id=r["persona_id"], score=r["score"]) for r in rows],
            )
            await store.append(conn, STREAM, STREAM, version, [event])
            await conn.execute(
                "INSERT INTO trending_published (id, ranking, published_at) VALUES (true, $1, $2)"
                " ON CONFLICT (id) DO UPDATE SET ranking = $1, published_at = $2",
                ranking,
                at,
            )
        return len(rows)


async def refresh_loop(app: FastAPI) -> None:
    settings: AnalyticsSettings = app.state.settings
    while True:
        try:
            await refresh(app.state.pool, app.state.store, settings)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the next round tries again
            log.warning("trending refresh failed", error=repr(exc))
        await asyncio.sleep(settings.trending_refresh_s)

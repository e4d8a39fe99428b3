"""sort=trending follows the scores analytics publishes (TrendingScoresUpdated on the bus)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.contracts.analytics import PersonaScore, TrendingScoresUpdated
from shared.testing.wait import eventually


def update(at: datetime, scores: dict[str, float]) -> TrendingScoresUpdated:
    return TrendingScoresUpdated(
        computed_at=at,
        half_life_hours=24,
        window_days=7,
        scores=[PersonaScore(persona_id=k, score=v) for k, v in scores.items()],
    )


async def test_trending_sort_uses_the_newest_scores_from_analytics(catalog) -> None:
    env = catalog
    creator = str(uuid.uuid4())
    a, b, c = [(await env.approved(creator, name=f"Persona {i}"))["id"] for i in range(3)]

    async def trending() -> list[str]:
        r = await env.http.get("/api/personas", params={"sort": "trending"})
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()["items"]]

    t0 = datetime.now(UTC)
    await env.publish(
        "analytics.TrendingScoresUpdated", update(t0, {b: 9.5, a: 2.0, "not-a-uuid": 1.0})
    )
    await eventually(trending, lambda ids: ids[:2] == [b, a])
    assert (await trending())[2] == c

    # An older computation arriving late changes nothing; a newer one replaces every score.
    await env.publish("analytics.TrendingScoresUpdated", update(t0 - timedelta(minutes=5), {c: 50}))
    await env.publish("analytics.TrendingScoresUpdated", update(t0 + timedelta(minutes=5), {c: 3}))
    await eventually(trending, lambda ids: ids[0] == c)
    scores = await env.fetchval(
        "SELECT array_agg(trending_score ORDER BY name) FROM personas WHERE id = ANY($1)",
        [uuid.UUID(x) for x in (a, b, c)],
    )
    assert scores == [0.0, 0.0, 3.0]

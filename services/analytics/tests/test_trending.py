"""Trending: decayed scores over the window, paginated, and published for catalog."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from analytics import trending
from shared.contracts.catalog import PersonaAcquired, PersonaCreated, PersonaDownloaded


async def test_scores_decay_with_the_signals_age_and_leave_the_window(harness) -> None:
    h = harness
    creator = str(uuid.uuid4())
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    a = await h.persona(creator, name="A", at=base - timedelta(days=20))
    b = await h.persona(creator, name="B", at=base - timedelta(days=20))
    old = await h.persona(creator, name="Old", at=base - timedelta(days=20))
    e = await h.persona(creator, name="E", at=base - timedelta(days=20))
    draft = str(uuid.uuid4())
    await h.publish(
        PersonaCreated(persona_id=draft, creator_id=creator, name="Draft", short_description="",
                       description="", category="x", tags=[], price_cents=0, currency="usd",
                       usage_terms={})
    )  # fmt: skip
    for _ in range(2):  # a day old: half weight
        await h.sale(a, creator, str(uuid.uuid4()), at=base - timedelta(hours=24))
    for _ in range(3):  # this hour: full weight
        await h.publish(
            PersonaAcquired(
                persona_id=b, user_id=str(uuid.uuid4()), creator_id=creator, source="free"
            ),
            at=base,
        )
    await h.sale(old, creator, str(uuid.uuid4()), at=base - timedelta(days=8))  # out of window
    await h.publish(
        PersonaDownloaded(persona_id=e, user_id="u", creator_id=creator, version="1.0.0"),
        at=base - timedelta(hours=48),
    )
    await h.publish(
        PersonaDownloaded(persona_id=draft, user_id="u", creator_id=creator, version="1.0.0"),
        at=base,
    )
    await h.caught_up()
    app = h.app
    assert await trending.refresh(app.state.pool, app.state.store, app.state.settings, base) == 3

    r = await h.http.get("/api/personas/trending", params={"limit": 2})
    assert r.status_code == 200, r.text
    first = r.json()
    assert [(i["name"], i["score"]) for i in first["items"]] == [
        ("B", pytest.approx(15.0)),
        ("A", pytest.approx(10.0)),
    ]
    r = await h.http.get(
        "/api/personas/trending", params={"limit": 2, "cursor": first["next_cursor"]}
    )
    second = r.json()
    assert [(i["name"], i["score"]) for i in second["items"]] == [("E", pytest.approx(0.75))]
    assert second["next_cursor"] is None

    # Published once for catalog; the same ranking again is not re-sent.
    await trending.refresh(
        app.state.pool, app.state.store, app.state.settings, base + timedelta(minutes=5)
    )
    events = await app.state.pool.fetch(
        "SELECT data FROM events WHERE type = 'TrendingScoresUpdated'"
    )
    assert len(events) == 1
    assert [s["persona_id"] for s in events[0]["data"]["scores"]] == [b, a, e]

    r = await h.http.get("/api/personas/trending", params={"cursor": "nonsense"})
    assert r.status_code == 400

"""Similar, also-downloaded and recommendations on a seeded scenario (real broker and database)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from analytics import trending
from shared.contracts.catalog import EntitlementRevoked, PersonaAcquired
from shared.contracts.identity import UserFollowed


async def acquire(h, persona_id: str, creator: str, user: str) -> None:
    await h.publish(
        PersonaAcquired(persona_id=persona_id, user_id=user, creator_id=creator, source="free")
    )


async def names(h, path: str, user: str | None = None, **params) -> list[str]:
    r = await h.http.get(path, params=params, headers=h.auth(user) if user else {})
    assert r.status_code == 200, r.text
    return [i["name"] for i in r.json()["items"]]


async def test_similar_personas_share_tags_text_and_category(harness) -> None:
    h = harness
    c = str(uuid.uuid4())
    coach = await h.persona(c, "Calm Coach", tags=["calm", "coach"], category="coaching",
                            description="A gentle coach for planning your week.")  # fmt: skip
    await h.persona(c, "Calm Mentor", tags=["calm", "mentor"], category="coaching",
                    description="A gentle mentor for planning your week.")  # fmt: skip
    await h.persona(c, "Coach Pro", tags=["coach"], category="fitness",
                    description="Hard workouts.", short="Sweat")  # fmt: skip
    await h.persona(c, "Spicy Chef", tags=["food"], category="cooking",
                    description="Recipes with chili.", short="Heat")  # fmt: skip
    await h.caught_up()
    r = await h.http.get(f"/api/personas/{coach}/similar")
    items = r.json()["items"]
    assert [i["name"] for i in items] == ["Calm Mentor", "Coach Pro"]
    assert items[0]["score"] > items[1]["score"] > 0
    page = await h.http.get(f"/api/personas/{coach}/similar", params={"limit": 1})
    rest = await h.http.get(
        f"/api/personas/{coach}/similar", params={"limit": 1, "cursor": page.json()["next_cursor"]}
    )
    assert [i["name"] for i in rest.json()["items"]] == ["Coach Pro"]
    assert (await h.http.get(f"/api/personas/{uuid.uuid4()}/similar")).status_code == 404


async def test_also_downloaded_counts_pairs_and_forgets_revoked_ones(harness) -> None:
    h = harness
    c = str(uuid.uuid4())
    a, b, d = [await h.persona(c, n) for n in ("Alpha", "Bravo", "Delta")]
    u1, u2, u3, u4 = (str(uuid.uuid4()) for _ in range(4))
    for user, held in ((u1, [a, b]), (u2, [a, b, d]), (u3, [a, d]), (u4, [a, b])):
        for p in held:
            await acquire(h, p, c, user)
    await acquire(h, a, c, u1)  # acquiring again changes nothing
    await h.caught_up()
    r = await h.http.get(f"/api/personas/{a}/also-downloaded")
    assert [(i["name"], i["score"]) for i in r.json()["items"]] == [("Bravo", 3), ("Delta", 2)]
    await h.publish(
        EntitlementRevoked(
            persona_id=b, user_id=u4, creator_id=c, transaction_id="t", reason="refund"
        )
    )
    await h.caught_up()
    r = await h.http.get(f"/api/personas/{b}/also-downloaded")
    assert [(i["name"], i["score"]) for i in r.json()["items"]] == [("Alpha", 2), ("Delta", 1)]


async def test_recommendations_follow_library_and_fall_back_to_trending(harness) -> None:
    h = harness
    c1, c2, reader = (str(uuid.uuid4()) for _ in range(3))
    held = await h.persona(c1, "Calm Coach", tags=["calm"], category="coaching")
    similar = await h.persona(c1, "Calm Mentor", tags=["calm"], category="coaching")
    also = await h.persona(c1, "Bread Baker", tags=["bread"], category="cooking",
                           description="Sourdough every day.", short="Loaves")  # fmt: skip
    followed_new = await h.persona(c2, "Night Poet", tags=["poetry"], category="writing",
                                   description="Verses at midnight.", short="Rhymes")  # fmt: skip
    own = await h.persona(reader, "My Own Calm", tags=["calm"], category="coaching")
    unrelated = await h.persona(c1, "Tax Helper", tags=["tax"], category="finance",
                                description="Quarterly filings.", short="Numbers")  # fmt: skip
    other = str(uuid.uuid4())
    for p in (held, also):
        await acquire(h, p, c1, other)
    await acquire(h, held, c1, reader)
    await h.publish(UserFollowed(follower_id=reader, followee_id=c2))
    await h.sale(unrelated, c1, other, at=datetime.now(UTC))  # trending only
    await h.caught_up()
    app = h.app
    await trending.refresh(app.state.pool, app.state.store, app.state.settings)

    r = await h.http.get("/api/recommendations", headers=h.auth(reader))
    assert r.status_code == 200, r.text
    items = {i["persona_id"]: i for i in r.json()["items"]}
    assert held not in items and own not in items
    assert "followed_creator" in items[followed_new]["reasons"]
    assert "also_downloaded" in items[also]["reasons"]
    assert "similar" in items[similar]["reasons"]
    assert items[unrelated]["reasons"] == ["trending"]
    assert items[unrelated]["score"] < min(items[p]["score"] for p in (followed_new, also, similar))

    newcomer = str(uuid.uuid4())
    fallback = await names(h, "/api/recommendations", newcomer)
    assert sorted(fallback) == sorted(await names(h, "/api/personas/trending"))
    assert len(fallback) == 3  # everything with activity this week
    assert (await h.http.get("/api/recommendations")).status_code == 401

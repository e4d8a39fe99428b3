"""In-app notifications: who gets what, paging, read state, grouping, redelivery."""

from __future__ import annotations

from typing import Any

from shared.contracts.catalog import PersonaApproved, PersonaCreated, PersonaRejected
from shared.contracts.identity import UserFollowed


async def test_a_sale_tells_the_creator_and_gives_the_buyer_a_receipt(harness: Any) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    other = await harness.user("olga")
    await harness.send(harness.sale(creator, buyer))

    creator_box = await harness.inbox(creator)
    assert [n["title"] for n in creator_box["items"]] == ["You earned $6.99: “Witty Chef” sold"]
    assert creator_box["unread_count"] == 1
    assert creator_box["items"][0]["category"] == "sales"
    buyer_box = await harness.inbox(buyer)
    assert buyer_box["items"][0]["kind"] == "receipt"
    assert buyer_box["items"][0]["title"] == "Receipt: “Witty Chef”, $10.79"
    assert (await harness.inbox(other))["items"] == []


async def test_pages_newest_first_and_read_state(harness: Any) -> None:
    creator = await harness.user("carla")
    buyers = [await harness.user(f"b{i}") for i in range(5)]
    for i, b in enumerate(buyers):
        await harness.send(harness.sale(creator, b, persona_name=f"P{i}"))

    r = await harness.get("/api/notifications", creator, params={"limit": 2})
    first = r.json()
    assert [n["title"].split("“")[1][:2] for n in first["items"]] == ["P4", "P3"]
    assert first["unread_count"] == 5 and first["next_cursor"]
    seen = [n["id"] for n in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = (
            await harness.get("/api/notifications", creator, params={"limit": 2, "cursor": cursor})
        ).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 5

    r = await harness.post(f"/api/notifications/{seen[0]}/read", creator)
    assert r.status_code == 200 and r.json() == {"unread_count": 4}
    # Someone else's notification is not found, and stays unread.
    r = await harness.post(f"/api/notifications/{seen[1]}/read", buyers[0])
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    unread = (await harness.get("/api/notifications", creator, params={"unread": "true"})).json()
    assert len(unread["items"]) == 4
    r = await harness.post("/api/notifications/read-all", creator)
    assert r.json() == {"unread_count": 0}
    assert (await harness.inbox(creator))["unread_count"] == 0
    assert (await harness.inbox(buyers[0]))["unread_count"] == 1  # their receipt


async def test_needs_a_token_and_rejects_bad_cursors(harness: Any) -> None:
    r = await harness.http.get("/api/notifications")
    assert r.status_code == 401
    user = await harness.user("u")
    r = await harness.get("/api/notifications", user, params={"cursor": "%%%"})
    assert r.status_code == 400
    r = await harness.get("/api/notifications", user, params={"limit": 1000})
    assert r.status_code == 422


async def test_followers_are_grouped_until_read(harness: Any) -> None:
    creator = await harness.user("carla")
    fans = [await harness.user(f"fan{i}") for i in range(4)]
    for fan in fans[:3]:
        await harness.send(UserFollowed(follower_id=fan, followee_id=creator))
    box = await harness.inbox(creator)
    assert len(box["items"]) == 1
    assert box["items"][0]["title"] == "3 new followers"
    assert box["items"][0]["count"] == 3
    await harness.post("/api/notifications/read-all", creator)
    await harness.send(UserFollowed(follower_id=fans[3], followee_id=creator))
    box = await harness.inbox(creator)
    assert [n["title"] for n in box["items"]] == ["fan3 followed you", "3 new followers"]


async def test_a_redelivered_event_notifies_once(harness: Any) -> None:
    creator = await harness.user("carla")
    fan = await harness.user("fan")
    event = UserFollowed(follower_id=fan, followee_id=creator)
    env = await harness.publish(event)
    await harness.processed(env)
    # the same event again (e.g. the producer's relay resent it after a crash)
    await harness.processed(await harness.publish(event, event_id=env.event_id))
    again = await harness.send(UserFollowed(follower_id=fan, followee_id=creator))
    assert again
    box = await harness.inbox(creator)
    assert [n["count"] for n in box["items"]] == [2]  # two real follow events, one redelivery


async def test_approval_and_rejection_reach_the_creator_only(harness: Any) -> None:
    creator = await harness.user("carla")
    other = await harness.user("olga")
    await harness.send(
        PersonaCreated(
            persona_id="p1",
            creator_id=creator,
            name="Witty Chef",
            short_description="",
            description="",
            category="food",
            tags=[],
            price_cents=999,
            currency="usd",
            usage_terms={},
        ),
        PersonaRejected(persona_id="p1", creator_id=creator, reason="Add example files"),
        PersonaApproved(
            persona_id="p1", creator_id=creator, name="Witty Chef", price_cents=999, currency="usd"
        ),
    )
    box = await harness.inbox(creator)
    assert [n["kind"] for n in box["items"]] == ["persona_approved", "persona_rejected"]
    assert box["items"][1]["body"] == "Add example files"
    assert (await harness.inbox(other))["items"] == []

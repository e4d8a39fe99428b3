"""The live stream (server-sent events) and the activity feed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from shared.contracts.catalog import PersonaApproved, PersonaVersionPublished, ReviewPosted
from shared.contracts.identity import UserFollowed


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, Any]]:
    event, data = "", ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "" and event:
            yield event, json.loads(data)
            event, data = "", ""


async def test_the_stream_pushes_new_notifications_and_the_unread_count(harness: Any) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    async with harness.http.stream(
        "GET", "/api/notifications/stream", headers=harness.auth(creator)
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r)
        assert await anext(events) == ("unread", {"unread_count": 0})
        await harness.send(harness.sale(creator, buyer))
        kind, item = await asyncio.wait_for(anext(events), 10)
        assert kind == "notification" and item["title"].startswith("You earned $6.99")
        assert await asyncio.wait_for(anext(events), 10) == ("unread", {"unread_count": 1})
        # Reading elsewhere (another tab) updates the count here too.
        await harness.post(f"/api/notifications/{item['id']}/read", creator)
        assert await asyncio.wait_for(anext(events), 10) == ("unread", {"unread_count": 0})
    r = await harness.http.get("/api/notifications/stream")
    assert r.status_code == 401


async def test_feed_shows_followed_creators_activity_and_suggests_when_empty(harness: Any) -> None:
    creator = await harness.user("carla")
    other = await harness.user("otto")
    reader = await harness.user("rita")
    for who, pid in ((creator, "p1"), (other, "p2")):
        await harness.send(
            PersonaApproved(
                persona_id=pid, creator_id=who, name=f"Persona {pid}", price_cents=0, currency="usd"
            )
        )
    empty = (await harness.get("/api/feed", reader)).json()
    assert empty["items"] == []
    assert {c["username"] for c in empty["suggestions"]} == {"carla", "otto"}

    await harness.send(UserFollowed(follower_id=reader, followee_id=creator))
    await harness.send(
        PersonaVersionPublished(
            persona_id="p1", creator_id=creator, version="1.1.0", changelog="More"
        ),
        PersonaVersionPublished(persona_id="p2", creator_id=other, version="2.0.0", changelog="x"),
        ReviewPosted(
            review_id="r1",
            persona_id="p2",
            user_id=creator,
            creator_id=other,
            rating=5,
            verified_purchase=True,
            body="Lovely",
        ),
    )
    feed = (await harness.get("/api/feed", reader, params={"limit": 2})).json()
    assert [(i["kind"], i["title"]) for i in feed["items"]] == [
        ("review", "Persona p2"),
        ("version", "Persona p1 1.1.0"),
    ]
    assert feed["items"][0]["actor"]["username"] == "carla"
    assert feed["suggestions"] == []
    rest = (
        await harness.get("/api/feed", reader, params={"limit": 2, "cursor": feed["next_cursor"]})
    ).json()
    assert [(i["kind"], i["title"]) for i in rest["items"]] == [("persona", "Persona p1")]
    assert rest["next_cursor"] is None
    assert (await harness.http.get("/api/feed")).status_code == 401

"""The daily digest: followers and new personas from followed creators, once per user and day."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

from notifications.digest import send_digests
from shared.contracts.catalog import PersonaApproved
from shared.contracts.identity import UserFollowed
from shared.testing.servers import message_text


def digests_to(harness: Any, name: str) -> list[Message]:
    return [
        m
        for m in harness.mails_to(name)
        if "Your daily summary" in str(make_header(decode_header(m["Subject"])))
    ]


async def test_one_digest_per_user_and_day_even_with_concurrent_runs(harness: Any) -> None:
    creator = await harness.user("carla")
    fans = [await harness.user(f"fan{i}") for i in range(2)]
    outsider = await harness.user("olga")
    await harness.send(*[UserFollowed(follower_id=f, followee_id=creator) for f in fans])
    await harness.send(
        PersonaApproved(
            persona_id="p1", creator_id=creator, name="Witty Chef", price_cents=0, currency="usd"
        )
    )
    # In-app at once, grouped; by e-mail only in the digest.
    titles = [n["title"] for n in (await harness.inbox(creator))["items"]]
    assert titles == ["“Witty Chef” is live on the marketplace", "2 new followers"]
    assert (await harness.inbox(fans[0]))["items"][0]["title"] == "carla published “Witty Chef”"

    now = datetime.now(UTC)
    runs = await asyncio.gather(*[send_digests(harness.pool, now) for _ in range(3)])
    assert sum(runs) == 3  # carla and both fans, each by exactly one of the runs
    await harness.mail_settled()
    [digest] = digests_to(harness, "carla")
    text = message_text(digest)
    assert "fan0 followed you" in text and "fan1 followed you" in text
    assert "Witty Chef" not in text
    [fan_digest] = await harness.mail_to("fan0")
    assert "carla published “Witty Chef”" in message_text(fan_digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Later the same day: new things wait for tomorrow's digest.
    await harness.send(UserFollowed(follower_id=outsider, followee_id=creator))
    # (still the same UTC day when the suite runs just before midnight)
    later = min(now + timedelta(hours=1), now.replace(hour=23, minute=59, second=59))
    assert await send_digests(harness.pool, later) == 0
    assert await send_digests(harness.pool, now + timedelta(days=1)) == 1
    await harness.mail_settled()
    second = digests_to(harness, "carla")
    assert len(second) == 2 and "olga followed you" in message_text(second[1])
    assert "fan0" not in message_text(second[1])
    assert harness.mails_to("olga") == []


async def test_unsubscribing_from_the_digest_stops_it(harness: Any) -> None:
    creator = await harness.user("carla")
    fan = await harness.user("fan")
    await harness.send(UserFollowed(follower_id=fan, followee_id=creator))
    now = datetime.now(UTC)
    await send_digests(harness.pool, now)
    await harness.mail_settled()
    [digest] = digests_to(harness, "carla")
    path = re.sub(r"^<http://app\.test|>$", "", digest["List-Unsubscribe"])
    r = await harness.http.post(path, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    prefs = (await harness.get("/api/notifications/preferences", creator)).json()["items"]
    channels = {p["category"]: p["channel"] for p in prefs}
    assert channels["followers"] == channels["following"] == "in_app"
    assert channels["sales"] == "email"  # only the digest was unsubscribed

    other = await harness.user("other")
    await harness.send(UserFollowed(follower_id=other, followee_id=creator))
    assert (await harness.inbox(creator))["unread_count"] == 1  # in-app still
    assert await send_digests(harness.pool, now + timedelta(days=1)) == 0

"""Notifications through the gateway with every service running: each row of the table in the
notifications README reaches the right people (in-app and by e-mail from the real SMTP server),
never the wrong ones (another creator, a refunded buyer), live over server-sent events."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import AsyncIterator
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
from shared.testing.servers import message_text
from shared.testing.wait import eventually

# Test modules are imported by path (pytest's importlib mode): make the helper beside it importable.
sys.path.insert(0, str(Path(__file__).parent))
from persona_support import PersonaSpec, publish


def subject(m: Message) -> str:
    return str(make_header(decode_header(m["Subject"])))


def mails(stack: Any, name: str, contains: str = "") -> list[Message]:
    return [
        m
        for m in stack.smtp.messages
        if m["To"] == f"{name}@example.com" and contains in subject(m)
    ]


async def mail(stack: Any, name: str, contains: str) -> Message:
    found = await eventually(lambda: _async(mails(stack, name, contains)), bool)
    assert len(found) == 1, [subject(m) for m in found]
    return found[0]


async def _async(value: Any) -> Any:
    return value


async def inbox(stack: Any, who: dict[str, str]) -> dict[str, Any]:
    r = await stack.http.get("/api/notifications", headers=who)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def titles(stack: Any, who: dict[str, str]) -> list[str]:
    return [n["title"] for n in (await inbox(stack, who))["items"]]


async def has_title(stack: Any, who: dict[str, str], text: str) -> None:
    await eventually(lambda: titles(stack, who), lambda ts: any(text in t for t in ts))


async def sse(response: httpx.Response) -> AsyncIterator[tuple[str, Any]]:
    event = ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event:
            yield event, json.loads(line[6:])
            event = ""


async def persona(
    stack: Any, creator: dict[str, str], admin: dict[str, str], name: str, price: int = 1500
) -> str:
    return await publish(stack, creator, admin, PersonaSpec(name, price))


async def buy(stack: Any, buyer: dict[str, str], pid: str) -> dict[str, Any]:
    async def attempt() -> httpx.Response:
        return await stack.http.post(
            "/api/payments/create-checkout", headers=buyer, json={"persona_id": pid}
        )

    r = await eventually(attempt, lambda r: r.status_code not in (404, 409, 503))
    assert r.status_code in (200, 201), r.text
    session: dict[str, Any] = r.json()
    async with httpx.AsyncClient() as emu:
        paid = await emu.post(
            f"{stack.emulator_url}/_emulator/checkout/sessions/{session['session_id']}/pay",
            json={"card": "4242424242424242"},
        )
    assert paid.status_code == 200, paid.text
    return session


async def new_version(
    stack: Any, creator: dict[str, str], admin: dict[str, str], pid: str, version: str
) -> None:
    """A new version of an approved persona: it waits for review until the admin approves it."""
    r = await stack.http.post(
        f"/api/personas/{pid}/versions",
        headers=creator,
        data={"version": version, "changelog": f"What is new in {version}"},
        files=[("files", ("prompt.md", f"# Voice {version}\n".encode(), "text/markdown"))],
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "in_review"
    r = await stack.http.post(
        f"/api/admin/personas/{pid}/versions/{version}/approve", headers=admin
    )
    assert r.status_code == 200, r.text


async def test_sale_receipt_version_refund_reach_the_right_people_live(stack: Any) -> None:
    creator = await stack.user("carla")
    other_creator = await stack.user("otto")
    admin = await stack.user("judge", admin=True)
    buyer = await stack.user("bob")
    refunded = await stack.user("rudy")
    pid = await persona(stack, creator, admin, "Witty Chef")
    await has_title(stack, creator, "“Witty Chef” is live")
    await mail(stack, "carla", "is live on the marketplace")

    # The creator's bell, live through the gateway (server-sent events must stream).
    async with stack.http.stream(
        "GET", "/api/notifications/stream", headers=creator, timeout=30
    ) as live:
        assert live.status_code == 200
        assert live.headers["content-type"].startswith("text/event-stream")
        events = sse(live)
        first = await asyncio.wait_for(anext(events), 10)
        assert first == ("unread", {"unread_count": 1})
        session = await buy(stack, buyer, pid)
        kind, item = await asyncio.wait_for(anext(events), 20)
        assert (kind, item["title"]) == ("notification", "You earned $10.50: “Witty Chef” sold")
        assert await asyncio.wait_for(anext(events), 10) == ("unread", {"unread_count": 2})

    receipt = await mail(stack, "bob", "Your receipt for “Witty Chef”")
    text = message_text(receipt)
    assert f"Receipt number: {session['transaction_id']}" in text
    assert "Total paid: $15.00" in text and "/dashboard/purchases" in text
    assert "Your earnings: $10.50" in message_text(await mail(stack, "carla", "You earned $10.50"))
    assert await titles(stack, other_creator) == []
    product_mail = [
        m for m in mails(stack, "otto", "· Personas") if "Confirm your e-mail" not in subject(m)
    ]
    assert product_mail == []  # only identity's verification mail (same product name)

    # A second buyer is refunded: they hear about the refund, and not about later versions.
    session2 = await buy(stack, refunded, pid)
    await mail(stack, "rudy", "Your receipt")
    r = await stack.http.post(
        f"/api/admin/payments/{session2['transaction_id']}/refund", headers=admin, json={}
    )
    assert r.status_code == 200, r.text
    await mail(stack, "rudy", "Refund for “Witty Chef”")
    await has_title(stack, creator, "Refund on “Witty Chef”")
    assert "$10.50" in message_text(await mail(stack, "carla", "Refund on “Witty Chef”"))

    async def revoked() -> int:
        r = await stack.http.get(f"/api/personas/{pid}/download", headers=refunded)
        return r.status_code

    await eventually(revoked, lambda code: code in (402, 403))

    await new_version(stack, creator, admin, pid, "1.1.0")
    await has_title(stack, buyer, "“Witty Chef” 1.1.0 is out")
    update = await mail(stack, "bob", "New version of “Witty Chef”: 1.1.0")
    assert "What is new in 1.1.0" in message_text(update)
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not any("1.1.0" in t for t in await titles(stack, refunded))
    assert mails(stack, "rudy", "New version") == []
    assert not any("1.1.0" in t for t in await titles(stack, creator))


async def test_reviews_replies_follows_moderation_and_preferences(stack: Any) -> None:
    creator = await stack.user("carla")
    admin = await stack.user("judge", admin=True)
    fan = await stack.user("fay")
    reviewer = await stack.user("rita")
    r = await stack.http.post("/api/users/carla/follow", headers=fan)
    assert r.status_code == 204, r.text
    await has_title(stack, creator, "fay followed you")

    # The fan's feed gets the new persona; the follower hears of it in-app (digest by mail).
    pid = await persona(stack, creator, admin, "Calm Coach", price=0)
    await has_title(stack, fan, "carla published “Calm Coach”")
    feed = (await stack.http.get("/api/feed", headers=fan)).json()
    assert [(i["kind"], i["title"]) for i in feed["items"]] == [("persona", "Calm Coach")]

    # A rejection with its reason.
    draft = PersonaSpec(
        "Rough Draft", short_description="x", description="A persona that is not ready yet."
    )
    r = await stack.post_persona(creator, dict(draft.files), **draft.fields(), submit="true")
    assert r.status_code == 201, r.text
    r = await stack.http.post(
        f"/api/admin/personas/{r.json()['id']}/reject",
        headers=admin,
        json={"reason": "Please add example posts"},
    )
    assert r.status_code == 200, r.text
    rejection = await mail(stack, "carla", "“Rough Draft” was not approved")
    assert "Please add example posts" in message_text(rejection)

    # A review notifies the creator; the creator's reply notifies the reviewer.
    r = await stack.http.post(f"/api/personas/{pid}/acquire", headers=reviewer)
    assert r.status_code == 200, r.text
    r = await stack.http.post(
        f"/api/personas/{pid}/reviews", headers=reviewer, json={"rating": 4, "body": "Nice & calm"}
    )
    assert r.status_code == 201, r.text
    review_id = r.json()["id"]
    await has_title(stack, creator, "rita rated “Calm Coach” 4★")
    await mail(stack, "carla", "New review of “Calm Coach”")
    r = await stack.http.post(
        f"/api/reviews/{review_id}/response", headers=creator, json={"body": "Thank you!"}
    )
    assert r.status_code == 200, r.text
    await has_title(stack, reviewer, "replied to your review")
    await mail(stack, "rita", "replied to your review")

    # The creator turns sale mail off but keeps it in-app; one-click unsubscribe from reviews.
    r = await stack.http.put(
        "/api/notifications/preferences", headers=creator, json={"preferences": {"sales": "in_app"}}
    )
    assert r.status_code == 200, r.text
    link = (await mail(stack, "carla", "New review of"))["List-Unsubscribe"].strip("<>")
    assert link.startswith(stack.url)
    page = await stack.http.get(link.removeprefix(stack.url))
    assert page.status_code == 200 and "Unsubscribe from reviews" in page.text
    done = await stack.http.post(
        link.removeprefix(stack.url), data={"List-Unsubscribe": "One-Click"}
    )
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    prefs = (await stack.http.get("/api/notifications/preferences", headers=creator)).json()
    channels = {p["category"]: p["channel"] for p in prefs["items"]}
    assert (channels["sales"], channels["reviews"], channels["purchases"]) == (
        "in_app",
        "in_app",
        "email",
    )
    other = await stack.user("olga")
    await stack.http.post(f"/api/personas/{pid}/acquire", headers=other)
    r = await stack.http.post(
        f"/api/personas/{pid}/reviews", headers=other, json={"rating": 5, "body": "Great"}
    )
    assert r.status_code == 201, r.text
    await has_title(stack, creator, "olga rated “Calm Coach” 5★")

    # Suspension reaches the creator; the reporter hears the outcome of their report.
    r = await stack.http.post(
        f"/api/personas/{pid}/report", headers=fan, json={"reason": "spam", "details": "ads"}
    )
    assert r.status_code == 201, r.text
    report_id = r.json()["id"]
    r = await stack.http.post(
        f"/api/admin/reports/{report_id}/resolve", headers=admin, json={"action": "dismiss"}
    )
    assert r.status_code == 200, r.text
    await has_title(stack, fan, "Your report was reviewed")
    r = await stack.http.post(
        f"/api/admin/personas/{pid}/suspend", headers=admin, json={"reason": "Copyright claim"}
    )
    assert r.status_code == 200, r.text
    assert "Copyright claim" in message_text(await mail(stack, "carla", "was suspended"))

    await asyncio.sleep(0)  # everything above was awaited; now check what did NOT arrive
    assert mails(stack, "carla", "New review of") == [mails(stack, "carla", "New review of")[0]]
    assert not any(re.search("rated", subject(m)) for m in mails(stack, "fay"))

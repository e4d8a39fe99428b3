"""New-version fan-out in batches, by a real service process that is killed halfway."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
from shared.bus import Broker, PublishFailed
from shared.contracts.catalog import PersonaVersionPublished
from shared.contracts.identity import UserFollowed, UserRegistered
from shared.events import Envelope, Event
from shared.testing.publish import publish_event
from shared.testing.servers import SmtpSink, free_port, message_text
from shared.testing.wait import eventually

RECIPIENTS = 240


@asynccontextmanager
async def service_process(env: dict[str, str]) -> AsyncIterator[subprocess.Popen[bytes]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "notifications", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("FANOUT_LOG", os.devnull), "ab"),
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

            async def ready() -> bool:
                try:
                    return (await http.get("/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(ready, timeout=60, interval=0.2)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)


async def publish(broker: Broker, event: Event) -> Envelope:
    return await publish_event(broker, event, stream_type=event.routing_key().split(".")[0])


async def consuming(broker: Broker, db: asyncpg.Connection, user_id: str) -> None:
    """Wait until the process consumes (a message sent before its queue exists is dropped)."""

    async def seen() -> bool:
        try:
            await publish(
                broker, UserRegistered(user_id=user_id, email=f"{user_id}@x.test", username=user_id)
            )
        except PublishFailed:  # the queue is not bound yet: nothing routes the message
            return False
        await asyncio.sleep(0.3)
        return bool(await db.fetchval("SELECT 1 FROM users WHERE user_id = $1", user_id))

    await eventually(seen, timeout=30)


async def test_a_killed_worker_notifies_everyone_exactly_once(
    database_url: str, amqp_url: str, bus_namespace: str, smtp_server: SmtpSink
) -> None:
    env = {
        "APP_ENV": "test",
        "NOTIFICATIONS_DATABASE_URL": database_url,
        "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": bus_namespace,
        "SMTP_URL": smtp_server.url,
        "PUBLIC_URL": "http://app.test",
        "NOTIFICATIONS_FANOUT_BATCH": "20",
        "NOTIFICATIONS_FANOUT_PAUSE_S": "0.4",
        "NOTIFICATIONS_FANOUT_POLL_S": "0.2",
        "NOTIFICATIONS_MAIL_POLL_S": "3600",  # the first process sends no mail
    }
    buyers = [f"user-{i:04d}" for i in range(RECIPIENTS)]
    creator, outsider = "creator-1", "user-outsider"
    broker = Broker(amqp_url, bus_namespace)
    await broker.connect()
    db = await asyncpg.connect(database_url)
    try:
        async with service_process(env) as first:
            await consuming(broker, db, "probe")
            # Facts as catalog and identity's events would have left them.
            await db.executemany(
                "INSERT INTO users (user_id, email, username) VALUES ($1, $2, $3)",
                [(u, f"{u}@example.com", u) for u in [*buyers, creator, outsider]],
            )
            await db.execute(
                "INSERT INTO personas VALUES ('p1', $1, 'Witty Chef', 'approved')", creator
            )
            await db.executemany(
                "INSERT INTO entitlements (persona_id, user_id) VALUES ('p1', $1)",
                [(u,) for u in buyers],
            )
            await publish(
                broker,
                PersonaVersionPublished(
                    persona_id="p1", creator_id=creator, version="1.2.0", changelog="Sharper jokes"
                ),
            )
            progress = await eventually(
                lambda: db.fetchrow("SELECT total, done, status FROM fanouts"),
                lambda r: r is not None and r["done"] >= 40,
                timeout=60,
            )
            assert progress["total"] == RECIPIENTS and progress["status"] == "pending"
            # Other events are not stuck behind the fan-out.
            await publish(broker, UserFollowed(follower_id=outsider, followee_id=creator))
            await eventually(
                lambda: db.fetchval(
                    "SELECT count(*) FROM notifications WHERE kind = 'new_follower'"
                ),
                lambda n: n == 1,
            )
            assert await db.fetchval("SELECT status FROM fanouts") == "pending"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        halfway = await db.fetchval("SELECT done FROM fanouts")
        assert 0 < halfway < RECIPIENTS
        notified = await db.fetchval(
            "SELECT count(*) FROM notifications WHERE kind = 'new_version'"
        )
        assert notified == halfway  # the cursor moved with the batches, never ahead or behind

        async with service_process({**env, "NOTIFICATIONS_MAIL_POLL_S": "0.1"}):
            await eventually(
                lambda: db.fetchval("SELECT status FROM fanouts"),
                lambda s: s == "done",
                timeout=120,
            )
            await smtp_server.wait_for("@example.com", count=RECIPIENTS, timeout=120)
            await eventually(
                lambda: db.fetchval("SELECT count(*) FROM mail_outbox WHERE status = 'pending'"),
                lambda n: n == 0,
                timeout=60,
            )
        per_user = await db.fetch(
            "SELECT user_id, count(*) AS n FROM notifications WHERE kind = 'new_version' "
            "GROUP BY user_id"
        )
        assert sorted(r["user_id"] for r in per_user) == buyers
        assert {r["n"] for r in per_user} == {1}
        count_to: Callable[[str], int] = lambda u: sum(  # noqa: E731
            1 for m in smtp_server.messages if m["To"] == f"{u}@example.com"
        )
        assert {count_to(u) for u in buyers} == {1}
        assert count_to(outsider) == 0
        # The creator's only mail is the daily digest (the follower), due after 08:00 UTC.
        creator_mail = [m for m in smtp_server.messages if m["To"] == f"{creator}@example.com"]
        assert all("new version" not in message_text(m).lower() for m in creator_mail)
        assert await db.fetchval("SELECT done FROM fanouts") == RECIPIENTS
    finally:
        await db.close()
        await broker.close()


async def test_a_new_version_reaches_every_entitled_user_and_no_one_else(harness: Any) -> None:
    from shared.contracts.catalog import EntitlementRevoked, PersonaAcquired, PersonaApproved

    creator = await harness.user("carla")
    owners = [await harness.user(f"owner{i}") for i in range(3)]
    refunded = await harness.user("refunded")
    stranger = await harness.user("stranger")
    await harness.send(
        PersonaApproved(
            persona_id="p1", creator_id=creator, name="Witty Chef", price_cents=0, currency="usd"
        ),
        *[
            PersonaAcquired(persona_id="p1", user_id=u, creator_id=creator, source="free")
            for u in [*owners, refunded]
        ],
        EntitlementRevoked(
            persona_id="p1",
            user_id=refunded,
            creator_id=creator,
            transaction_id="t",
            reason="refund",
        ),
    )
    await harness.put(
        "/api/notifications/preferences", owners[2], json={"preferences": {"updates": "off"}}
    )
    await harness.send(
        PersonaVersionPublished(
            persona_id="p1", creator_id=creator, version="1.2.0", changelog="Sharper <b>jokes</b>"
        )
    )
    await harness.eventually(
        lambda: harness.pool.fetchval("SELECT status FROM fanouts"), lambda s: s == "done"
    )
    for owner in owners[:2]:
        [n] = (await harness.inbox(owner))["items"]
        assert n["title"] == "“Witty Chef” 1.2.0 is out" and n["body"] == "Sharper <b>jokes</b>"
    for nobody in (owners[2], refunded, stranger, creator):
        assert [
            n for n in (await harness.inbox(nobody))["items"] if n["kind"] == "new_version"
        ] == []
    [mail] = await harness.mail_to("owner0")
    assert "Sharper <b>jokes</b>" in message_text(mail)
    assert "Sharper &lt;b&gt;jokes&lt;/b&gt;" in html_part(mail)
    await harness.mail_settled()
    assert harness.mails_to("owner2") == harness.mails_to("refunded") == []


def html_part(message: Any) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return str(part.get_payload(decode=True).decode())
    raise AssertionError("no HTML part")


async def test_the_library_learns_which_personas_have_an_unseen_version(harness: Any) -> None:
    from shared.contracts.catalog import PersonaAcquired, PersonaApproved

    creator = await harness.user("carla")
    owner = await harness.user("owner")
    for pid in ("p1", "p2"):
        await harness.send(
            PersonaApproved(
                persona_id=pid, creator_id=creator, name=pid, price_cents=0, currency="usd"
            ),
            PersonaAcquired(persona_id=pid, user_id=owner, creator_id=creator, source="free"),
        )
    for version in ("1.1.0", "1.2.0"):
        await harness.send(
            PersonaVersionPublished(
                persona_id="p1", creator_id=creator, version=version, changelog=""
            )
        )
        await harness.eventually(
            lambda: harness.pool.fetchval("SELECT count(*) FROM fanouts WHERE status = 'pending'"),
            lambda n: n == 0,
        )
    r = await harness.get("/api/notifications/updates", owner)
    assert r.status_code == 200, r.text
    [update] = r.json()["items"]
    assert (update["persona_id"], update["version"]) == ("p1", "1.2.0")
    await harness.post("/api/notifications/read-all", owner)
    assert (await harness.get("/api/notifications/updates", owner)).json()["items"] == []

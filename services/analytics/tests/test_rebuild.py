"""`python -m analytics rebuild`: every table afresh from the first event, swapped in while the
live consumer keeps serving; rebuilt figures equal the live ones; exports bootstrap history."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.rebuild import REBUILT, rebuild
from shared.contracts.billing import PurchaseCompleted
from shared.contracts.catalog import (
    EntitlementRevoked,
    PersonaAcquired,
    PersonaDownloaded,
)
from shared.contracts.identity import UserFollowed
from shared.events import Envelope
from shared.testing.publish import envelope_of


async def dump(pool) -> dict[str, list[str]]:
    out = {}
    for table in REBUILT:
        rows = await pool.fetch(f"SELECT t::text AS r FROM {table} t ORDER BY t::text")
        out[table] = [r["r"] for r in rows]
    return out


async def seed(h) -> tuple[str, str]:
    creator = str(uuid.uuid4())
    now = datetime.now(UTC)
    a = await h.persona(creator, "Calm Coach", at=now - timedelta(days=3))
    b = await h.persona(creator, "Bread Baker", tags=["bread"], at=now - timedelta(days=3))
    users = [str(uuid.uuid4()) for _ in range(5)]
    for i, u in enumerate(users):
        await h.sale(a, creator, u, 500 + i, at=now - timedelta(days=i % 3))
        await h.publish(
            PersonaAcquired(persona_id=a, user_id=u, creator_id=creator, source="purchase"),
            at=now - timedelta(days=i % 3),
        )
        await h.publish(
            PersonaAcquired(persona_id=b, user_id=u, creator_id=creator, source="free"),
            at=now - timedelta(hours=i),
        )
        await h.publish(
            PersonaDownloaded(persona_id=a, user_id=u, creator_id=creator, version="1.0.0"),
            at=now - timedelta(hours=i),
        )
        await h.publish(UserFollowed(follower_id=u, followee_id=creator))
        await h.review(f"r{i}", a, creator, u, 1 + i % 5)
    await h.publish(
        EntitlementRevoked(
            persona_id=b, user_id=users[0], creator_id=creator, transaction_id="t", reason="refund"
        )
    )
    for i in range(4):
        r = await h.view(a, user=users[i], referrer="https://news.example.com/x")
        assert r.json()["counted"]
    return creator, a


async def test_a_rebuild_equals_the_live_tables_and_keeps_serving(harness) -> None:
    h = harness
    creator, a = await seed(h)
    await h.caught_up()
    pool = h.app.state.pool
    before = await dump(pool)
    assert before["persona_slots"] and before["also_held"] and before["view_visitors"]

    report = await rebuild(h.app.state.settings)
    assert report.views == 4
    assert await dump(pool) == before
    assert (await h.overview(creator))["totals"]["views"] == 4
    schemas = await pool.fetchval(
        "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'analytics_%'"
    )
    assert schemas == 0

    # A rebuild while events and views keep arriving: nothing lost, nothing twice.
    async def traffic() -> None:
        for i in range(40):
            await h.sale(a, creator, str(uuid.uuid4()), 100)
            if i % 10 == 0:
                assert (await h.view(a, user=str(uuid.uuid4()))).json()["counted"]

    await asyncio.gather(traffic(), rebuild(h.app.state.settings))
    await h.caught_up()
    totals = (await h.overview(creator))["totals"]
    assert totals["purchases"] == 45
    assert totals["views"] == 8
    live = await dump(pool)
    await rebuild(h.app.state.settings)
    assert await dump(pool) == live


async def test_exported_histories_bootstrap_what_the_stream_lost(harness, tmp_path: Path) -> None:
    h = harness
    creator = str(uuid.uuid4())
    p = await h.persona(creator)
    on_stream = await h.sale(p, creator, str(uuid.uuid4()), 700)
    await h.caught_up()

    def sale(amount: int, days_ago: int) -> Envelope:
        event = PurchaseCompleted(
            transaction_id=f"tx_{uuid.uuid4().hex[:8]}", buyer_id=str(uuid.uuid4()),
            persona_id=p, creator_id=creator, amount=amount, currency="usd",
            platform_fee=0, creator_revenue=amount, fee_rate_bps=0,
        )  # fmt: skip
        at = datetime.now(UTC) - timedelta(days=days_ago)
        return envelope_of(
            event, stream_type="transaction", stream_id=event.transaction_id, occurred_at=at
        )

    lost = [sale(100, 40), sale(200, 35)]  # older than the stream's retention
    export = tmp_path / "billing.jsonl"
    export.write_text(
        "".join(json.dumps(json.loads(e.model_dump_json())) + "\n" for e in [*lost, on_stream])
    )
    report = await rebuild(h.app.state.settings, [export])
    assert report.exported_events == 3
    since = (datetime.now(UTC) - timedelta(days=60)).date().isoformat()
    totals = (await h.overview(creator, **{"from": since}))["totals"]
    assert totals["purchases"] == 3  # the one on the stream and in the export counts once
    assert totals["revenue"][0]["gross"] == 1000

"""The kernel CLI's export-events: a service's `events` table as JSON lines of envelopes."""

from __future__ import annotations

import io
import json

from fastapi import APIRouter
from shared.cli import export_events
from shared.contracts.identity import UserFollowed
from shared.db import create_pool, migrate
from shared.events import Envelope
from shared.eventstore import EventStore
from shared.http import ServiceSpec
from shared.settings import ServiceSettings


async def test_export_events_writes_every_event_in_order(database_url: str) -> None:
    await migrate(database_url, [])
    pool = await create_pool(database_url)
    store = EventStore("identity")
    async with pool.acquire() as conn:
        for i in range(3):
            async with conn.transaction():
                await store.append(
                    conn, "user", f"u{i}", 0, [UserFollowed(follower_id=f"u{i}", followee_id="c")]
                )
    await pool.close()
    spec = ServiceSpec(
        name="identity", settings=ServiceSettings(database_url=database_url), routers=[APIRouter()]
    )
    out = io.StringIO()
    assert await export_events(spec, out, batch=2) == 3
    lines = [Envelope.model_validate(json.loads(line)) for line in out.getvalue().splitlines()]
    assert [e.stream_id for e in lines] == ["u0", "u1", "u2"]
    assert [e.global_position for e in lines] == sorted(e.global_position or 0 for e in lines)
    assert lines[0].event() == UserFollowed(follower_id="u0", followee_id="c")
    assert lines[0].producer == "identity"

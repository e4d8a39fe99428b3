"""Faults injected into the running platform, each test restoring what it broke: a service
stopped while the gateway takes traffic, and PostgreSQL backends terminated under writes."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import asyncpg
import pytest
from shared.testing.wait import eventually

pytestmark = pytest.mark.faults


async def test_a_stopped_service_is_a_502_problem_then_recovers(stack: Any) -> None:
    assert stack.services is not None
    ok = await stack.http.get("/api/personas")
    assert ok.status_code == 200
    await stack.services.stop("catalog")
    try:
        for _ in range(20):
            r = await stack.http.get("/api/personas", timeout=15)
            assert r.status_code in (502, 504), r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] in ("service_unavailable", "upstream_timeout")
        other = await stack.http.get("/api/users/nobody")  # the others are unaffected
        assert other.status_code == 404
    finally:
        await stack.services.start("catalog")
    await eventually(lambda: stack.http.get("/api/personas"), lambda r: r.status_code == 200)


async def test_terminated_backends_leave_each_command_whole_or_undone(stack: Any) -> None:
    headers = await stack.user("writer")
    dsn = stack.database_urls["identity"]
    name = dsn.rsplit("/", 1)[1]
    admin = await asyncpg.connect(dsn)
    stop = asyncio.Event()
    kills = 0

    async def killer() -> None:
        nonlocal kills
        while not stop.is_set():
            kills += int(
                await admin.fetchval(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = $1 AND pid <> pg_backend_pid()"
                    " AND backend_type = 'client backend') t",
                    name,
                )
            )
            await asyncio.sleep(0.3)

    statuses: list[int] = []

    async def writes() -> None:
        for i in range(60):
            r = await stack.http.put(
                "/api/users/me/profile", headers=headers, json={"bio": f"bio number {i}"}
            )
            statuses.append(r.status_code)
            if r.status_code == 503:
                assert r.headers["retry-after"] == "1"
                assert r.json()["code"] == "database_unavailable"

    task = asyncio.create_task(killer())
    try:
        await writes()
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await task
    try:
        assert set(statuses) <= {200, 503}, statuses
        assert kills > 0 and 503 in statuses and 200 in statuses, (kills, statuses)
        # the service recovers: the next write goes through
        r = await stack.http.put("/api/users/me/profile", headers=headers, json={"bio": "final"})
        assert r.status_code == 200
        # whole or nothing: the read model is what the events say, every event has its outbox
        # row or was published, and no command left half its events
        rows = await admin.fetch(
            "SELECT data::text AS data FROM events WHERE type = 'ProfileUpdated'"
            " ORDER BY global_position"
        )
        bios = [json.loads(r["data"])["changes"].get("bio") for r in rows]
        assert bios[-1] == "final"
        assert len(bios) >= statuses.count(200) + 1
        assert await admin.fetchval("SELECT bio FROM users WHERE username = 'writer'") == "final"
    finally:
        await admin.close()

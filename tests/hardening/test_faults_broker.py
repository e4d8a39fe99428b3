"""The broker application stopped and started (`rabbitmqctl stop_app` / `start_app`) while
10,000 events flow from the outbox relay to a consumer, both real processes: every event is
consumed exactly once. The test restarts the broker application whatever happens.

This disturbs every other client of the shared broker for a few seconds, so it runs only in
`make test-faults` (marker `faults`), not in `make test`.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import asyncpg
import pytest
from shared.testing.wait import eventually

from tests.hardening.test_faults_bus import declare, pool, seen, worker, write_events

__all__ = ["pool"]  # the fixture, shared with the other bus faults

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl"),
]


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


async def test_broker_stopped_and_started_while_10000_events_flow(
    pool: asyncpg.Pool, database_url: str, amqp_url: str, bus_namespace: str
) -> None:
    total = 10_000
    await declare(amqp_url, bus_namespace)
    await write_events(pool, total, streams=50)
    with (
        worker("consume", database_url, amqp_url, bus_namespace),
        worker("relay", database_url, amqp_url, bus_namespace),
    ):
        await eventually(lambda: seen(pool), lambda s: s[1] >= 1000, timeout=120)
        try:
            await asyncio.to_thread(rabbitmqctl, "stop_app")
            await asyncio.sleep(3)
        finally:
            await asyncio.to_thread(rabbitmqctl, "start_app")
        mid = (await seen(pool))[1]
        assert mid < total  # the outage hit while events were still flowing
        await eventually(lambda: seen(pool), lambda s: s[1] == total, timeout=300, interval=1)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0)
        await asyncio.sleep(2)  # a late duplicate would show up here
    assert await seen(pool) == (total, total)

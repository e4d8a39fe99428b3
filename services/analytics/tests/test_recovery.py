"""A killed analytics process (SIGKILL, mid-stream) and a restarted one neither lose nor double
count: the offset is committed with the figures, and the restart resumes after it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import asyncpg
from shared.bus import Broker
from shared.contracts.billing import PurchaseCompleted
from shared.contracts.catalog import PersonaApproved
from shared.events import Envelope
from shared.testing.servers import free_port
from shared.testing.wait import eventually

SALES = 600


def _start(database_url: str, amqp_url: str, ns: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ANALYTICS_DATABASE_URL": database_url,
        "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": ns,
        "APP_ENV": "test",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "analytics", "serve", "--port", str(free_port())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _sale(persona_id: str, creator: str, i: int) -> Envelope:
    event = PurchaseCompleted(
        transaction_id=f"tx_{i}",
        buyer_id=str(uuid.uuid4()),
        persona_id=persona_id,
        creator_id=creator,
        amount=100 + i,
        currency="usd",
        platform_fee=0,
        creator_revenue=100 + i,
        fee_rate_bps=0,
    )
    return Envelope(
        event_id=uuid.uuid4(),
        type=event.type_name(),
        producer="billing",
        stream_type="transaction",
        stream_id=f"tx_{i}",
        version=1,
        occurred_at=datetime.now(UTC),
        data=event.to_data(),
    )


async def test_a_killed_and_restarted_process_counts_everything_once(
    database_url: str, amqp_url: str, bus_namespace: str
) -> None:
    broker = Broker(amqp_url, bus_namespace)
    await broker.connect()
    await broker.declare_topology()
    creator, persona_id = str(uuid.uuid4()), str(uuid.uuid4())
    approved = PersonaApproved(
        persona_id=persona_id, creator_id=creator, name="P", price_cents=100, currency="usd"
    )
    await broker.publish(
        "catalog.PersonaApproved",
        Envelope(
            event_id=uuid.uuid4(),
            type="PersonaApproved",
            producer="catalog",
            stream_type="persona",
            stream_id=persona_id,
            version=1,
            occurred_at=datetime.now(UTC),
            data=approved.to_data(),
        ),
    )

    async def publish_sales() -> None:
        for i in range(SALES):
            await broker.publish("billing.PurchaseCompleted", _sale(persona_id, creator, i))

    async def purchases(conn: asyncpg.Connection) -> int:
        if await conn.fetchval("SELECT to_regclass('persona_slots')") is None:
            return 0  # not migrated yet
        return int(
            await conn.fetchval("SELECT coalesce(sum(purchases), 0) FROM persona_slots") or 0
        )

    publishing = asyncio.create_task(publish_sales())

    proc = _start(database_url, amqp_url, bus_namespace)
    conn = None
    try:

        async def connected() -> asyncpg.Connection | None:
            try:
                return await asyncpg.connect(database_url)
            except Exception:
                return None

        conn = await eventually(connected, lambda c: c is not None, timeout=60)
        assert conn is not None
        # Killed while sales are still being published and consumed.
        await eventually(lambda: purchases(conn), lambda n: n > 0, timeout=60, interval=0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        killed_at = await purchases(conn)
        await publishing

        proc = _start(database_url, amqp_url, bus_namespace)
        await eventually(lambda: purchases(conn), lambda n: n >= SALES, timeout=60)
        assert killed_at < SALES
        assert await purchases(conn) == SALES
        gross = await conn.fetchval("SELECT sum(gross) FROM revenue_slots")
        assert gross == sum(100 + i for i in range(SALES))
        offset = await conn.fetchval(
            "SELECT \"offset\" FROM stream_offsets WHERE consumer = 'analytics'"
        )
        assert offset >= SALES  # the approval at 0, the sales at 1..SALES (+ its own trending)
    finally:
        publishing.cancel()
        proc.kill()
        proc.wait(10)
        if conn is not None:
            await conn.close()
        await broker.close()

"""New-version fan-out to 100,000 entitled users, and the API's latency meanwhile.

    uv run python bench/notifications_fanout.py [--users 100000] [--batch 1000]

Makes a throw-away database, seeds 100,000 users entitled to one persona (the facts catalog and
identity's events would have left), starts a real notifications process (`python -m
notifications serve`) on it, measures `GET /api/notifications` sequentially while idle, then
publishes `PersonaVersionPublished` on the bus and measures the same request until the fan-out is
done. Mail sending is switched off for the run (the outbox rows are written; draining them is
the SMTP server's pace, not the fan-out's). Figures: bench/results/notifications_fanout.json and
.md. Goal: the fan-out < 2 minutes, the API's p99 meanwhile <= 2x idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from result_files import save
from shared.bus import Broker
from shared.contracts.catalog import PersonaVersionPublished
from shared.contracts.identity import UserRegistered
from shared.events import Event
from shared.testing.publish import publish_event
from shared.testing.servers import create_database, drop_database, free_port
from shared.testing.tokens import token_issuer

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def log(msg: str) -> None:
    print(f"[notifications bench] {msg}", flush=True)


async def publish(broker: Broker, event: Event) -> None:
    await publish_event(broker, event, stream_type=event.routing_key().split(".")[0])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def sample(http: httpx.AsyncClient, headers: dict[str, str], until: Any) -> list[float]:
    times: list[float] = []
    while not await until(len(times)):
        t = time.perf_counter()
        r = await http.get("/api/notifications", headers=headers, params={"limit": 20})
        r.raise_for_status()
        times.append((time.perf_counter() - t) * 1000)
    return times


async def run(users: int, batch: int) -> dict[str, Any]:
    dsn = await create_database(POSTGRES, "nbench")
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    proc: subprocess.Popen[bytes] | None = None
    try:
        async with token_issuer() as tokens:
            env = {
                **os.environ,
                "APP_ENV": "test",
                "NOTIFICATIONS_DATABASE_URL": dsn,
                "AMQP_URL": AMQP,
                "BUS_NAMESPACE": namespace,
                "JWKS_URL": tokens.jwks_url,
                "NOTIFICATIONS_FANOUT_BATCH": str(batch),
                "NOTIFICATIONS_FANOUT_POLL_S": "0.2",
                "NOTIFICATIONS_MAIL_POLL_S": "36000",
                "NOTIFICATIONS_DIGEST_HOUR_UTC": "24",
                "MAIL_DIR": str(ROOT / ".run" / "bench-mail"),
            }
            logfile = (ROOT / ".run").joinpath("bench-notifications.log")
            logfile.parent.mkdir(exist_ok=True)
            proc = subprocess.Popen(  # noqa: ASYNC220  (starts at once)
                [sys.executable, "-m", "notifications", "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=logfile.open("wb"),
            )
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                for _ in range(300):
                    try:
                        if (await http.get("/readyz")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    await asyncio.sleep(0.2)
                db = await asyncpg.connect(dsn)
                broker = Broker(AMQP, namespace)
                await broker.connect()
                try:
                    log(f"seeding {users} entitled users")
                    await db.execute(
                        "INSERT INTO users SELECT 'u' || lpad(i::text, 7, '0'),"
                        " 'u' || i || '@bench.test', 'u' || i FROM generate_series(1, $1) i",
                        users,
                    )
                    await db.execute(
                        "INSERT INTO entitlements SELECT 'p1', 'u' || lpad(i::text, 7, '0')"
                        " FROM generate_series(1, $1) i",
                        users,
                    )
                    await db.execute(
                        "INSERT INTO personas VALUES ('p1', 'creator', 'Bench', 'approved')"
                    )
                    await db.execute("ANALYZE")
                    # wait until the process consumes (a message before its queue exists is lost)
                    while not await db.fetchval("SELECT 1 FROM users WHERE user_id = 'probe'"):
                        await publish(
                            broker,
                            UserRegistered(user_id="probe", email="p@x.test", username="probe"),
                        )
                        await asyncio.sleep(0.5)
                    reader = tokens.headers("u0000001")
                    idle = await sample(http, reader, lambda n: _const(n >= 300))
                    log(f"idle p99 {pct(idle, 99):.1f} ms; publishing the new version")
                    started = time.perf_counter()
                    await publish(
                        broker,
                        PersonaVersionPublished(
                            persona_id="p1",
                            creator_id="creator",
                            version="2.0.0",
                            changelog="Bench",
                        ),
                    )

                    async def finished(_: int) -> bool:
                        return await db.fetchval("SELECT status FROM fanouts") == "done"

                    during = await sample(http, reader, finished)
                    elapsed = time.perf_counter() - started
                    notified = await db.fetchval(
                        "SELECT count(*) FROM notifications WHERE kind = 'new_version'"
                    )
                    queued = await db.fetchval("SELECT count(*) FROM mail_outbox")
                finally:
                    await broker.close()
                    await db.close()
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        await drop_database(dsn)
    return {
        "benchmark": "notifications_fanout",
        "users": users,
        "batch": batch,
        "fanout_seconds": round(elapsed, 2),
        "notified": notified,
        "mails_queued": queued,
        "api_idle_p50_ms": round(statistics.median(idle), 2),
        "api_idle_p99_ms": round(pct(idle, 99), 2),
        "api_during_p50_ms": round(statistics.median(during), 2),
        "api_during_p99_ms": round(pct(during, 99), 2),
        "api_during_samples": len(during),
        "goal": "fan-out < 120 s; p99 during <= 2x idle",
        "met": elapsed < 120 and pct(during, 99) <= 2 * pct(idle, 99),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs (shared)",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


async def _const(value: bool) -> bool:
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    result = asyncio.run(run(args.users, args.batch))
    md = ["# Notifications: new-version fan-out", "", "| figure | value |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in result.items()]
    save("notifications_fanout", result, md)
    log(json.dumps(result))


if __name__ == "__main__":
    main()

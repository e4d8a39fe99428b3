"""Stripe webhook → PurchaseCompleted handled in catalog and payouts: sustained rate, duplicates.

    uv run python bench/webhook_purchases.py [--purchases 3000] [--rate 250] [--repeat 0.05]

Starts billing, catalog and payouts as their own processes (`python -m X serve`) on throw-away
databases and a private bus namespace, and the Stripe emulator as a process of its own (its
deliveries off: this program delivers). Setup: a few approved personas (catalog's events, published as
catalog's relay would), then `--purchases` checkouts opened through billing's API and paid on
the emulator's hosted page, which records each `checkout.session.completed` event. Measured:
those events POSTed to billing's webhook endpoint, signed with Stripe's scheme, at a steady
`--rate` (plus `--repeat` of them delivered a second time, as Stripe's retries do), while the
entitlements catalog grants and the sale entries payouts books are counted. Figures:
bench/results/webhook_purchases.json and .md. Goal (issue 10): >= 200 purchases/s handled in
both, sustained, and zero duplicates (rows per purchase counted in each service).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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
from shared.contracts.catalog import PersonaApproved
from shared.testing.publish import publish_event
from shared.testing.servers import create_database, drop_database, free_port
from shared.testing.tokens import token_issuer
from stripe_emulator.testing import API_KEY, WEBHOOK_SECRET
from stripe_emulator.webhooks import sign

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
SERVICES = ("billing", "catalog", "payouts")
# The emulator is Stripe: its own process, as Stripe is not in ours or the driver's.
EMULATOR = "stripe_emulator"
GOAL_PER_S = 200.0
CARD = "4242424242424242"


def log(msg: str) -> None:
    print(f"[webhook bench] {msg}", flush=True)


def start(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    logfile = (ROOT / ".run" / f"bench-{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", name, *args],
        env={**os.environ, **env},
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )


async def wait_ready(
    url: str, proc: subprocess.Popen[bytes], name: str, path: str = "/readyz"
) -> None:
    auth = {"Authorization": f"Bearer {API_KEY}"}
    async with httpx.AsyncClient(timeout=5, headers=auth) as http:
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited; see .run/bench-{name}.log")
            try:
                if (await http.get(f"{url}{path}")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{name} not ready; see .run/bench-{name}.log")


async def bounded(n: int, jobs: list[Any]) -> list[Any]:
    """Run coroutines with at most `n` in flight."""
    gate = asyncio.Semaphore(n)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return await asyncio.gather(*(one(j) for j in jobs))


async def setup_purchases(
    billing: str, emulator: str, tokens: Any, personas: list[str], count: int
) -> list[dict[str, Any]]:
    """Open and pay `count` checkouts; return the emulator's checkout.session.completed events."""
    async with httpx.AsyncClient(timeout=60) as http:

        async def buy(i: int) -> str:
            r = await http.post(
                f"{billing}/api/payments/create-checkout",
                json={"persona_id": personas[i % len(personas)]},
                headers=tokens.headers(f"buyer-{i}"),
            )
            r.raise_for_status()
            session_id: str = r.json()["session_id"]
            paid = await http.post(
                f"{emulator}/_emulator/checkout/sessions/{session_id}/pay", json={"card": CARD}
            )
            paid.raise_for_status()
            return session_id

        started = time.perf_counter()
        sessions = set(await bounded(16, [buy(i) for i in range(count)]))
        log(f"{count} checkouts opened and paid in {time.perf_counter() - started:.0f}s")
        events: list[dict[str, Any]] = []
        after: str | None = None
        auth = {"Authorization": f"Bearer {API_KEY}"}
        while True:
            params: dict[str, Any] = {"type": "checkout.session.completed", "limit": 100}
            if after:
                params["starting_after"] = after
            page = (await http.get(f"{emulator}/v1/events", params=params, headers=auth)).json()
            events += [e for e in page["data"] if e["data"]["object"]["id"] in sessions]
            if not page.get("has_more") or not page["data"]:
                break
            after = page["data"][-1]["id"]
    if len(events) != count:
        raise RuntimeError(f"the emulator recorded {len(events)} completions for {count} payments")
    return events


async def counts(dbs: dict[str, asyncpg.Connection]) -> tuple[int, int]:
    granted = await dbs["catalog"].fetchval(
        "SELECT count(*) FROM entitlements WHERE source = 'purchase'"
    )
    booked = await dbs["payouts"].fetchval(
        "SELECT count(*) FROM ledger_entries WHERE kind = 'sale'"
    )
    return int(granted), int(booked)


async def drive(
    billing: str, events: list[dict[str, Any]], rate: float, repeat: float
) -> dict[str, Any]:
    """POST every event (and a `repeat` share of them twice) at a steady rate."""
    rng = random.Random(7)
    sends = events + rng.sample(events, int(len(events) * repeat))
    rng.shuffle(sends)
    outcomes: dict[str, int] = {}
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def post(event: dict[str, Any]) -> None:
            body = json.dumps(event)
            r = await http.post(
                f"{billing}/api/payments/webhook",
                content=body.encode(),
                headers={"Stripe-Signature": sign(body, WEBHOOK_SECRET)},
            )
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            if r.status_code == 200:
                outcome = str(r.json().get("outcome"))
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

        started = time.perf_counter()
        tasks = []
        for i, event in enumerate(sends):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(event)))
        offered_s = time.perf_counter() - started
        await asyncio.gather(*tasks)
        accepted_s = time.perf_counter() - started
    return {
        "sent": len(sends),
        "offered_per_s": round(len(sends) / offered_s, 1),
        "accepted_per_s": round(len(sends) / accepted_s, 1),
        "http_statuses": statuses,
        "outcomes": outcomes,
        "started": started,
    }


async def duplicates(dbs: dict[str, asyncpg.Connection]) -> dict[str, int]:
    """Purchases with more than one row where there must be exactly one."""
    per_purchase = (
        "SELECT count(*) FROM (SELECT transaction_id FROM {table} WHERE {where}"
        " GROUP BY transaction_id HAVING count(*) > 1) AS d"
    )
    return {
        "catalog_entitlements": int(
            await dbs["catalog"].fetchval(
                per_purchase.format(table="entitlements", where="source = 'purchase'")
            )
        ),
        "payouts_sales": int(
            await dbs["payouts"].fetchval(
                per_purchase.format(table="ledger_entries", where="kind = 'sale'")
            )
        ),
        "billing_completions": int(
            await dbs["billing"].fetchval(
                "SELECT count(*) FROM (SELECT stream_id FROM events WHERE type ="
                " 'PurchaseCompleted' GROUP BY stream_id HAVING count(*) > 1) AS d"
            )
        ),
    }


async def run(purchases: int, rate: float, repeat: float, personas: int) -> dict[str, Any]:
    namespace = f"whbench-{uuid.uuid4().hex[:8]}"
    created = await asyncio.gather(*(create_database(POSTGRES, f"wh{n[:3]}") for n in SERVICES))
    urls = dict(zip(SERVICES, created, strict=True))
    procs: dict[str, subprocess.Popen[bytes]] = {}
    dbs: dict[str, asyncpg.Connection] = {}
    try:
        async with token_issuer() as tokens:
            ports = {n: free_port() for n in (*SERVICES, EMULATOR)}
            emulator_url = f"http://127.0.0.1:{ports[EMULATOR]}"
            procs[EMULATOR] = start(
                EMULATOR,
                ["--port", str(ports[EMULATOR]), "--log-level", "warning"],
                {
                    "STRIPE_EMULATOR_WEBHOOK_SECRET": WEBHOOK_SECRET,
                    "STRIPE_EMULATOR_PUBLIC_URL": emulator_url,
                },
            )
            for name in SERVICES:
                env = {
                    "APP_ENV": "test",
                    "LOG_LEVEL": "WARNING",
                    "AMQP_URL": AMQP,
                    "BUS_NAMESPACE": namespace,
                    "JWKS_URL": tokens.jwks_url,
                    "STRIPE_API_KEY": API_KEY,
                    "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                    "STRIPE_API_BASE": emulator_url,
                    f"{name.upper()}_DATABASE_URL": urls[name],
                    "CATALOG_BLOB_DIR": str(ROOT / ".run" / "bench-webhook-blobs"),
                }
                procs[name] = start(name, ["serve", "--port", str(ports[name])], env)
            base = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
            for name in SERVICES:
                await wait_ready(base[name], procs[name], name)
            await wait_ready(emulator_url, procs[EMULATOR], EMULATOR, "/v1/events")
            dbs = {n: await asyncpg.connect(urls[n]) for n in SERVICES}
            broker = Broker(AMQP, namespace)
            await broker.connect()
            try:
                ids = [str(uuid.uuid4()) for _ in range(personas)]
                for i, persona_id in enumerate(ids):
                    await publish_event(
                        broker,
                        PersonaApproved(
                            persona_id=persona_id,
                            creator_id=f"creator-{i}",
                            name=f"Bench persona {i}",
                            price_cents=999,
                            currency="usd",
                        ),
                        stream_type="persona",
                        stream_id=persona_id,
                        version=1,
                    )
                deadline = time.monotonic() + 60
                while await dbs["billing"].fetchval("SELECT count(*) FROM personas") < personas:
                    if time.monotonic() > deadline:
                        raise RuntimeError("billing did not learn the personas' prices")
                    await asyncio.sleep(0.2)
            finally:
                await broker.close()
            events = await setup_purchases(base["billing"], emulator_url, tokens, ids, purchases)

            log(f"delivering {purchases} webhooks (+{repeat:.0%} repeated) at {rate:g}/s")
            timeline: list[tuple[float, int, int]] = []
            sent = asyncio.create_task(drive(base["billing"], events, rate, repeat))
            began = time.perf_counter()
            limit = began + purchases / rate * 4 + 60
            while time.perf_counter() < limit:
                granted, booked = await counts(dbs)
                timeline.append((time.perf_counter() - began, granted, booked))
                if granted >= purchases and booked >= purchases and sent.done():
                    break
                await asyncio.sleep(0.1)
            delivery = await sent
            await asyncio.sleep(2)  # anything late (a duplicate) shows in the counts below
            granted, booked = await counts(dbs)
            dupes = await duplicates(dbs)
    finally:
        for conn in dbs.values():
            await conn.close()
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for dsn in urls.values():
            await drop_database(dsn)

    def done_at(column: int) -> float | None:
        return next((t for t, *c in timeline if c[column - 1] >= purchases), None)

    def rate_of(column: int) -> float:
        finished = done_at(column)
        return round(purchases / finished, 1) if finished else 0.0

    catalog_rate, payouts_rate = rate_of(1), rate_of(2)
    total_dupes = sum(dupes.values())
    return {
        "benchmark": "webhook_purchases",
        "purchases": purchases,
        "personas": personas,
        "target_rate_per_s": rate,
        "repeated_share": repeat,
        "delivery": {k: v for k, v in delivery.items() if k != "started"},
        "catalog_entitlements": granted,
        "payouts_sales": booked,
        "catalog_handled_per_s": catalog_rate,
        "payouts_handled_per_s": payouts_rate,
        "catalog_done_s": done_at(1),
        "payouts_done_s": done_at(2),
        "duplicates": dupes,
        "goal": f">= {GOAL_PER_S:g}/s handled in catalog and payouts, 0 duplicates",
        "met": min(catalog_rate, payouts_rate) >= GOAL_PER_S
        and total_dupes == 0
        and granted == booked == purchases,
        "load_average_1m": round(os.getloadavg()[0], 1),
        "machine": {"cpus": os.cpu_count()},
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "timeline": [(round(t, 2), g, b) for t, g, b in timeline[:: max(1, len(timeline) // 60)]],
    }


def write(result: dict[str, Any]) -> None:
    lines = [
        "# Webhook → PurchaseCompleted in catalog and payouts",
        "",
        f"{result['when']}, {result['machine']['cpus']} CPUs, load {result['load_average_1m']}.",
        "",
        "| figure | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in result.items() if k not in ("timeline", "machine")]
    save("webhook_purchases", result, lines)
    print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--purchases", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=250.0, help="webhooks offered per second")
    parser.add_argument("--repeat", type=float, default=0.05, help="share delivered twice")
    parser.add_argument("--personas", type=int, default=20)
    args = parser.parse_args()
    (ROOT / ".run").mkdir(exist_ok=True)
    write(asyncio.run(run(args.purchases, args.rate, args.repeat, args.personas)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

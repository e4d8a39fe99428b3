"""Analytics speed: stream consumer throughput, a 1-year overview and the view beacon, through
the gateway, and a rebuild of a million events, on the local PostgreSQL and RabbitMQ.

    uv run python bench/analytics_stream.py [--events 20000] [--rebuild-events 1000000]

A fresh database and a private bus namespace are made; N events (sales, free acquisitions and
downloads of 200 personas of one creator, spread over the last 365 days) are published to the
stream first, then an analytics service is started and timed until its stored offset reaches the
last one (events/s). Then, sequentially after a warm-up, `GET /api/analytics/overview` and
`GET /api/analytics/personas/{id}` for the whole year and `POST /api/analytics/views` (p50/p95),
all through a gateway. Last, `--rebuild-events` events (the same mix) are written as a
producer export (the JSON lines `python -m <service> export-events` writes) and
`python -m analytics rebuild --from-export` is timed on a fresh database, from reading the file
to the swap (0 skips it). Figures go to bench/results/analytics.json and .md. Targets (issue
#11): ≥ 2,000 events/s, a rebuild of 1,000,000 events < 5 minutes, overview p95 ≤ 50 ms, view
report p95 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from analytics.app import create_app
from analytics.rebuild import rebuild
from analytics.settings import AnalyticsSettings
from gateway.app import create_app as gateway_app
from gateway.settings import GatewaySettings
from result_files import save
from shared.bus import Broker
from shared.contracts.billing import PurchaseCompleted
from shared.contracts.catalog import PersonaAcquired, PersonaApproved, PersonaDownloaded
from shared.events import Envelope, Event
from shared.testing.servers import create_database, delete_namespace, drop_database, serve_app
from shared.testing.tokens import token_issuer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
TARGETS = {
    "events_per_s": 2000.0,
    "rebuild_1m_s": 300.0,
    "overview_1y_p95_ms": 50.0,
    "view_report_p95_ms": 10.0,
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"


def log(msg: str) -> None:
    print(f"[analytics bench] {msg}", flush=True)


def envelope(event: Event, at: datetime) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=event.type_name(),
        producer=event.producer_name(),
        stream_type="bench",
        stream_id=str(uuid.uuid4()),
        version=1,
        occurred_at=at,
        data=event.to_data(),
    )


def workload(n: int, creator: str, personas: list[str], first: int = 0) -> list[Envelope]:
    """Events `first` to `n` of the mix (the personas' approvals are the first 200)."""
    now = datetime.now(UTC)
    out = [
        envelope(
            PersonaApproved(
                persona_id=p, creator_id=creator, name=f"P{i}", price_cents=500, currency="usd"
            ),
            now - timedelta(days=366),
        )
        for i, p in enumerate(personas)
    ][first:n]
    for i in range(max(first - len(personas), 0), n - len(personas)):
        p = personas[i % len(personas)]
        at = now - timedelta(minutes=(i * 26) % (365 * 24 * 60))
        kind = i % 3
        user = f"u{i}"
        event: Event
        if kind == 0:
            event = PurchaseCompleted(
                transaction_id=f"tx{i}", buyer_id=user, persona_id=p, creator_id=creator,
                amount=500, currency="usd", platform_fee=150, creator_revenue=350,
                fee_rate_bps=3000,
            )  # fmt: skip
        elif kind == 1:
            event = PersonaAcquired(persona_id=p, user_id=user, creator_id=creator, source="free")
        else:
            event = PersonaDownloaded(persona_id=p, user_id=user, creator_id=creator, version="1")
        out.append(envelope(event, at))
    return out


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(n: int, call: Any) -> list[float]:
    for _ in range(20):  # warm-up
        await call()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        await call()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def run(n_events: int) -> dict[str, Any]:
    ns = f"bench{uuid.uuid4().hex[:8]}."
    dsn = await create_database(POSTGRES, "anbench")
    creator = str(uuid.uuid4())
    personas = [str(uuid.uuid4()) for _ in range(200)]
    broker = Broker(AMQP, ns)
    await broker.connect()
    await broker.declare_topology()
    try:
        events = workload(n_events, creator, personas)
        log(f"publishing {len(events)} events")
        for start in range(0, len(events), 500):
            chunk = events[start : start + 500]
            done = await broker.publish_many(
                [(str(e.event_id), f"{e.producer}.{e.type}", e.to_bytes()) for e in chunk]
            )
            assert done == len(chunk)
        async with token_issuer() as tokens:
            settings = AnalyticsSettings(
                env="test", database_url=dsn, amqp_url=AMQP, bus_namespace=ns,
                jwks_url=tokens.jwks_url, log_level="WARNING",
            )  # fmt: skip
            app = create_app(settings, refresher=False)
            async with serve_app(app) as url:
                started, cpu = time.perf_counter(), time.process_time()
                while True:
                    offset = await app.state.pool.fetchval(
                        "SELECT \"offset\" FROM stream_offsets WHERE consumer = 'analytics'"
                    )
                    if offset is not None and offset >= len(events) - 1:
                        break
                    await asyncio.sleep(0.02)
                elapsed = time.perf_counter() - started
                # This process's CPU meanwhile (the consumer; the wait loop is idle): on a
                # loaded machine the rate is the share of a core it got, this is what it costs.
                consumer_cpu = time.process_time() - cpu
                rate = len(events) / elapsed
                log(f"consumer: {len(events)} events in {elapsed:.2f}s = {rate:.0f}/s")
                gw = GatewaySettings(
                    env="test", amqp_url=AMQP, bus_namespace=ns, jwks_url=tokens.jwks_url,
                    analytics_url=url, web_dist=RESULTS, log_level="WARNING",
                )  # fmt: skip
                async with (
                    serve_app(gateway_app(gw)) as gw_url,
                    httpx.AsyncClient(base_url=gw_url, timeout=30) as http,
                ):
                    await asyncio.sleep(1.0)  # the gateway loads the JWKS
                    headers = tokens.headers(creator)
                    year = {
                        "from": (datetime.now(UTC) - timedelta(days=364)).date().isoformat(),
                        "to": datetime.now(UTC).date().isoformat(),
                    }

                    async def overview() -> None:
                        r = await http.get("/api/analytics/overview", params=year, headers=headers)
                        assert r.status_code == 200, r.text

                    async def view() -> None:
                        http.cookies.clear()
                        r = await http.post(
                            "/api/analytics/views",
                            json={"persona_id": personas[0], "referrer": "https://example.com/"},
                            headers={"User-Agent": BROWSER},
                        )
                        assert r.status_code == 202, r.text

                    async def persona_page() -> None:
                        r = await http.get(
                            f"/api/analytics/personas/{personas[0]}", params=year, headers=headers
                        )
                        assert r.status_code == 200, r.text

                    overview_ms = await timed(100, overview)
                    persona_ms = await timed(100, persona_page)
                    view_ms = await timed(300, view)
        return {
            "measured_at": datetime.now(UTC).isoformat(),
            "machine": f"{platform.machine()} {os.cpu_count()} CPUs, {platform.python_version()}",
            # Shared machine: the load during the run explains much of a slow figure.
            "load_average_1m": round(os.getloadavg()[0], 1),
            "events": len(events),
            "events_per_s": round(rate),
            "consumer_cpu_us_per_event": round(consumer_cpu / len(events) * 1e6),
            "overview_1y_p50_ms": round(statistics.median(overview_ms), 2),
            "overview_1y_p95_ms": round(pct(overview_ms, 0.95), 2),
            "persona_1y_p50_ms": round(statistics.median(persona_ms), 2),
            "persona_1y_p95_ms": round(pct(persona_ms, 0.95), 2),
            "view_report_p50_ms": round(statistics.median(view_ms), 2),
            "view_report_p95_ms": round(pct(view_ms, 0.95), 2),
            "targets": TARGETS,
            "through": "gateway (in-process uvicorn) -> analytics (in-process uvicorn)",
        }
    finally:
        await broker.close()
        await delete_namespace(AMQP, ns)
        await drop_database(dsn)


async def rebuild_run(n_events: int) -> dict[str, Any]:
    """Time `python -m analytics rebuild --from-export FILE` of `n_events` on a fresh database."""
    ns = f"bench{uuid.uuid4().hex[:8]}."
    creator = str(uuid.uuid4())
    personas = [str(uuid.uuid4()) for _ in range(200)]
    export = RESULTS / f"analytics-export-{ns.strip('.')}.jsonl"
    # Written before any connection is open (the loop is busy meanwhile: no heartbeats).
    RESULTS.mkdir(parents=True, exist_ok=True)
    log(f"writing {n_events} events to {export.name}")
    with export.open("w", encoding="utf-8") as out:
        for start in range(0, n_events, 50_000):
            chunk = workload(min(start + 50_000, n_events), creator, personas, start)
            out.writelines(e.model_dump_json() + "\n" for e in chunk)
    dsn = await create_database(POSTGRES, "anrebuild")
    broker = Broker(AMQP, ns)
    await broker.connect()
    await broker.declare_topology()
    try:
        settings = AnalyticsSettings(
            env="test", database_url=dsn, amqp_url=AMQP, bus_namespace=ns, log_level="WARNING"
        )
        await migrate(settings)
        started, cpu = time.perf_counter(), time.process_time()
        report = await rebuild(settings, [export])
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        assert report.exported_events == n_events, report
        log(f"rebuild: {n_events} events in {elapsed:.1f}s = {n_events / elapsed:.0f}/s")
        return {
            "rebuild_events": n_events,
            "rebuild_s": round(elapsed, 1),
            "rebuild_events_per_s": round(n_events / elapsed),
            "rebuild_cpu_us_per_event": round(cpu / n_events * 1e6),
        }
    finally:
        export.unlink(missing_ok=True)
        await broker.close()
        await delete_namespace(AMQP, ns)
        await drop_database(dsn)


async def migrate(settings: AnalyticsSettings) -> None:
    app = create_app(settings, refresher=False)
    async with serve_app(app):  # starts the service once: its migrations run
        pass


def write(result: dict[str, Any]) -> None:
    rebuilt = (
        f"{result['rebuild_s']} s for {result['rebuild_events']:,} events"
        f" ({result['rebuild_events_per_s']:,} events/s)"
        if "rebuild_s" in result
        else "not run"
    )
    rows = [
        ("stream consumer", f"{result['events_per_s']} events/s", "≥ 2,000 events/s"),
        ("rebuild from an export", rebuilt, "< 5 minutes for 1,000,000 events"),
        ("overview, 1 year, p95", f"{result['overview_1y_p95_ms']} ms", "≤ 50 ms"),
        ("persona analytics, 1 year, p95", f"{result['persona_1y_p95_ms']} ms", "—"),
        ("view report, p95", f"{result['view_report_p95_ms']} ms", "≤ 10 ms"),
    ]
    md = [
        "# Analytics bench",
        "",
        f"{result['measured_at']} · {result['machine']} · load {result['load_average_1m']}"
        f" · {result['events']} events · {result['through']}",
        "",
        "| figure | measured | target |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    save("analytics", result, md)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rebuild-events", type=int, default=1_000_000)
    args = parser.parse_args()
    result = asyncio.run(run(args.events))
    if args.rebuild_events:
        result |= asyncio.run(rebuild_run(args.rebuild_events))
        result["load_average_1m_after_rebuild"] = round(os.getloadavg()[0], 1)
    write(result)
    log(json.dumps(result))


if __name__ == "__main__":
    main()

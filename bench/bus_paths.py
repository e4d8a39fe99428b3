"""The kernel's bus paths against their references, on the local PostgreSQL and RabbitMQ.

    uv run python bench/bus_paths.py [--events 5000 --rounds 3 --seconds 20]

* outbox_relay: events committed to the outbox, then the kernel's relay (read a batch, publish
  with confirms, delete the confirmed prefix) until the outbox is empty, messages/s — against raw
  aio-pika publishing the same bodies, with confirms, to the same exchange and queues in batches
  of the same size (goal ≥ 0.8). Alternating rounds A, B, B, A, ...; the median round counts.
* inbox_latency: one event committed every 10 ms (100/s) through the event store; the relay
  publishes it and an inbox-guarded consumer handles it; latency = handled - committed, p50 and
  p99 (goals ≤ 10 ms and ≤ 50 ms). Producer, relay and consumer share one process and one event
  loop, as they would in a service (the consumer's side is a different service's process in
  production, which only takes load off this one).

Writes bench/results/bus_paths.json; bench/report.py turns it into the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
from shared.bus import EXCHANGE, Broker
from shared.db import create_pool, migrate
from shared.events import Envelope, Event
from shared.eventstore import EventStore
from shared.outbox import OutboxRelay
from shared.subscriptions import Subscription
from shared.testing.servers import create_database, delete_namespace, drop_database
from shared.uow import UnitOfWork

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gateway_overhead import write

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
BATCH = 500  # the relay's default batch size; the reference publishes in batches of the same


class BenchPinged(Event):
    producer = "bench"
    n: int
    note: str  # about the size of a real event's data


def log(msg: str) -> None:
    print(f"[bus bench] {msg}", flush=True)


async def fill_outbox(pool: Any, store: EventStore, count: int) -> None:
    """`count` events on 50 streams, committed 100 to a transaction (the relay is not running)."""
    per_stream: dict[str, int] = {}
    for start in range(0, count, 100):
        sid = f"s-{(start // 100) % 50}"
        version = per_stream.get(sid, 0)
        events = [BenchPinged(n=start + i, note="x" * 200) for i in range(min(100, count - start))]
        async with pool.acquire() as conn, conn.transaction():
            await store.append(conn, "bench", sid, version, events)
        per_stream[sid] = version + len(events)


def per_message(count: int, started: float, cpu: float) -> tuple[float, float]:
    """Messages/s since `started`, and this process's CPU (every thread) per message in µs since
    `cpu`: the relay's own cost, apart from the broker's and PostgreSQL's."""
    return count / (time.perf_counter() - started), (time.process_time() - cpu) / count * 1e6


async def relay_round(dsn: str, pool: Any, broker: Broker, count: int) -> tuple[float, float]:
    store = EventStore("bench")
    await pool.execute("TRUNCATE events")
    await fill_outbox(pool, store, count)
    relay = OutboxRelay(dsn, broker, "bench", batch_size=BATCH, poll_interval=0.05)
    started, cpu = time.perf_counter(), time.process_time()
    task = asyncio.create_task(relay.run())
    try:
        while relay.published < count:
            await asyncio.sleep(0.005)
        return per_message(count, started, cpu)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def raw_round(channel: Any, exchange_name: str, bodies: list[bytes]) -> tuple[float, float]:
    exchange = await channel.get_exchange(exchange_name)
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(bodies), BATCH):
        await asyncio.gather(
            *(
                exchange.publish(
                    aio_pika.Message(
                        body,
                        message_id=str(uuid.uuid4()),
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    BenchPinged.routing_key(),
                    mandatory=True,
                )
                for body in bodies[i : i + BATCH]
            )
        )
    return per_message(len(bodies), started, cpu)


async def purge(channel: Any, queue: str) -> None:
    q = await channel.get_queue(queue)
    await q.purge()


async def relay_vs_raw(dsn: str, ns: str, events: int, rounds: int) -> dict[str, Any]:
    pool = await create_pool(dsn, max_size=4)
    broker = Broker(AMQP, ns, connection_label="bench")
    await broker.connect()
    sink = Subscription("bench", "sink", bindings=(BenchPinged.routing_key(),))
    await broker.declare_topology([sink])
    raw = await aio_pika.connect_robust(AMQP)
    channel = await raw.channel(publisher_confirms=True, on_return_raises=True)
    sample = BenchPinged(n=0, note="x" * 200)
    body = Envelope(
        event_id=uuid.uuid4(),
        type=sample.type_name(),
        producer="bench",
        stream_type="bench",
        stream_id="s-0",
        version=1,
        occurred_at=datetime.now(UTC),
        data=sample.to_data(),
    ).to_bytes()
    runs: dict[str, list[dict[str, float]]] = {"relay": [], "raw": []}
    try:
        for i in range(rounds):
            order = ["relay", "raw"] if i % 2 == 0 else ["raw", "relay"]
            for side in order:
                if side == "relay":
                    rate, cpu_us = await relay_round(dsn, pool, broker, events)
                else:
                    rate, cpu_us = await raw_round(channel, broker.name(EXCHANGE), [body] * events)
                runs[side].append(
                    {"msgs_per_s": round(rate, 1), "cpu_us_per_msg": round(cpu_us, 1)}
                )
                log(f"round {i + 1} {side}: {rate:,.0f} messages/s, {cpu_us:.0f} µs CPU/message")
                await purge(channel, broker.name(sink.queue))
    finally:
        await raw.close()
        await broker.close()
        await pool.close()
    a = round(statistics.median(r["msgs_per_s"] for r in runs["relay"]), 1)
    b = round(statistics.median(r["msgs_per_s"] for r in runs["raw"]), 1)
    ratio = round(a / b, 3)
    return {
        "figure": "outbox_relay",
        "metric": "msgs_per_s",
        "project": "kernel outbox relay",
        "project_value": a,
        "reference": "raw aio-pika publish with confirms, same batch",
        "reference_value": b,
        "ratio": ratio,
        "goal": ">= 0.8",
        "met": ratio >= 0.8,
        "rounds": {"project": runs["relay"], "reference": runs["raw"]},
    }


async def inbox_latency(dsn: str, ns: str, seconds: int) -> list[dict[str, Any]]:
    await truncate(dsn)
    pool = await create_pool(dsn, max_size=6)
    broker = Broker(AMQP, ns, connection_label="bench-latency")
    await broker.connect()
    committed: dict[uuid.UUID, float] = {}
    latencies: list[float] = []
    sub = Subscription("bench", "latency")

    @sub.on(BenchPinged)
    async def handled(e: BenchPinged, env: Envelope, uow: UnitOfWork) -> None:
        at = committed.get(env.event_id)
        if at is not None:
            latencies.append((time.perf_counter() - at) * 1000)

    await broker.declare_topology([sub])
    store = EventStore("bench")
    await broker.consume(sub, pool, store)
    relay = OutboxRelay(dsn, broker, "bench", poll_interval=1.0)
    relay_task = asyncio.create_task(relay.run())
    try:
        while not relay.is_leader:
            await asyncio.sleep(0.01)
        total = seconds * 100
        next_at = time.perf_counter()
        for n in range(total):
            async with pool.acquire() as conn:
                async with conn.transaction():
                    [env] = await store.append(
                        conn, "bench", f"l-{n}", 0, [BenchPinged(n=n, note="x" * 200)]
                    )
                committed[env.event_id] = time.perf_counter()
            next_at += 0.01
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        deadline = time.perf_counter() + 30
        while len(latencies) < total and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
    finally:
        relay_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay_task
        await broker.close()
        await pool.close()
    if len(latencies) < total:
        raise RuntimeError(f"only {len(latencies)} of {total} events were handled")
    latencies.sort()
    p50 = round(latencies[len(latencies) // 2], 2)
    p99 = round(latencies[int(len(latencies) * 0.99) - 1], 2)
    log(f"commit → handled at 100 events/s over {total} events: p50 {p50} ms, p99 {p99} ms")
    return [
        {
            "figure": "inbox_latency",
            "metric": metric,
            "project": "commit → inbox consumer at 100 events/s",
            "project_value": value,
            "reference": "goal (absolute)",
            "reference_value": goal,
            "ratio": value,
            "goal": f"<= {goal}",
            "met": value <= goal,
            "rounds": {"project": [], "reference": []},
        }
        for metric, value, goal in (("p50_ms", p50, 10.0), ("p99_ms", p99, 50.0))
    ]


async def truncate(dsn: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("TRUNCATE events, outbox, inbox")
    finally:
        await conn.close()


async def main_async(args: argparse.Namespace) -> None:
    dsn = await create_database(POSTGRES)
    ns = f"bench{uuid.uuid4().hex[:8]}."
    try:
        await migrate(dsn, [])
        relay = await relay_vs_raw(dsn, ns, args.events, args.rounds)
        latency = await inbox_latency(dsn, ns, args.seconds)
        write("bus_paths", [relay, *latency])
    finally:
        await delete_namespace(AMQP, ns)
        await drop_database(dsn)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    asyncio.run(main_async(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

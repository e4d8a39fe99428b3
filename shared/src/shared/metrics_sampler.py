"""The metrics sampler: everything that needs a query (outbox depth and age, queue and dead-letter
depths, stream offset lag, a service's own gauges) is read by one background task every
`METRICS_SAMPLE_S` seconds, never per request or per scrape. Re-exported by `shared.metrics`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import Gauge

from shared.logging import get_logger
from shared.metric_families import (
    CONSUMER_LAG,
    DLQ_DEPTH,
    OUTBOX_DEPTH,
    OUTBOX_LAG_SECONDS,
    STREAM_OFFSET_LAG,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

log = get_logger(__name__)

Sampler = Callable[["FastAPI"], Awaitable[None]]


async def sample_outbox(app: FastAPI) -> None:
    service = app.state.settings.service_name
    row = await app.state.pool.fetchrow(
        "SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS age"
        " FROM outbox"
    )
    OUTBOX_DEPTH.labels(service).set(row["n"])
    OUTBOX_LAG_SECONDS.labels(service).set(float(row["age"]))


async def sample_queues(app: FastAPI) -> None:
    """Queue, dead-letter and stream depths from passive declarations on one channel."""
    broker = app.state.broker
    bus = getattr(app.state, "bus", None)
    if broker.connection is None or broker.connection.is_closed or (bus and not bus.ready.is_set()):
        return
    service = app.state.settings.service_name
    channel = await broker.connection.channel()
    try:
        for queue in getattr(app.state, "subscription_queues", ()):
            declared = await channel.declare_queue(broker.name(queue), passive=True)
            CONSUMER_LAG.labels(service, queue).set(declared.declaration_result.message_count)
            dlq = await channel.declare_queue(broker.name(queue) + ".dlq", passive=True)
            DLQ_DEPTH.labels(service, queue).set(dlq.declaration_result.message_count)
        for consumer in app.state.streams.values():
            end = await stream_end(channel, broker.name(consumer.sub.stream))
            committed = consumer.position if consumer.position is not None else -1
            STREAM_OFFSET_LAG.labels(service, consumer.sub.consumer).set(
                max(0, end - committed) if end is not None else 0
            )
    finally:
        with contextlib.suppress(Exception):
            await channel.close()


async def stream_end(channel: Any, stream: str) -> int | None:
    """The offset of the last message in a stream queue (None: empty), read by attaching a
    consumer at `last` (the start of the last chunk) and taking the highest offset delivered."""
    # (A stream's declare-ok always counts 0 messages, so it cannot say.)
    queue = await channel.declare_queue(stream, passive=True)
    await channel.set_qos(prefetch_count=1000)
    highest: list[int] = []
    got = asyncio.Event()

    async def seen(message: Any) -> None:
        offset = (message.headers or {}).get("x-stream-offset")
        if isinstance(offset, int):
            highest.append(offset)
            got.set()

    tag = await queue.consume(seen, arguments={"x-stream-offset": "last"}, no_ack=False)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(got.wait(), 2)
        await asyncio.sleep(0.05)  # the rest of the chunk
    finally:
        with contextlib.suppress(Exception):
            await queue.cancel(tag)
    return max(highest) if highest else None


async def sample_by_status(
    app: FastAPI,
    table: str,
    statuses: Sequence[str],
    count: Gauge,
    amount: Gauge | None = None,
    amount_column: str = "amount",
) -> None:
    """`count{service, status}` (and the summed `amount_column`) per `status` of `table`: one
    GROUP BY per sampling round. The `statuses` named are always exported (0 when none), so an
    alert on them never reads "no data"; a status that disappeared reads 0."""
    service = app.state.settings.service_name
    total = f"coalesce(sum({amount_column}), 0)" if amount is not None else "0"
    rows = await app.state.pool.fetch(
        f"SELECT status, count(*) AS n, {total} AS amount FROM {table} GROUP BY status"
    )
    seen = {r["status"]: r for r in rows}
    known = (
        {labels[1] for labels in _children(count) if labels[0] == service}
        | set(seen)
        | set(statuses)
    )
    for status in known:
        row = seen.get(status)
        count.labels(service, status).set(row["n"] if row else 0)
        if amount is not None:
            amount.labels(service, status).set(int(row["amount"]) if row else 0)


def _children(gauge: Gauge) -> list[tuple[str, ...]]:
    return list(getattr(gauge, "_metrics", {}).keys())


async def run_sampler(app: FastAPI, samplers: Sequence[Sampler], interval: float) -> None:
    """Run every sampler each `interval` seconds; a failing one is logged and tried again."""
    while True:
        for sampler in samplers:
            try:
                await sampler(app)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("metrics sampler failed", sampler=sampler.__name__, error=repr(exc))
        await asyncio.sleep(interval)

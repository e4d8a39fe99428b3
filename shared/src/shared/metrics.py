"""Prometheus metrics: every metric the platform exports, the `/metrics` endpoint, the request
middleware and the sampler.

Per request the cost is one clock read and one histogram observation (no I/O). Everything that
needs a query — outbox depth and age, queue and dead-letter depths, stream offset lag, a service's
own gauges (payouts by status) — is sampled by one background task every `METRICS_SAMPLE_S`
seconds (15 by default), never per request or per scrape.

Every metric carries a `service` label (the producing service): Prometheus adds `job`/`instance`
too, but the label keeps figures apart where several services share one process (the test stack).

Several uvicorn workers (`WEB_CONCURRENCY` > 1): `shared.cli.serve` points
`PROMETHEUS_MULTIPROC_DIR` at a fresh directory before the workers start, each worker writes its
values there and `/metrics` merges them (prometheus-client's multiprocess mode): counters and
histograms add up; sampled gauges report the largest live value (every worker samples the same
database), the argon2 in-flight gauge the sum of the live workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import telemetry
from shared.logging import get_logger

if TYPE_CHECKING:
    from fastapi import FastAPI

log = get_logger(__name__)

METRICS_PATH = "/metrics"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# --- HTTP (every service and the gateway) -----------------------------------------------------
HTTP_REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time from request to the end of the response, by route template and status.",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# --- outbox relay -----------------------------------------------------------------------------
OUTBOX_DEPTH = Gauge(
    "outbox_depth",
    "Outbox rows not yet published (sampled).",
    ["service"],
    multiprocess_mode="livemax",
)
OUTBOX_LAG_SECONDS = Gauge(
    "outbox_relay_lag_seconds",
    "Age of the oldest unpublished outbox row; 0 when the outbox is empty (sampled).",
    ["service"],
    multiprocess_mode="livemax",
)
OUTBOX_PUBLISHED = Counter(
    "outbox_published", "Events the relay published with a broker confirm.", ["service"]
)

# --- queue consumers --------------------------------------------------------------------------
CONSUMER_LAG = Gauge(
    "consumer_lag_messages",
    "Messages waiting in a consumer's queue, not yet delivered (sampled).",
    ["service", "queue"],
    multiprocess_mode="livemax",
)
DLQ_DEPTH = Gauge(
    "dlq_depth_messages",
    "Messages in a consumer's dead-letter queue (sampled).",
    ["service", "queue"],
    multiprocess_mode="livemax",
)
CONSUMER_SECONDS = Histogram(
    "consumer_processing_seconds",
    "Time to handle one message (inbox transaction included), by queue and outcome.",
    ["service", "queue", "outcome"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# --- stream readers (analytics) ---------------------------------------------------------------
STREAM_OFFSET_LAG = Gauge(
    "stream_offset_lag",
    "Stream offsets between the stream's end and the consumer's committed offset (sampled).",
    ["service", "consumer"],
    multiprocess_mode="livemax",
)
STREAM_BATCH_SECONDS = Histogram(
    "stream_batch_seconds",
    "Time to apply one batch of stream messages.",
    ["service", "consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

# --- identity: argon2 hashing pool ------------------------------------------------------------
ARGON2_IN_FLIGHT = Gauge(
    "argon2_in_flight",
    "Password hashes running or queued in the bounded argon2 pool (sampled).",
    ["service"],
    multiprocess_mode="livesum",
)
ARGON2_CAPACITY = Gauge(
    "argon2_capacity",
    "Hashes the argon2 pool admits (workers + queue) before it refuses.",
    ["service"],
    multiprocess_mode="livesum",
)
ARGON2_REJECTED = Counter(
    "argon2_rejected", "Hash requests refused because the pool was full (429).", ["service"]
)

# --- generation -------------------------------------------------------------------------------
GENERATION_TTFT_SECONDS = Histogram(
    "generation_time_to_first_token_seconds",
    "Time from the start of a generation to its first token.",
    ["service", "provider"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
GENERATION_TOKENS_PER_SECOND = Histogram(
    "generation_tokens_per_second",
    "Output tokens per second after the first token, per finished generation.",
    ["service", "provider"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
GENERATIONS = Counter(
    "generations", "Generations finished, by outcome.", ["service", "provider", "status"]
)

# --- payouts ----------------------------------------------------------------------------------
PAYOUTS_BY_STATUS = Gauge(
    "payouts_by_status",
    "Payouts per status: requested, paid, failed (sampled).",
    ["service", "status"],
    multiprocess_mode="livemax",
)
PAYOUT_AMOUNT_CENTS_BY_STATUS = Gauge(
    "payouts_amount_cents_by_status",
    "Sum of payout amounts in cents per status (sampled).",
    ["service", "status"],
    multiprocess_mode="livemax",
)


# --- exposition -------------------------------------------------------------------------------
def exposition() -> bytes:
    """The text format of every metric of this process (of every worker in multiprocess mode)."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


async def metrics_endpoint(_: Request) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


def prepare_multiprocess(workers: int) -> None:
    """Before uvicorn starts `workers` > 1 processes: give them a shared, empty metrics directory
    (kept if the operator set one), so `/metrics` answers for all of them, whichever serves it."""
    if workers <= 1:
        return
    path = os.environ.get(MULTIPROC_ENV)
    if not path:
        import tempfile

        path = tempfile.mkdtemp(prefix="prometheus-")
        os.environ[MULTIPROC_ENV] = path
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):  # values of an earlier run would be added to ours
        if name.endswith(".db"):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(path, name))


def route_of(scope: Scope) -> str:
    """The route template that served the request (never the raw path: bounded cardinality)."""
    label = scope.get("metrics.route")
    if label:
        return str(label)
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else "<unmatched>"


class ObservabilityMiddleware:
    """Outermost middleware: times each request into `http_request_duration_seconds` and, when
    tracing is on, runs it in a server span continued from an incoming `traceparent`."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        span = telemetry.start_server_span(self.service, scope)
        try:
            if span is None:
                await self.app(scope, receive, send_status)
            else:
                with telemetry.activate(span):
                    await self.app(scope, receive, send_status)
        finally:
            route = route_of(scope)
            if scope.get("path") != METRICS_PATH:
                HTTP_REQUEST_SECONDS.labels(
                    self.service, scope.get("method", ""), route, str(status)
                ).observe(time.perf_counter() - started)
            if span is not None:
                telemetry.end_server_span(span, scope.get("method", ""), route, status)


def install(app: FastAPI, service: str, *, token: str | None = None) -> None:
    """`/metrics` and the request middleware (added last, so it is the outermost). With `token`,
    `/metrics` answers only a scrape carrying `Authorization: Bearer <token>` (anyone else gets
    404): for a process the public can reach, such as the gateway."""
    endpoint: Callable[[Request], Awaitable[Response]] = metrics_endpoint
    if token is not None:
        expected = f"Bearer {token}".encode()

        async def guarded(request: Request) -> Response:
            given = request.headers.get("authorization", "").encode()
            if not token or not hmac.compare_digest(given, expected):
                return Response(status_code=404)
            return await metrics_endpoint(request)

        endpoint = guarded
    app.add_route(METRICS_PATH, endpoint, methods=["GET"], include_in_schema=False)
    app.add_middleware(ObservabilityMiddleware, service=service)


# --- the sampler ------------------------------------------------------------------------------
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


def observe_generation(
    service: str, provider: str, status: str, ttft_s: float | None, tokens_per_s: float | None
) -> None:
    """One finished generation: its outcome, time to first token and output rate."""
    GENERATIONS.labels(service, provider, status).inc()
    if ttft_s is not None:
        GENERATION_TTFT_SECONDS.labels(service, provider).observe(ttft_s)
    if tokens_per_s is not None:
        GENERATION_TOKENS_PER_SECOND.labels(service, provider).observe(tokens_per_s)


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """`/metrics` on its own port (a thread), for a process that serves no HTTP (a worker)."""
    from prometheus_client import start_http_server

    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        start_http_server(port, host, registry)
    else:
        start_http_server(port, host)


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


def exported_names(registry: CollectorRegistry = REGISTRY) -> set[str]:
    """Every sample name the registry can expose (histogram `_bucket`/`_sum`/`_count`, counter
    `_total`): what a dashboard or alert expression may refer to."""
    suffixes = {
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "counter": ("_total", "_created"),
        "summary": ("", "_sum", "_count", "_created"),
        "gauge": ("",),
    }
    names: set[str] = set()
    for family in registry.collect():
        for suffix in suffixes.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names

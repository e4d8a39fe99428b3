"""Prometheus metrics: the `/metrics` endpoint and the request middleware here; every metric the
platform exports in `shared.metric_families` and the sampler in `shared.metrics_sampler`, both
re-exported from this module (`metrics.OUTBOX_PUBLISHED`, `metrics.run_sampler`).

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

import contextlib
import hmac
import os
import time
from collections.abc import Awaitable, Callable
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
from shared.metric_families import (
    ARGON2_CAPACITY,
    ARGON2_IN_FLIGHT,
    ARGON2_REJECTED,
    CONSUMER_LAG,
    CONSUMER_SECONDS,
    DLQ_DEPTH,
    GENERATION_TOKENS_PER_SECOND,
    GENERATION_TTFT_SECONDS,
    GENERATIONS,
    HTTP_REQUEST_SECONDS,
    OUTBOX_DEPTH,
    OUTBOX_LAG_SECONDS,
    OUTBOX_PUBLISHED,
    PAYOUT_AMOUNT_CENTS_BY_STATUS,
    PAYOUTS_BY_STATUS,
    STREAM_BATCH_SECONDS,
    STREAM_OFFSET_LAG,
)
from shared.metrics_sampler import (
    Sampler,
    run_sampler,
    sample_by_status,
    sample_outbox,
    sample_queues,
    stream_end,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

log = get_logger(__name__)

METRICS_PATH = "/metrics"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


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
        # (method, route, status) -> the histogram's child: `labels()` takes a lock and builds
        # the label tuple on every call; the set of children is the same either way.
        self._timers: dict[tuple[str, str, int], Any] = {}

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
                key = (scope.get("method", ""), route, status)
                timer = self._timers.get(key)
                if timer is None:
                    timer = HTTP_REQUEST_SECONDS.labels(self.service, key[0], route, str(status))
                    self._timers[key] = timer
                timer.observe(time.perf_counter() - started)
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


__all__ = [
    "ARGON2_CAPACITY",
    "ARGON2_IN_FLIGHT",
    "ARGON2_REJECTED",
    "CONSUMER_LAG",
    "CONSUMER_SECONDS",
    "DLQ_DEPTH",
    "GENERATIONS",
    "GENERATION_TOKENS_PER_SECOND",
    "GENERATION_TTFT_SECONDS",
    "HTTP_REQUEST_SECONDS",
    "METRICS_PATH",
    "MULTIPROC_ENV",
    "OUTBOX_DEPTH",
    "OUTBOX_LAG_SECONDS",
    "OUTBOX_PUBLISHED",
    "PAYOUTS_BY_STATUS",
    "PAYOUT_AMOUNT_CENTS_BY_STATUS",
    "STREAM_BATCH_SECONDS",
    "STREAM_OFFSET_LAG",
    "Counter",
    "Gauge",
    "Histogram",
    "ObservabilityMiddleware",
    "Sampler",
    "exported_names",
    "exposition",
    "install",
    "metrics_endpoint",
    "observe_generation",
    "prepare_multiprocess",
    "route_of",
    "run_sampler",
    "sample_by_status",
    "sample_outbox",
    "sample_queues",
    "serve_metrics",
    "stream_end",
]

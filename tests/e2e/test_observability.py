"""Issue 15, metrics and traces, on the whole stack (every service, the gateway, the broker and
the databases real): `/metrics` on every process exposes the platform's metrics, and a purchase
is one trace from the Stripe webhook at the gateway to billing, catalog, payouts and
notifications, its context carried in the events' metadata."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families
from shared.testing.wait import eventually

from shared import telemetry
from tests.e2e.test_purchase_flow import pay, publish_paid_persona, start_checkout

# Every metric of issue 15, by the family name the exposition gives it.
EVERY_PROCESS = {
    "http_request_duration_seconds",
    "outbox_depth",
    "outbox_relay_lag_seconds",
    "outbox_published",
    "consumer_lag_messages",
    "consumer_processing_seconds",
    "dlq_depth_messages",
    "stream_offset_lag",
    "argon2_in_flight",
    "argon2_capacity",
    "argon2_rejected",
    "generation_time_to_first_token_seconds",
    "generation_tokens_per_second",
    "payouts_by_status",
}
CONSUMING = {"catalog", "billing", "payouts", "notifications"}


@pytest.fixture
def fast_metrics(monkeypatch: pytest.MonkeyPatch) -> None:
    """Depths sampled every half second (read by each service's settings at stack start)."""
    monkeypatch.setenv("METRICS_SAMPLE_S", "0.5")


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.enable(provider)
    try:
        yield exporter
    finally:
        telemetry.disable()


async def scrape(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    r = await http.get(f"{url}/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(r.text)}


def samples(families: dict[str, Any], name: str, **labels: str) -> list[Any]:
    """The samples named `name` (a family's, or one series of it such as `..._count`)."""
    return [
        s
        for family in families.values()
        for s in family.samples
        if name in (family.name, s.name) and all(s.labels.get(k) == v for k, v in labels.items())
    ]


async def test_every_process_exposes_the_platform_metrics(fast_metrics: None, stack: Any):
    processes = {"gateway": stack.url, **stack.service_urls}
    # Traffic with a path parameter, through the gateway.
    missing = uuid.uuid4()
    r = await stack.http.get(f"/api/personas/{missing}")
    assert r.status_code == 404

    async with httpx.AsyncClient(timeout=10) as http:
        for name, url in processes.items():
            families = await scrape(http, url)
            assert EVERY_PROCESS <= set(families), (name, EVERY_PROCESS - set(families))

        # Request latency by route template and status (never the raw path), at both hops.
        families = await scrape(http, stack.service_urls["catalog"])
        served = samples(families, "http_request_duration_seconds", service="catalog", status="404")
        routes = {s.labels["route"] for s in served}
        assert "/api/personas/{persona_id}" in routes, routes
        assert not any(
            str(missing) in s.labels["route"]
            for s in families["http_request_duration_seconds"].samples
        )
        families = await scrape(http, stack.url)
        assert samples(
            families,
            "http_request_duration_seconds_count",
            service="gateway",
            route="proxy:catalog",
        )

        # Sampled on the timer: each service's outbox, its queues and dead-letter queues, the
        # analytics stream's lag, argon2 capacity, payouts by status.
        async def sampled() -> dict[str, Any]:
            return {name: await scrape(http, url) for name, url in stack.service_urls.items()}

        def complete(by_process: dict[str, Any]) -> bool:
            for name, fams in by_process.items():
                if not samples(fams, "outbox_depth", service=name):
                    return False
                if not samples(fams, "outbox_relay_lag_seconds", service=name):
                    return False
                if name in CONSUMING and not (
                    samples(fams, "consumer_lag_messages", service=name)
                    and samples(fams, "dlq_depth_messages", service=name)
                ):
                    return False
            ident, pay_, analytics = (
                by_process["identity"],
                by_process["payouts"],
                by_process["analytics"],
            )
            statuses = {
                s.labels["status"] for s in samples(pay_, "payouts_by_status", service="payouts")
            }
            return (
                bool(samples(analytics, "stream_offset_lag", service="analytics"))
                and any(s.value > 0 for s in samples(ident, "argon2_capacity", service="identity"))
                and {"requested", "paid", "failed"} <= statuses
            )

        by_process = await eventually(sampled, complete, timeout=30, interval=0.5)
        dlq = samples(by_process["catalog"], "dlq_depth_messages", service="catalog")
        assert all(s.value == 0 for s in dlq)  # nothing dead-lettered in a healthy stack
        assert all(s.labels["queue"].startswith("catalog.") for s in dlq)


def _service(span: ReadableSpan) -> str:
    return str((span.attributes or {}).get(telemetry.SERVICE_ATTR, ""))


async def test_a_purchase_is_one_trace_from_the_webhook_to_entitlement_ledger_and_receipt(
    spans: InMemorySpanExporter, stack: Any
) -> None:
    creator = await stack.user("tracecreator")
    admin = await stack.user("tracemod", admin=True)
    buyer = await stack.user("tracebuyer")
    persona_id = await publish_paid_persona(stack, creator, admin, 1200)
    session = await start_checkout(stack, buyer, persona_id)
    spans.clear()
    await pay(stack, session)

    def is_webhook(span: ReadableSpan) -> bool:
        attrs = span.attributes or {}
        return (
            _service(span) == "billing"
            and span.kind == SpanKind.SERVER
            and attrs.get("http.route") == "/api/payments/webhook"
        )

    def consumers(trace: list[ReadableSpan]) -> set[str]:
        return {_service(s) for s in trace if s.kind == SpanKind.CONSUMER}

    async def purchase_trace() -> list[ReadableSpan]:
        """The trace of the webhook delivery that completed the purchase (Stripe sends several
        events; the others change nothing and end at billing)."""
        traces: dict[int, list[ReadableSpan]] = {}
        for span in spans.get_finished_spans():
            if span.context is not None:
                traces.setdefault(span.context.trace_id, []).append(span)
        for trace in traces.values():
            if any(is_webhook(s) for s in trace) and "catalog" in consumers(trace):
                return trace
        return []

    # The entitlement (catalog), the ledger entry (payouts) and the receipt (notifications):
    # each consumer's span is in the webhook's trace, and so is the sending of the receipt
    # e-mail (queued by the consumer, sent later from notifications' mail outbox).
    def receipt_sent(trace: list[ReadableSpan]) -> bool:
        return any(
            _service(s) == "notifications"
            and s.kind == SpanKind.CLIENT
            and s.name.startswith("send mail")
            and (s.attributes or {}).get("mail.category") == "purchases"
            for s in trace
        )

    trace = await eventually(
        purchase_trace,
        lambda t: {"catalog", "payouts", "notifications"} <= consumers(t) and receipt_sent(t),
        timeout=30,
    )
    webhook = next(s for s in trace if is_webhook(s))
    assert webhook.context is not None
    trace_id = webhook.context.trace_id
    assert {"gateway", "billing", "catalog", "payouts", "notifications"} <= {
        _service(s) for s in trace
    }

    by_id = {s.context.span_id: s for s in trace if s.context is not None}
    # The gateway received the webhook (the root: the emulator sent no trace context) ...
    roots = [s for s in trace if s.parent is None]
    assert [(_service(s), s.kind) for s in roots] == [("gateway", SpanKind.SERVER)]
    assert webhook.parent is not None and by_id[webhook.parent.span_id] is roots[0]

    # ... and each consumer's span descends from billing's webhook through the outbox append
    # and the relay's publish.
    def chain(span: ReadableSpan) -> list[str]:
        names = []
        current: ReadableSpan | None = span
        while current is not None:
            names.append(f"{_service(current)}:{current.kind.name}:{current.name}")
            parent = current.parent
            current = by_id.get(parent.span_id) if parent is not None else None
        return names[::-1]

    entitlement = next(s for s in trace if s.kind == SpanKind.CONSUMER and _service(s) == "catalog")
    path = chain(entitlement)
    assert path[0] == "gateway:SERVER:POST proxy:billing", path
    assert path[1] == "billing:SERVER:POST /api/payments/webhook", path
    assert any(p.startswith("billing:INTERNAL:append") for p in path), path
    assert "billing:PRODUCER:publish billing.PurchaseCompleted" in path, path
    assert path[-1].startswith("catalog:CONSUMER:process catalog."), path

    # The context is in the stored event's metadata (and so in its envelope on the bus).
    conn = await asyncpg.connect(stack.database_urls["billing"])
    try:
        stored = await conn.fetchval(
            "SELECT metadata->>'traceparent' FROM events WHERE type = 'PurchaseCompleted'"
        )
    finally:
        await conn.close()
    assert stored is not None and stored.split("-")[1] == format(trace_id, "032x")

    # The analytics stream reader applies events in batches: its batch span links to the trace.
    async def linked_batches() -> list[ReadableSpan]:
        return [
            s
            for s in spans.get_finished_spans()
            if _service(s) == "analytics"
            and s.name.startswith("apply ")
            and any(link.context.trace_id == trace_id for link in s.links)
        ]

    assert await eventually(linked_batches, timeout=30)

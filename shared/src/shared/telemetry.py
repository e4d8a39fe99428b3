"""OpenTelemetry traces: gateway → service → outbox → broker → consumer, as one trace.

Off by default, and then free: every hook below starts with `if _tracer is None` and does nothing
else. It is switched on by the standard variables, read once at start-up (`configure(service)`):

- `OTEL_TRACES_EXPORTER=otlp` (or `console`), or an `OTEL_EXPORTER_OTLP_ENDPOINT` /
  `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` → spans are batched to that exporter (OTLP over HTTP;
  the exporter reads its own `OTEL_EXPORTER_OTLP_*` variables: endpoint, headers, timeout);
- `OTEL_SERVICE_NAME` (default: the service's name), `OTEL_RESOURCE_ATTRIBUTES`,
  `OTEL_TRACES_SAMPLER` / `_ARG` are the SDK's own;
- `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keep it off.

How the context travels (W3C trace context, `traceparent`/`tracestate`):
1. HTTP: the server span continues an incoming `traceparent`; the gateway replaces the one it
   forwards with its own span's (`outgoing_headers`).
2. Events: `EventStore.append` runs in an "append" span and writes its `traceparent` into the
   event's metadata, so it is in the stored event and in the envelope (`Envelope.traceparent`).
3. The outbox relay publishes each event in a "publish" span, child of the append span, and puts
   that span's context in the AMQP message headers.
4. A consumer handles the message in a "process" span, child of the publish span (or of the
   envelope's `traceparent` when the headers lack one); what it appends carries the trace on.

Tests switch it on with `enable(provider)` (an SDK `TracerProvider` with an in-memory exporter).
Every span has a `platform.service` attribute: the resource's `service.name` is per process, and
the test stack runs every service in one process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from starlette.types import Scope

SERVICE_ATTR = "platform.service"
_propagator = TraceContextTextMapPropagator()
_tracer: trace.Tracer | None = None
_provider: TracerProvider | None = None


def enabled() -> bool:
    return _tracer is not None


def wanted() -> bool:
    """Whether the environment asks for traces (the standard `OTEL_*` variables)."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def configure(service: str) -> bool:
    """Switch tracing on for this process if the environment asks for it (idempotent)."""
    if _tracer is not None or not wanted():
        return enabled()
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME") or service})
    provider = TracerProvider(resource=resource)  # sampler from OTEL_TRACES_SAMPLER
    exporter: SpanExporter
    if os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    enable(provider)
    return True


def enable(provider: TracerProvider) -> None:
    """Trace with this provider from now on (tests pass one with an in-memory exporter)."""
    global _tracer, _provider
    _provider = provider
    _tracer = provider.get_tracer("creator-platform")


def disable() -> None:
    global _tracer, _provider
    if _provider is not None:
        with contextlib.suppress(Exception):
            _provider.force_flush()
    _tracer = None
    _provider = None


def shutdown() -> None:
    """Flush what is batched (at process stop)."""
    if _provider is not None:
        with contextlib.suppress(Exception):
            _provider.force_flush(5000)


# --- carriers ---------------------------------------------------------------------------------
def _context_from(carrier: Mapping[str, str]) -> otel_context.Context | None:
    if not carrier.get("traceparent"):
        return None
    return _propagator.extract(dict(carrier))


def current_traceparent() -> dict[str, str]:
    """`{"traceparent": ..., "tracestate"?: ...}` of the active span; {} when tracing is off."""
    if _tracer is None:
        return {}
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier


def current_ids() -> dict[str, str]:
    """`trace_id` and `span_id` of the active span (hex, as trace backends show them), for logs."""
    if _tracer is None:
        return {}
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}"}


def outgoing_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The gateway's upstream headers with the trace context of the current span (replacing
    a client's); unchanged when tracing is off."""
    carrier = current_traceparent()
    if not carrier:
        return headers
    kept = [(k, v) for k, v in headers if k not in (b"traceparent", b"tracestate")]
    kept.extend((k.encode(), v.encode()) for k, v in carrier.items())
    return kept


# --- spans ------------------------------------------------------------------------------------
def start_server_span(service: str, scope: Scope) -> Span | None:
    if _tracer is None:
        return None
    carrier = {
        k.decode("latin-1"): v.decode("latin-1")
        for k, v in scope.get("headers", [])
        if k in (b"traceparent", b"tracestate")
    }
    method = scope.get("method", "")
    return _tracer.start_span(
        f"{method} {scope.get('path', '')}",
        context=_context_from(carrier),
        kind=SpanKind.SERVER,
        attributes={
            SERVICE_ATTR: service,
            "http.request.method": method,
            "url.path": scope.get("path", ""),
        },
    )


def end_server_span(span: Span, method: str, route: str, status: int) -> None:
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
    span.end()


@contextlib.contextmanager
def activate(span: Span) -> Iterator[Span]:
    with trace.use_span(span, end_on_exit=False, record_exception=True):
        yield span


class SpanOptions(TypedDict, total=False):
    kind: SpanKind
    parent: Mapping[str, str] | None
    attributes: Mapping[str, Any] | None


@contextlib.contextmanager
def span(name: str, service: str, **options: Unpack[SpanOptions]) -> Iterator[Span | None]:
    """A span (child of `parent`'s trace context if given, else of the active span), or nothing
    when tracing is off. The options are `start_span`'s."""
    current = start_span(name, service, **options)
    if current is None:
        yield None
        return
    # What `start_as_current_span` does: current while inside, ended (exceptions recorded) on exit.
    with trace.use_span(current, end_on_exit=True):
        yield current


def start_span(
    name: str,
    service: str,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
    parent: Mapping[str, str] | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Span | None:
    """A span that is not made current (ended by the caller), for work done in a batch."""
    if _tracer is None:
        return None
    return _tracer.start_span(
        name,
        context=_context_from(parent) if parent else None,
        kind=kind,
        attributes={SERVICE_ATTR: service, **(attributes or {})},
    )


def batch_span(
    name: str, service: str, parents: Sequence[Mapping[str, str]], **attributes: Any
) -> Span | None:
    """A consumer span for a batch (a stream reader's): linked to each message's trace rather
    than a child of one of them. None when tracing is off."""
    if _tracer is None:
        return None
    links = []
    for carrier in parents:
        context = _context_from(carrier)
        if context is not None:
            span_context = trace.get_current_span(context).get_span_context()
            if span_context.is_valid:
                links.append(trace.Link(span_context))
    return _tracer.start_span(
        name,
        kind=SpanKind.CONSUMER,
        links=links,
        attributes={SERVICE_ATTR: service, **attributes},
    )


def context_of(span: Span) -> dict[str, str]:
    carrier: dict[str, str] = {}
    _propagator.inject(carrier, context=trace.set_span_in_context(span))
    return carrier


__all__ = [
    "SpanKind",
    "activate",
    "batch_span",
    "configure",
    "context_of",
    "current_ids",
    "current_traceparent",
    "disable",
    "enable",
    "enabled",
    "outgoing_headers",
    "shutdown",
    "span",
    "start_server_span",
    "start_span",
]

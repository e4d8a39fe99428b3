"""The kernel's metrics and tracing switches that need no running service: several uvicorn
workers' metrics merged, a worker's own /metrics port, tracing off unless OTEL_* ask, and the
trace context the gateway forwards."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import structlog
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from shared.testing.servers import free_port

from shared import metrics, telemetry

INC = "from shared.metrics import OUTBOX_PUBLISHED as c; c.labels('mp-test').inc({n})"
SHOW = "import sys; from shared.metrics import exposition; sys.stdout.write(exposition().decode())"


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_several_workers_metrics_are_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    (tmp_path / "counter_999.db").write_bytes(b"left over from an earlier run")
    metrics.prepare_multiprocess(2)
    assert list(tmp_path.iterdir()) == []  # an earlier run's values are not added to ours
    env = {**os.environ, metrics.MULTIPROC_ENV: str(tmp_path)}
    _python(INC.format(n=2), env)  # two worker processes
    _python(INC.format(n=3), env)
    text = _python(SHOW, env)  # whichever serves /metrics
    assert 'outbox_published_total{service="mp-test"} 5.0' in text


def test_one_worker_needs_no_metrics_directory(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)
    metrics.prepare_multiprocess(1)
    assert metrics.MULTIPROC_ENV not in os.environ
    try:
        metrics.prepare_multiprocess(3)
        path = Path(os.environ[metrics.MULTIPROC_ENV])
        assert path.is_dir()
        path.rmdir()
    finally:
        os.environ.pop(metrics.MULTIPROC_ENV, None)


def test_a_worker_serves_its_own_metrics_port():
    port = free_port()
    metrics.ARGON2_REJECTED.labels("worker-test").inc()
    metrics.serve_metrics(port)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        body = r.read().decode()
    assert 'argon2_rejected_total{service="worker-test"} 1.0' in body


@pytest.mark.parametrize(
    ("env", "wanted"),
    [
        ({}, False),  # off by default
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
def test_tracing_is_switched_by_the_standard_variables(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], wanted: bool
):
    for name in list(os.environ):
        if name.startswith("OTEL_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert telemetry.wanted() is wanted


def test_off_tracing_changes_nothing_and_on_the_gateway_forwards_its_own_span():
    client = [(b"traceparent", b"00-" + b"1" * 32 + b"-" + b"2" * 16 + b"-01"), (b"a", b"b")]
    assert not telemetry.enabled()
    assert telemetry.outgoing_headers(list(client)) == client
    assert telemetry.current_traceparent() == {}
    with telemetry.span("x", "svc") as span:
        assert span is None

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.enable(provider)
    try:
        scope = {"type": "http", "method": "GET", "path": "/api/x", "headers": client}
        server = telemetry.start_server_span("gateway", scope)
        assert server is not None
        with telemetry.activate(server):
            out = telemetry.outgoing_headers(list(client))
        telemetry.end_server_span(server, "GET", "proxy:catalog", 200)
    finally:
        telemetry.disable()
    parents = [v.decode() for k, v in out if k == b"traceparent"]
    assert len(parents) == 1  # the client's replaced, not added to
    (finished,) = exporter.get_finished_spans()
    assert finished.context is not None and finished.parent is not None
    assert finished.parent.trace_id == int("1" * 32, 16)  # continued the client's trace
    assert parents[0] == f"00-{finished.context.trace_id:032x}-{finished.context.span_id:016x}-01"
    assert finished.name == "GET proxy:catalog"
    assert (b"a", b"b") in out


def test_with_tracing_on_log_lines_name_their_trace_and_span(capsys: pytest.CaptureFixture[str]):
    import json

    from shared.logging import configure_logging, get_logger

    configure_logging("logtest", "INFO", json=True)
    log = get_logger("t")
    log.info("off")
    provider = TracerProvider()
    telemetry.enable(provider)
    try:
        with telemetry.span("work", "logtest") as span:
            assert span is not None
            log.info("on")
            ids = span.get_span_context()
    finally:
        telemetry.disable()
    off, on = (json.loads(line) for line in capsys.readouterr().err.strip().splitlines()[-2:])
    # The loggers above write to this test's captured stderr, closed when it ends: a later test
    # logging at INFO (the outbox relay's) would fail on it.
    structlog.reset_defaults()
    assert "trace_id" not in off
    assert on["trace_id"] == f"{ids.trace_id:032x}" and on["span_id"] == f"{ids.span_id:016x}"

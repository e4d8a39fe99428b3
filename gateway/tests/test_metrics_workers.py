"""`WEB_CONCURRENCY=2`: two uvicorn worker processes share the port, and `/metrics`, whichever
worker answers it, counts the requests both of them served (prometheus-client's multiprocess
mode, set up by `shared.cli.serve`)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from shared.testing.servers import free_port, start_module


def _healthz_count(text: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "http_request_duration_seconds_count"
        and s.labels.get("route") == "/healthz"
        and s.labels.get("service") == "gateway"
    )


def test_two_workers_metrics_are_one_figure(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "GATEWAY_RATE_LIMIT_STORAGE": "memory://",
    }
    server = start_module(
        "gateway",
        "serve",
        "--port",
        str(port),
        env=env,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the gateway did not start"
            time.sleep(0.2)
        # New connections each time, so both workers get some of them.
        before = _healthz_count(httpx.get(f"{url}/metrics", timeout=5).text)
        sent = 0
        while sent < 20 or len(list(tmp_path.glob("histogram_*.db"))) < 2:
            # until both workers have served (and written) some requests
            assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
            sent += 1
            assert sent < 2000, "one worker served every request"
        for _ in range(4):  # whichever worker answers, the figure is the sum of both
            text = httpx.get(f"{url}/metrics", timeout=5).text
            assert _healthz_count(text) - before == sent
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

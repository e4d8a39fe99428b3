"""One client's failure never becomes another's: a service that closes its kept-alive connection
after a 500 must not turn unrelated requests into 502s (issue 9)."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from shared.testing.servers import free_port
from shared.testing.wait import eventually

HERE = Path(__file__).resolve().parent


@contextlib.asynccontextmanager
async def failing_service(port: int | None = None) -> AsyncIterator[str]:
    """The service in a process of its own, as in production (its closes race our reuses)."""
    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "failing_service:app",
            "--app-dir",
            str(HERE),
            "--port",
            str(port),
            "--log-level",
            "critical",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(trust_env=False) as probe:

            async def up() -> bool:
                with contextlib.suppress(httpx.HTTPError):
                    return (await probe.get(f"{url}/healthz")).status_code == 200
                return False

            await eventually(up, timeout=30)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


async def test_a_loop_of_failing_requests_never_makes_ordinary_ones_fail(gateway):
    async with failing_service() as url, gateway(upstream=url) as gw:
        statuses: Counter[tuple[str, int]] = Counter()

        async def bad() -> None:
            for _ in range(150):
                resp = await gw.client.get("/api/personas/boom")
                statuses["bad", resp.status_code] += 1

        async def ordinary(n: int) -> None:
            for i in range(150):
                if i % 3 == 0:  # idempotent, with a body
                    resp = await gw.client.put(f"/api/personas/{n}/review", json={"i": i})
                else:
                    resp = await gw.client.get(f"/api/personas/{n}")
                statuses["ordinary", resp.status_code] += 1

        await asyncio.gather(bad(), bad(), *(ordinary(n) for n in range(4)))
        assert statuses == {("bad", 500): 300, ("ordinary", 200): 600}, statuses


async def test_a_service_that_is_really_down_still_gives_502(gateway):
    port = free_port()
    async with gateway(upstream=f"http://127.0.0.1:{port}") as gw:
        async with failing_service(port):
            assert (await gw.client.get("/api/personas/1")).status_code == 200
        # the service is gone; the gateway's pooled connection to it is dead: one retry on a
        # fresh connection finds nobody, so the client hears the truth
        resp = await gw.client.get("/api/personas/1")
        assert resp.status_code == 502
        assert resp.json()["code"] == "service_unavailable"
        async with failing_service(port):
            assert (await gw.client.get("/api/personas/1")).status_code == 200


async def test_a_small_answer_broken_off_is_a_502_not_a_truncated_200(gateway):
    # Small answers are read whole before the client gets anything, so a service that dies
    # halfway is reported as such instead of as a 200 with half a body.
    async with failing_service() as url, gateway(upstream=url) as gw:
        resp = await gw.client.get("/api/personas/cut")
        assert resp.status_code == 502
        assert resp.headers["content-type"] == "application/problem+json"
        assert (await gw.client.get("/api/personas/1")).status_code == 200

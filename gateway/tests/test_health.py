"""Liveness, readiness, and starting while identity and the broker are down."""

from __future__ import annotations

import asyncio
import signal
import subprocess

import httpx
import pytest
from shared.testing.servers import free_port, start_module


async def test_ready_once_jwks_loaded_and_revocations_followed(gateway, wait_until):
    async with gateway() as gw:
        assert (await gw.client.get("/healthz")).json() == {"status": "ok"}

        async def ready() -> bool:
            resp = await gw.client.get("/readyz")
            return resp.status_code == 200 and resp.json()["checks"] == {
                "broker": "ok",
                "jwks": "ok",
            }

        await wait_until(ready)


async def test_starts_and_serves_while_the_broker_and_identity_are_down(gateway, tokens):
    dead = f"http://127.0.0.1:{free_port()}"
    async with gateway(
        amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/", jwks_url=f"{dead}/jwks.json"
    ) as gw:
        assert (await gw.client.get("/healthz")).status_code == 200
        resp = await gw.client.get("/readyz")
        assert resp.status_code == 503
        assert resp.json()["checks"] == {"broker": "unreachable", "jwks": "not loaded"}
        # anonymous traffic flows; a token cannot be checked, so it is refused, not waved through
        assert (await gw.client.get("/api/personas")).status_code == 200
        resp = await gw.client.get("/api/personas", headers=tokens.headers("u1"))
        assert resp.status_code == 401


@pytest.mark.parametrize("workers", ["1", "2"])
async def test_python_m_gateway_serve(tmp_path, workers):
    port = free_port()
    env = {
        "WEB_CONCURRENCY": workers,
        "GATEWAY_CATALOG_URL": f"http://127.0.0.1:{free_port()}",
        "GATEWAY_WEB_DIST": str(tmp_path),
        "AMQP_URL": f"amqp://guest:guest@127.0.0.1:{free_port()}/",
        "JWKS_URL": f"http://127.0.0.1:{free_port()}/jwks.json",
        "LOG_LEVEL": "ERROR",
    }
    proc = start_module("gateway", "serve", "--port", str(port), env=env, stderr=subprocess.PIPE)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as c:
            # A loaded machine can take a while to start Python: wait for the process, not a
            # fixed number of tries.
            deadline = asyncio.get_running_loop().time() + 90
            while True:
                try:
                    resp = await c.get("/healthz")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                    assert asyncio.get_running_loop().time() < deadline, "gateway never listened"
                    await asyncio.sleep(0.05)
            assert resp.status_code == 200
            resp = await c.get("/api/personas")
            assert resp.status_code == 502
            assert resp.json()["code"] == "service_unavailable"
            assert "server" not in resp.headers
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            # several workers stop one after the other: slow on a loaded machine
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise

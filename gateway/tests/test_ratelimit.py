"""Rate limits on the credential routes: failed logins per account, attempts per IP, and the
same counters shared through Redis."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time

import pytest
from shared.testing.servers import free_port


async def _login(client, email: str, password: str):
    return await client.post("/api/auth/login", json={"email": email, "password": password})


async def test_the_11th_failed_login_in_a_minute_for_one_account_is_refused(gateway):
    async with gateway() as gw:
        for attempt in range(10):
            resp = await _login(gw.client, "victim@example.com", f"guess-{attempt}")
            assert resp.status_code == 401, attempt
        resp = await _login(gw.client, "Victim@Example.com ", "guess-10")
        assert resp.status_code == 429
        assert resp.headers["content-type"] == "application/problem+json"
        assert resp.json()["code"] == "rate_limited"
        retry_after = int(resp.headers["retry-after"])
        assert 1 <= retry_after <= 60
        # refused at the gateway: the service saw ten attempts, not eleven
        assert len(gw.echo.seen) == 10
        # even the right password waits: that is the point of the lock
        assert (await _login(gw.client, "victim@example.com", "right")).status_code == 429
        # other accounts are not affected
        assert (await _login(gw.client, "someone@example.com", "right")).status_code == 200
        assert (await _login(gw.client, "someone@example.com", "wrong")).status_code == 401


async def test_a_burst_of_parallel_guesses_gets_no_more_than_ten_tries(gateway):
    async with gateway() as gw:
        results = await asyncio.gather(
            *(_login(gw.client, "burst@example.com", f"guess-{i}") for i in range(25))
        )
        codes = sorted(r.status_code for r in results)
        assert codes == [401] * 10 + [429] * 15
        assert len(gw.echo.seen) == 10


async def test_successful_logins_do_not_count_against_the_account(gateway):
    async with gateway() as gw:
        for _ in range(15):
            assert (await _login(gw.client, "busy@example.com", "right")).status_code == 200


async def test_per_ip_limits_apply_to_each_credential_route(gateway):
    async with gateway(
        rate_limit_register_per_ip="3/minute",
        rate_limit_refresh_per_ip="2/minute",
        rate_limit_reset_per_ip="2/minute",
        rate_limit_login_per_ip="4/minute",
    ) as gw:
        for i in range(3):
            resp = await gw.client.post("/api/auth/register", json={"email": f"u{i}@example.com"})
            assert resp.status_code == 200
        resp = await gw.client.post("/api/auth/register", json={"email": "u9@example.com"})
        assert resp.status_code == 429
        assert int(resp.headers["retry-after"]) >= 1

        for _ in range(2):
            assert (await gw.client.post("/api/auth/refresh", json={})).status_code == 200
        assert (await gw.client.post("/api/auth/refresh", json={})).status_code == 429

        # request and confirm share the reset budget
        await gw.client.post("/api/auth/password-reset/request", json={"email": "a@example.com"})
        await gw.client.post("/api/auth/password-reset/confirm", json={"token": "t"})
        resp = await gw.client.post("/api/auth/password-reset/confirm", json={"token": "t"})
        assert resp.status_code == 429

        # successful logins count per IP (every attempt does), per account only failures do
        for i in range(4):
            assert (await _login(gw.client, f"l{i}@example.com", "right")).status_code == 200
        assert (await _login(gw.client, "l9@example.com", "right")).status_code == 429

        # nothing else is limited
        for _ in range(10):
            assert (await gw.client.get("/api/personas")).status_code == 200


async def test_password_reset_requests_are_limited_per_account(gateway):
    async with gateway(rate_limit_reset_per_account="2/hour") as gw:
        for _ in range(2):
            resp = await gw.client.post(
                "/api/auth/password-reset/request", json={"email": "forgetful@example.com"}
            )
            assert resp.status_code == 200
        resp = await gw.client.post(
            "/api/auth/password-reset/request", json={"email": "FORGETFUL@example.com"}
        )
        assert resp.status_code == 429
        resp = await gw.client.post(
            "/api/auth/password-reset/request", json={"email": "other@example.com"}
        )
        assert resp.status_code == 200


async def test_oversized_and_malformed_login_bodies(gateway):
    async with gateway(auth_body_max_bytes=1024) as gw:
        resp = await gw.client.post("/api/auth/login", content=b"{" + b" " * 5000 + b"}")
        assert resp.status_code == 413
        assert resp.json()["code"] == "payload_too_large"
        # not JSON: no account to count, the service answers
        resp = await gw.client.post("/api/auth/login", content=b"not json")
        assert resp.status_code == 401
        assert gw.echo.seen[-1].body_size == len(b"not json")


@pytest.fixture
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        import socket

        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


async def test_failed_logins_are_counted_across_gateways_sharing_redis(gateway, redis_url):
    settings = {
        "rate_limit_storage": redis_url,
        "rate_limit_login_failures_per_account": "4/minute",
    }
    async with gateway(**settings) as first, gateway(**settings) as second:
        for i in range(4):
            gw = first if i % 2 == 0 else second
            assert (await _login(gw.client, "shared@example.com", "nope")).status_code == 401
        for gw in (first, second):
            resp = await _login(gw.client, "shared@example.com", "nope")
            assert resp.status_code == 429
            assert int(resp.headers["retry-after"]) >= 1


async def test_a_broken_counter_store_lets_logins_through(gateway):
    # fail open: an outage of Redis must not lock every user out
    async with gateway(rate_limit_storage=f"redis://127.0.0.1:{free_port()}/0") as gw:
        assert (await _login(gw.client, "a@example.com", "right")).status_code == 200
        assert (await _login(gw.client, "a@example.com", "wrong")).status_code == 401

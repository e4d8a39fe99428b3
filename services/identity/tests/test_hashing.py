"""Argon2id off the event loop, in a bounded pool that answers 429 instead of queueing."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

import pytest
from argon2 import PasswordHasher
from identity.hashing import HashingBusy, PasswordHashing

if TYPE_CHECKING:
    from conftest import Client

PASSWORD = "blue-river-42-Piano"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"hash_workers": 1, "hash_queue_limit": 1, "hash_retry_after_s": 3}


async def test_saturated_hashing_answers_429_with_retry_after(client: Client) -> None:
    user = await client.register("alice")
    hashing: PasswordHashing = client.svc.hashing
    release = threading.Event()
    # Fill the one worker and the one queue slot with work that waits for the test.
    blockers = [asyncio.ensure_future(hashing.run(release.wait, 10)) for _ in range(2)]
    await client.eventually(lambda: _admitted(hashing), lambda n: n == 2)
    try:
        login = await client.http.post(
            "/api/auth/login", json={"email": user["email"], "password": PASSWORD}
        )
        assert login.status_code == 429, login.text
        assert login.headers["retry-after"] == "3"
        assert login.json()["code"] == "busy"
        register = await client.http.post(
            "/api/auth/register",
            json={"email": "bob@example.com", "username": "bob", "password": PASSWORD},
        )
        assert register.status_code == 429
        assert await client.svc.pool.fetchval("SELECT count(*) FROM users") == 1
    finally:
        release.set()
        await asyncio.gather(*blockers)
    assert (await client.login(user["email"]))["access_token"]


async def _admitted(hashing: PasswordHashing) -> int:
    return hashing.admitted


async def test_pool_refuses_beyond_capacity_and_recovers(client: Client) -> None:
    hashing: PasswordHashing = client.svc.hashing
    release = threading.Event()
    running = [asyncio.ensure_future(hashing.run(release.wait, 10)) for _ in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(HashingBusy):
        await hashing.run(release.wait, 10)
    release.set()
    await asyncio.gather(*running)
    assert hashing.admitted == 0
    stored = await hashing.hash(PASSWORD)
    assert await hashing.verify(stored, PASSWORD)
    assert not await hashing.verify(stored, PASSWORD + "x")
    assert not await hashing.verify(None, PASSWORD)


async def test_hashes_are_argon2id_with_the_configured_cost(client: Client) -> None:
    await client.register("carol")
    stored = await client.svc.pool.fetchval("SELECT password_hash FROM credentials")
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


async def test_hashes_with_other_parameters_are_upgraded_at_login(client: Client) -> None:
    user = await client.register("dave")
    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    await client.svc.pool.execute("UPDATE credentials SET password_hash = $1", old)
    await client.login(user["email"])
    stored = await client.svc.pool.fetchval("SELECT password_hash FROM credentials")
    assert stored != old and stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    await client.login(user["email"])

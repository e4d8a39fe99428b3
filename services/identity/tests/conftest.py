"""Identity on real PostgreSQL, RabbitMQ and SMTP, served over HTTP with argon2 made cheap."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from identity.app import create_app
from identity.commands import Identity
from identity.settings import IdentitySettings
from shared.testing.servers import SmtpSink, serve_app
from shared.testing.settings import service_settings
from shared.testing.wait import eventually

T = TypeVar("T")
PASSWORD = "blue-river-42-Piano"


def make_settings(database_url: str, amqp_url: str, ns: str, **kw: Any) -> IdentitySettings:
    # Cheap hashing keeps the suite fast; test_settings proves the defaults meet OWASP.
    cheap = {"argon2_memory_kib": 1024, "argon2_time_cost": 1, "argon2_parallelism": 1}
    fast = {**cheap, "key_refresh_interval_s": 0.2}
    return service_settings(IdentitySettings, database_url, amqp_url, ns, **{**fast, **kw})


@dataclass
class Client:
    app: FastAPI
    url: str
    http: httpx.AsyncClient
    settings: IdentitySettings
    smtp: SmtpSink

    eventually = staticmethod(eventually)
    PASSWORD = PASSWORD

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return bearer(token)

    @property
    def svc(self) -> Identity:
        svc: Identity = self.app.state.identity
        return svc

    async def register(
        self, username: str, email: str | None = None, password: str = PASSWORD
    ) -> dict[str, Any]:
        r = await self.http.post(
            "/api/auth/register",
            json={
                "email": email or f"{username}@example.com",
                "username": username,
                "password": password,
            },
        )
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        r = await self.http.post("/api/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    async def user(self, username: str) -> tuple[dict[str, Any], dict[str, str]]:
        """A registered user and bearer headers for them."""
        user = await self.register(username)
        tokens = await self.login(user["email"])
        return user, bearer(tokens["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def client(
    database_url: str,
    amqp_url: str,
    bus_namespace: str,
    smtp_server: SmtpSink,
    settings_overrides: dict[str, Any],
) -> AsyncIterator[Client]:
    settings = make_settings(
        database_url, amqp_url, bus_namespace, smtp_url=smtp_server.url, **settings_overrides
    )
    app = create_app(settings)
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        await asyncio.wait_for(app.state.bus.ready.wait(), 15)
        yield Client(app=app, url=url, http=http, settings=settings, smtp=smtp_server)


IdentityCli = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def identity_cli(database_url: str) -> IdentityCli:
    """Runs `python -m identity <args>` on the test's database: (exit code, stdout, stderr)."""

    async def run(*args: str) -> tuple[int, str, str]:
        env = {**os.environ, "IDENTITY_DATABASE_URL": database_url, "APP_ENV": "test"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "identity",
            *args,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        return proc.returncode or 0, out.decode(), err.decode()

    return run

"""Fixtures for generation's integration tests: the real catalog and generation services on real
PostgreSQL and RabbitMQ, a fake OpenAI-compatible server for failure paths, and the real demo
model (loaded once per test run: it lives for the whole process) for happy paths.

    env = gen                       # providers: the fake server (models "ok", "busy", ...)
    env = demo                      # nothing configured: the demo model
    creator = await env.user("ann")
    persona = await env.persona(creator)            # a draft in catalog, known to generation
    events = await env.generate(creator, persona["id"], "builtin:caption", {"picture": "a cat"})
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from catalog.app import create_app as catalog_app
from catalog.settings import CatalogSettings
from fastapi import FastAPI
from generation.app import create_app as generation_app
from generation.settings import GenerationSettings, ProviderConfig
from shared.bus import Broker
from shared.contracts.identity import UserRegistered
from shared.testing.publish import publish_event
from shared.testing.servers import create_database, retire_database, serve_app
from shared.testing.tokens import TokenIssuer
from shared.testing.wait import eventually

sys.path.insert(0, str(Path(__file__).parent))
from fake_openai import FakeOpenAI

SERVICE_TOKEN = "test-service-token"
PERSONA_FILES = [
    ("prompt.md", b"You are Chef Rosa, a warm Italian home cook."),
    ("style.md", b"Short sentences. One emoji at most."),
    ("examples/post.md", b"Sunday sauce: garlic, patience, love."),
    ("notes.txt", b"Not part of the prompt."),
]


def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            events.append((lines["event"], json.loads(lines.get("data", "{}"))))
    return events


@dataclass
class GenEnv:
    catalog: httpx.AsyncClient
    http: httpx.AsyncClient
    app: FastAPI
    tokens: TokenIssuer
    broker: Broker
    database_url: str
    catalog_database_url: str
    fake: FakeOpenAI
    admin_id: str = "00000000-0000-0000-0000-00000000adad"

    def headers(self, user_id: str, *, admin: bool = False) -> dict[str, str]:
        return self.tokens.headers(user_id, roles=["user", "admin"] if admin else ["user"])

    async def fetchval(self, sql: str, *args: Any, db: str | None = None) -> Any:
        conn = await asyncpg.connect(db or self.database_url)
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def execute(self, sql: str, *args: Any) -> None:
        conn = await asyncpg.connect(self.database_url)
        try:
            await conn.execute(sql, *args)
        finally:
            await conn.close()

    async def user(self, username: str) -> str:
        user_id = str(uuid.uuid4())
        event = UserRegistered(user_id=user_id, email=f"{username}@example.com", username=username)
        await publish_event(self.broker, event, stream_type="user", stream_id=user_id)
        await eventually(
            lambda: self.fetchval(
                "SELECT count(*) = 1 FROM users WHERE id = $1",
                user_id,
                db=self.catalog_database_url,
            )
        )
        return user_id

    async def persona(
        self,
        creator_id: str,
        files: list[tuple[str, bytes]] | None = None,
        *,
        approve: bool = False,
        price_cents: int = 0,
    ) -> dict[str, Any]:
        """A persona in catalog, and known to generation with its latest version."""
        data = {
            "name": "Chef Rosa",
            "short_description": "Warm Italian home cooking.",
            "description": "Posts about family recipes.",
            "category": "food",
            "tags": ["recipes"],
            "price_cents": str(price_cents),
            "currency": "usd",
            "usage_terms": json.dumps({"personal": True, "commercial": True, "derivatives": False}),
        }
        if approve:
            data["submit"] = "true"
        parts = [("files", (n, c, "application/octet-stream")) for n, c in files or PERSONA_FILES]
        r = await self.catalog.post(
            "/api/personas", headers=self.headers(creator_id), data=data, files=parts
        )
        assert r.status_code == 201, r.text
        persona = dict(r.json())
        if approve:
            r = await self.catalog.post(
                f"/api/admin/personas/{persona['id']}/approve",
                headers=self.headers(self.admin_id, admin=True),
            )
            assert r.status_code == 200, r.text
        await eventually(
            lambda: self.fetchval(
                "SELECT latest_version FROM personas WHERE persona_id = $1", persona["id"]
            )
        )
        return persona

    async def acquire(self, user_id: str, persona_id: str) -> None:
        r = await self.catalog.post(
            f"/api/personas/{persona_id}/acquire", headers=self.headers(user_id)
        )
        assert r.status_code in (200, 201), r.text
        await eventually(
            lambda: self.fetchval(
                "SELECT count(*) FROM entitlement_grants WHERE persona_id = $1 AND user_id = $2"
                " AND NOT revoked",
                persona_id,
                user_id,
            )
        )

    async def generate(
        self, user_id: str, persona_id: str, template_id: str, params: dict[str, Any], **kw: Any
    ) -> list[tuple[str, dict[str, Any]]]:
        body = {"persona_id": persona_id, "template_id": template_id, "params": params, **kw}
        r = await self.http.post("/api/generations", json=body, headers=self.headers(user_id))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/event-stream")
        return parse_sse(r.text)


def fake_providers(url: str) -> list[ProviderConfig]:
    return [
        ProviderConfig(
            name="fake",
            label="Fake",
            base_url=f"{url}/v1",
            api_key="fake-key",
            models=[
                "ok",
                "slow",
                "stall",
                "busy",
                "error500",
                "malformed",
                "truncated",
                "endless",
                "steady",
            ],
            timeout_s=1.5,
        )
    ]


@dataclass
class Infra:
    postgres_url: str
    database_url: str
    amqp_url: str
    bus_namespace: str
    tokens: TokenIssuer
    tmp_path: Path

    async def env(
        self, providers: Callable[[str], list[ProviderConfig]], **settings: Any
    ) -> AsyncIterator[GenEnv]:
        """Catalog, a fake OpenAI-compatible server and generation, served on this test's
        database and bus namespace."""
        catalog_db = await create_database(self.postgres_url, "cat")
        common = {
            "amqp_url": self.amqp_url,
            "bus_namespace": self.bus_namespace,
            "jwks_url": self.tokens.jwks_url,
        }
        cat = catalog_app(
            CatalogSettings(
                database_url=catalog_db, blob_dir=str(self.tmp_path / "blobs"), **common
            )
        )
        cat.state.service_token = SERVICE_TOKEN
        fake = FakeOpenAI()
        try:
            async with contextlib.AsyncExitStack() as stack:
                catalog_url = await stack.enter_async_context(serve_app(cat))
                fake_url = await stack.enter_async_context(serve_app(fake.app))
                gen_settings = GenerationSettings(
                    database_url=self.database_url,
                    catalog_url=catalog_url,
                    service_token=SERVICE_TOKEN,
                    providers=providers(fake_url),
                    **common,
                    **settings,
                )
                app = generation_app(gen_settings)
                url = await stack.enter_async_context(serve_app(app))
                await asyncio.wait_for(app.state.bus.ready.wait(), 30)
                await asyncio.wait_for(cat.state.bus.ready.wait(), 30)
                broker = Broker(self.amqp_url, self.bus_namespace)
                await broker.connect()
                stack.push_async_callback(broker.close)
                http = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=120))
                catalog = await stack.enter_async_context(
                    httpx.AsyncClient(base_url=catalog_url, timeout=30)
                )
                yield GenEnv(
                    catalog, http, app, self.tokens, broker, self.database_url, catalog_db, fake
                )
        finally:
            await retire_database(catalog_db)


@pytest.fixture
def infra(
    postgres_url: str,
    database_url: str,
    amqp_url: str,
    bus_namespace: str,
    tokens: TokenIssuer,
    tmp_path: Path,
) -> Infra:
    return Infra(postgres_url, database_url, amqp_url, bus_namespace, tokens, tmp_path)


@pytest.fixture
async def gen(infra: Infra) -> AsyncIterator[GenEnv]:
    async for env in infra.env(fake_providers, rate_per_minute=100):
        yield env


@pytest.fixture
async def demo(infra: Infra) -> AsyncIterator[GenEnv]:
    """Nothing configured: the real demo model (loaded once per process)."""
    async for env in infra.env(lambda url: []):
        yield env

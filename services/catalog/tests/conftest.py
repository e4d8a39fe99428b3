"""Fixtures for catalog's integration tests: the real service on real PostgreSQL and RabbitMQ.

`catalog` serves `create_app(settings)` over HTTP with a fresh database, a private bus
namespace and a temporary blob directory. Access tokens come from the kernel's `tokens` fixture
(an RS256 issuer whose JWKS is served over HTTP), so no identity service is needed:

    env.headers(user_id)                      # a verified user
    env.headers(user_id, email_verified=False)
    env.headers(admin_id, admin=True)

Other services' events (identity's UserRegistered, billing's PurchaseCompleted...) are published
on the real broker with `await env.publish("billing.PurchaseCompleted", event)`.
"""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from catalog.app import create_app
from catalog.blobs import LocalBlobStore
from catalog.settings import CatalogSettings
from fastapi import FastAPI
from shared.bus import Broker
from shared.contracts.billing import PurchaseCompleted, PurchaseRefunded
from shared.contracts.identity import UserRegistered
from shared.events import Envelope, Event
from shared.testing.publish import publish_event
from shared.testing.servers import serve_app
from shared.testing.settings import service_settings
from shared.testing.tokens import TokenIssuer
from shared.testing.wait import eventually as wait_until

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMITS = {
    "max_file_bytes": 64 * 1024,
    "max_version_bytes": 160 * 1024,
    "max_files": 6,
    "max_image_bytes": 256 * 1024,
    "max_image_pixels": 4_000_000,
}


def persona_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "Sarcastic Chef",
        "short_description": "A chef who roasts your recipes.",
        "description": "Writes cooking posts with a sharp tongue and a warm heart.",
        "category": "food",
        "tags": ["recipes", "humor"],
        "price_cents": 0,
        "currency": "usd",
        "usage_terms": {"personal": True, "commercial": True, "derivatives": False},
    }
    fields.update(overrides)
    return fields


def default_files() -> list[tuple[str, bytes]]:
    return [
        ("prompt.md", b"# Prompt\nYou are a sarcastic chef.\n"),
        ("samples/roast.txt", "Is that a soufflé or a pancake with ambition? \u00e9".encode()),
        ("cover.png", PNG),
    ]


def multipart(
    fields: dict[str, Any], files: list[tuple[str, bytes]] | None = None
) -> dict[str, Any]:
    """httpx keyword arguments for a multipart persona upload."""
    data: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "usage_terms":
            import json

            data[key] = json.dumps(value)
        elif isinstance(value, list):
            data[key] = value
        else:
            data[key] = str(value)
    parts = [
        ("files", (name, content, "application/octet-stream")) for name, content in files or []
    ]
    return {"data": data, "files": parts} if parts else {"data": data, "files": {"_": ("", b"")}}


def new_tx() -> str:
    return f"tx_{uuid.uuid4().hex[:8]}"


def purchase(
    persona: dict[str, Any], buyer: str, transaction_id: str, *, fee: int = 300
) -> PurchaseCompleted:
    """Billing's event for a purchase of `persona` at its price (`fee` to the platform)."""
    return PurchaseCompleted(
        transaction_id=transaction_id,
        buyer_id=buyer,
        persona_id=persona["id"],
        creator_id=persona["creator"]["id"],
        amount=persona["price_cents"],
        currency="usd",
        platform_fee=fee,
        creator_revenue=persona["price_cents"] - fee,
        fee_rate_bps=3000,
    )


def refund(
    persona: dict[str, Any],
    buyer: str,
    transaction_id: str,
    *,
    full: bool,
    fee: int = 300,
) -> PurchaseRefunded:
    """Billing's event for a refund of that purchase (the whole price)."""
    return PurchaseRefunded(
        transaction_id=transaction_id,
        refund_id=f"re_{uuid.uuid4().hex[:8]}",
        buyer_id=buyer,
        persona_id=persona["id"],
        creator_id=persona["creator"]["id"],
        amount=persona["price_cents"],
        creator_amount=persona["price_cents"] - fee,
        currency="usd",
        full=full,
    )


@dataclass
class CatalogEnv:
    http: httpx.AsyncClient
    app: FastAPI
    tokens: TokenIssuer
    broker: Broker
    database_url: str
    blob_dir: Path
    admin_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    # Helpers, reachable from test modules through the fixture.
    multipart = staticmethod(multipart)
    fields = staticmethod(persona_fields)
    default_files = staticmethod(default_files)
    wait_until = staticmethod(lambda *a, **kw: wait_until(*a, **kw))
    unzip = staticmethod(lambda content: unzip(content))
    png = PNG
    new_tx = staticmethod(new_tx)
    purchase = staticmethod(purchase)
    refund = staticmethod(refund)

    @property
    def blobs(self) -> LocalBlobStore:
        return LocalBlobStore(self.blob_dir)

    def headers(
        self, user_id: str, *, admin: bool = False, email_verified: bool = True
    ) -> dict[str, str]:
        roles = ["user", "admin"] if admin else ["user"]
        return self.tokens.headers(user_id, roles=roles, email_verified=email_verified)

    @property
    def admin(self) -> dict[str, str]:
        return self.headers(self.admin_id, admin=True)

    async def db(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.database_url)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        conn = await self.db()
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def publish(
        self, routing_key: str, event: Event, stream_id: str | None = None
    ) -> Envelope:
        return await publish_event(self.broker, event, routing_key=routing_key, stream_id=stream_id)

    async def republish(self, routing_key: str, envelope: Envelope) -> None:
        await self.broker.publish(routing_key, envelope)

    async def user(self, username: str) -> str:
        """A registered user (identity's event consumed), returns their id."""
        user_id = str(uuid.uuid4())
        await self.publish(
            "identity.UserRegistered",
            UserRegistered(user_id=user_id, email=f"{username}@example.com", username=username),
        )
        await wait_until(
            lambda: self.fetchval("SELECT count(*) = 1 FROM users WHERE id = $1", user_id)
        )
        return user_id

    async def users(self, *usernames: str) -> list[str]:
        """Several registered users at once, their ids in the order of the names."""
        return list(await asyncio.gather(*(self.user(name) for name in usernames)))

    async def entitlement_deliveries(self, count: int) -> None:
        """Wait until the entitlements consumer has handled `count` distinct deliveries."""
        await wait_until(
            lambda: self.fetchval(
                "SELECT count(*) = $1 FROM inbox WHERE consumer = 'catalog.entitlements'", count
            )
        )

    async def review(
        self, persona_id: str, user_id: str, rating: int, body: str | None = None
    ) -> httpx.Response:
        """Post (or replace) the user's review; a body left out keeps the saved one."""
        payload: dict[str, Any] = {"rating": rating}
        if body is not None:
            payload["body"] = body
        return await self.http.post(
            f"/api/personas/{persona_id}/reviews", headers=self.headers(user_id), json=payload
        )

    async def report(
        self, target: str, user_id: str, reason: str, details: str | None = None
    ) -> httpx.Response:
        """Report `target` (`personas/<id>` or `reviews/<id>`) as this user."""
        payload = {"reason": reason} if details is None else {"reason": reason, "details": details}
        return await self.http.post(
            f"/api/{target}/report", headers=self.headers(user_id), json=payload
        )

    async def resolve(self, report_id: str, action: str, note: str | None = None) -> httpx.Response:
        """An admin resolves a report (`dismiss` or `take_down`)."""
        payload = {"action": action} if note is None else {"action": action, "note": note}
        return await self.http.post(
            f"/api/admin/reports/{report_id}/resolve", headers=self.admin, json=payload
        )

    async def create(
        self,
        creator_id: str,
        files: list[tuple[str, bytes]] | None = None,
        *,
        submit: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        body = persona_fields(**fields)
        if submit:
            body["submit"] = "true"
        r = await self.http.post(
            "/api/personas",
            headers=self.headers(creator_id),
            **multipart(body, default_files() if files is None else files),
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def approved(self, creator_id: str, **fields: Any) -> dict[str, Any]:
        """A persona on the market."""
        persona = await self.create(creator_id, submit=True, **fields)
        r = await self.http.post(f"/api/admin/personas/{persona['id']}/approve", headers=self.admin)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def events(self, type_name: str) -> int:
        return int(await self.fetchval("SELECT count(*) FROM events WHERE type = $1", type_name))


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def catalog_settings(
    database_url: str, amqp_url: str, namespace: str, jwks_url: str, blob_dir: Path, **kw: Any
) -> CatalogSettings:
    values = {"jwks_url": jwks_url, "blob_dir": str(blob_dir), **LIMITS}
    return service_settings(CatalogSettings, database_url, amqp_url, namespace, **{**values, **kw})


@pytest.fixture
async def catalog(
    database_url: str, amqp_url: str, bus_namespace: str, tokens: TokenIssuer, tmp_path: Path
) -> AsyncIterator[CatalogEnv]:
    blob_dir = tmp_path / "blobs"
    app = create_app(
        catalog_settings(database_url, amqp_url, bus_namespace, tokens.jwks_url, blob_dir)
    )
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        await asyncio.wait_for(app.state.bus.ready.wait(), 30)
        broker = Broker(amqp_url, bus_namespace)
        await broker.connect()
        try:
            yield CatalogEnv(http, app, tokens, broker, database_url, blob_dir)
        finally:
            await broker.close()

"""The notifications service on real PostgreSQL, RabbitMQ and SMTP; other services' events are
published on the bus as their producers would."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import Message
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from notifications.app import create_app
from notifications.settings import NotificationsSettings
from shared.bus import Broker
from shared.contracts.billing import PurchaseCompleted
from shared.contracts.identity import UserRegistered
from shared.events import Envelope, Event
from shared.testing.publish import publish_event
from shared.testing.servers import SmtpSink, serve_app
from shared.testing.settings import service_settings
from shared.testing.tokens import TokenIssuer
from shared.testing.wait import eventually

CONSUMER = "notifications.events"


@dataclass
class Harness:
    app: FastAPI
    url: str
    http: httpx.AsyncClient
    tokens: TokenIssuer
    broker: Broker
    smtp: SmtpSink
    settings: NotificationsSettings

    eventually = staticmethod(eventually)

    @property
    def pool(self) -> asyncpg.Pool:
        pool: asyncpg.Pool = self.app.state.pool
        return pool

    async def publish(
        self, event: Event, *, stream_id: str | None = None, event_id: uuid.UUID | None = None
    ) -> Envelope:
        return await publish_event(
            self.broker,
            event,
            stream_type=event.producer_name(),
            stream_id=stream_id,
            event_id=event_id,
        )

    async def processed(self, *envelopes: Envelope) -> None:
        """Wait until the consumer handled these envelopes (so everything before them too)."""
        ids = [e.event_id for e in envelopes]

        async def seen() -> int:
            n = await self.pool.fetchval(
                "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
                CONSUMER,
                ids,
            )
            return int(n)

        await eventually(seen, lambda n: n == len(ids))

    async def send(self, *events: Event) -> list[Envelope]:
        envs = [await self.publish(e) for e in events]
        await self.processed(*envs)
        return envs

    async def user(self, name: str) -> str:
        user_id = str(uuid.uuid4())
        await self.send(UserRegistered(user_id=user_id, email=f"{name}@example.com", username=name))
        return user_id

    @staticmethod
    def sale(creator: str, buyer: str, **kw: Any) -> PurchaseCompleted:
        fields: dict[str, Any] = {
            "transaction_id": f"tx_{uuid.uuid4().hex[:10]}",
            "buyer_id": buyer,
            "persona_id": "persona-1",
            "creator_id": creator,
            "amount": 999,
            "currency": "usd",
            "platform_fee": 300,
            "creator_revenue": 699,
            "fee_rate_bps": 3000,
            "tax": 80,
            "amount_total": 1079,
            "persona_name": "Witty Chef",
        }
        fields.update(kw)
        return PurchaseCompleted(**fields)

    def auth(self, user_id: str) -> dict[str, str]:
        return self.tokens.headers(user_id)

    async def get(self, path: str, user: str, **kw: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.auth(user), **kw)

    async def post(self, path: str, user: str, **kw: Any) -> httpx.Response:
        return await self.http.post(path, headers=self.auth(user), **kw)

    async def put(self, path: str, user: str, **kw: Any) -> httpx.Response:
        return await self.http.put(path, headers=self.auth(user), **kw)

    async def inbox(self, user: str) -> dict[str, Any]:
        r = await self.get("/api/notifications", user)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    async def mail_to(self, name: str, count: int = 1) -> list[Message]:
        return await self.smtp.wait_for(f"{name}@example.com", count=count)

    def mails_to(self, name: str) -> list[Message]:
        return [m for m in self.smtp.messages if m["To"] == f"{name}@example.com"]

    async def mail_settled(self) -> None:
        """Wait until the mail outbox has nothing left that is due."""

        async def due() -> int:
            n = await self.pool.fetchval(
                "SELECT count(*) FROM mail_outbox WHERE status = 'pending'"
            )
            return int(n)

        await eventually(due, lambda n: n == 0)


def make_settings(
    database_url: str, amqp_url: str, ns: str, jwks_url: str, smtp_url: str, **kw: Any
) -> NotificationsSettings:
    values: dict[str, Any] = {
        "jwks_url": jwks_url,
        "smtp_url": smtp_url,
        "mail_poll_s": 0.1,
        "mail_backoff_base_s": 0.2,
        "fanout_poll_s": 0.1,
        "digest_poll_s": 3600,
        "digest_hour_utc": 24,  # never: tests run digests themselves
    }
    return service_settings(NotificationsSettings, database_url, amqp_url, ns, **{**values, **kw})


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def harness(
    database_url: str,
    amqp_url: str,
    bus_namespace: str,
    tokens: TokenIssuer,
    smtp_server: SmtpSink,
    settings_overrides: dict[str, Any],
) -> AsyncIterator[Harness]:
    settings = make_settings(
        database_url,
        amqp_url,
        bus_namespace,
        tokens.jwks_url,
        settings_overrides.pop("smtp_url", smtp_server.url),
        **settings_overrides,
    )
    app = create_app(settings)
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        await asyncio.wait_for(app.state.bus.ready.wait(), 15)
        broker = Broker(amqp_url, bus_namespace)
        await broker.connect()
        try:
            yield Harness(app, url, http, tokens, broker, smtp_server, settings)
        finally:
            await broker.close()

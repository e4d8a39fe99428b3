"""The analytics service on real PostgreSQL and RabbitMQ; other services' events are published
to the bus (and so to the `analytics.events` stream) through the kernel's broker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from analytics.app import create_app
from analytics.settings import AnalyticsSettings
from fastapi import FastAPI
from shared.bus import Broker
from shared.contracts.billing import PurchaseCompleted, PurchaseRefunded
from shared.contracts.catalog import PersonaApproved, PersonaCreated, ReviewPosted
from shared.events import Envelope, Event
from shared.money import split
from shared.testing.publish import envelope_of
from shared.testing.servers import serve_app
from shared.testing.settings import service_settings
from shared.testing.tokens import TokenIssuer
from shared.testing.wait import eventually

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def make_settings(
    database_url: str, amqp_url: str, ns: str, jwks_url: str, **kw: Any
) -> AnalyticsSettings:
    return service_settings(AnalyticsSettings, database_url, amqp_url, ns, jwks_url=jwks_url, **kw)


@dataclass
class Harness:
    app: FastAPI
    http: httpx.AsyncClient
    tokens: TokenIssuer
    broker: Broker
    published: int = 0

    eventually = staticmethod(eventually)

    def auth(self, user_id: str, *, admin: bool = False) -> dict[str, str]:
        if admin:
            return {"Authorization": f"Bearer {self.tokens.mint(user_id, roles=['user', 'admin'])}"}
        return self.tokens.headers(user_id)

    async def publish(
        self,
        event: Event,
        *,
        at: datetime | None = None,
        event_id: uuid.UUID | None = None,
        **extra: Any,
    ) -> Envelope:
        env = envelope_of(event, occurred_at=at, event_id=event_id, extra=extra)
        await self.broker.publish(f"{env.producer}.{env.type}", env)
        self.published += 1
        return env

    async def republish(self, env: Envelope) -> None:
        """The same event again (a producer whose confirm was lost): a second stream offset."""
        await self.broker.publish(f"{env.producer}.{env.type}", env)
        self.published += 1

    async def caught_up(self) -> None:
        """Wait until the stream consumer has stored the offset of everything published."""
        pool = self.app.state.pool

        async def offset() -> int:
            value = await pool.fetchval(
                "SELECT \"offset\" FROM stream_offsets WHERE consumer = 'analytics'"
            )
            return -1 if value is None else int(value)

        await eventually(offset, lambda o: o >= self.published - 1)

    async def persona(self, creator: str, name: str = "Calm Coach", **kw: Any) -> str:
        persona_id = str(uuid.uuid4())
        await self.publish(
            PersonaCreated(
                persona_id=persona_id,
                creator_id=creator,
                name=name,
                short_description=kw.get("short", "A calm coaching voice"),
                description=kw.get("description", "Helps you plan your week."),
                category=kw.get("category", "coaching"),
                tags=kw.get("tags", ["calm", "coach"]),
                price_cents=kw.get("price", 500),
                currency="usd",
                usage_terms={"personal": True},
            ),
            at=kw.get("at"),
        )
        await self.publish(
            PersonaApproved(
                persona_id=persona_id,
                creator_id=creator,
                name=name,
                price_cents=500,
                currency="usd",
            ),
            at=kw.get("at"),
        )
        return persona_id

    async def sale(
        self,
        persona_id: str,
        creator: str,
        buyer: str,
        amount: int = 500,
        at: datetime | None = None,
    ) -> Envelope:
        fee, revenue = split(amount, 3000)
        return await self.publish(
            PurchaseCompleted(
                transaction_id=f"tx_{uuid.uuid4().hex[:10]}",
                buyer_id=buyer,
                persona_id=persona_id,
                creator_id=creator,
                amount=amount,
                currency="usd",
                platform_fee=fee,
                creator_revenue=revenue,
                fee_rate_bps=3000,
            ),
            at=at,
        )

    async def review(
        self,
        review_id: str,
        persona_id: str,
        creator: str,
        user: str,
        rating: int,
        at: datetime | None = None,
        *,
        verified: bool = True,
    ) -> Envelope:
        return await self.publish(
            ReviewPosted(
                review_id=review_id,
                persona_id=persona_id,
                user_id=user,
                creator_id=creator,
                rating=rating,
                verified_purchase=verified,
            ),
            at=at,
        )

    async def refund(self, sale: Envelope, at: datetime | None = None) -> Envelope:
        """A full refund of `sale` (a PurchaseCompleted envelope)."""
        d = sale.data
        _, creator_amount = split(d["amount"], 3000)
        return await self.publish(
            PurchaseRefunded(
                transaction_id=d["transaction_id"],
                refund_id=f"re_{d['transaction_id']}",
                buyer_id=d["buyer_id"],
                persona_id=d["persona_id"],
                creator_id=d["creator_id"],
                amount=d["amount"],
                creator_amount=creator_amount,
                currency=d["currency"],
                full=True,
            ),
            at=at,
        )

    async def view(
        self,
        persona_id: str,
        *,
        user: str | None = None,
        cookies: dict[str, str] | None = None,
        agent: str = BROWSER,
        **body: Any,
    ) -> httpx.Response:
        headers = {"User-Agent": agent, **(self.auth(user) if user else {})}
        self.http.cookies.clear()
        for name, value in (cookies or {}).items():
            self.http.cookies.set(name, value)
        return await self.http.post(
            "/api/analytics/views", json={"persona_id": persona_id, **body}, headers=headers
        )

    async def overview(self, user: str, **params: Any) -> dict[str, Any]:
        r = await self.http.get("/api/analytics/overview", params=params, headers=self.auth(user))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture
async def harness(
    database_url: str, amqp_url: str, bus_namespace: str, tokens: TokenIssuer
) -> AsyncIterator[Harness]:
    app = create_app(
        make_settings(database_url, amqp_url, bus_namespace, tokens.jwks_url), refresher=False
    )
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        await asyncio.wait_for(app.state.bus.ready.wait(), 15)
        broker = Broker(amqp_url, bus_namespace)
        await broker.connect()
        try:
            yield Harness(app=app, http=http, tokens=tokens, broker=broker)
        finally:
            await broker.close()

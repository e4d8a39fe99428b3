"""Billing on real servers: its own fresh database, a private broker namespace, and the Stripe
emulator over real HTTP delivering signed webhooks to billing's endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import asyncpg
import httpx
import pytest
import stripe
from billing.app import create_app
from billing.settings import BillingSettings
from fastapi import FastAPI
from shared.bus import Broker
from shared.contracts import catalog
from shared.events import Envelope, Event
from shared.stripe_edge import STRIPE_INBOX, inbox_id
from shared.testing.publish import publish_event
from shared.testing.servers import serve_app
from shared.testing.settings import service_settings
from shared.testing.tokens import TokenIssuer
from shared.testing.wait import eventually
from stripe_emulator.testing import API_KEY, WEBHOOK_SECRET, EmulatorServer
from stripe_emulator.webhooks import sign

SUCCESS_CARD = "4242424242424242"
ASYNC_CARD = "4000000000000044"
DISPUTE_CARD = "4000000000000259"


@pytest.fixture(scope="session")
def stripe_server() -> Iterator[EmulatorServer]:
    server = EmulatorServer(webhook_urls=[])
    yield server
    server.stop()


@pytest.fixture
def emulator(stripe_server: EmulatorServer) -> EmulatorServer:
    httpx.post(f"{stripe_server.url}/_emulator/reset").raise_for_status()
    return stripe_server


@dataclass
class BusEvents:
    """Every `billing.*` message published on the test's exchange, as received."""

    envelopes: list[Envelope] = field(default_factory=list)
    connection: aio_pika.abc.AbstractConnection | None = None

    async def start(self, amqp_url: str, namespace: str) -> None:
        self.connection = await aio_pika.connect(amqp_url)
        channel = await self.connection.channel()
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(f"{namespace}domain-events", routing_key="billing.#")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            self.envelopes.append(Envelope.from_bytes(message.body))
            await message.ack()

        await queue.consume(on_message)

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()

    def of_type(self, type_name: str, transaction_id: str | None = None) -> list[Envelope]:
        return [
            e
            for e in self.envelopes
            if e.type == type_name
            and (transaction_id is None or e.data.get("transaction_id") == transaction_id)
        ]

    async def wait_for(
        self, type_name: str, transaction_id: str | None = None, count: int = 1
    ) -> list[Envelope]:
        async def probe() -> list[Envelope] | None:
            found = self.of_type(type_name, transaction_id)
            return found if len(found) >= count else None

        result: list[Envelope] = await eventually(probe)
        return result


@dataclass
class Billing:
    url: str
    app: FastAPI
    http: httpx.AsyncClient
    emulator: EmulatorServer
    stripe_admin: httpx.AsyncClient  # the emulator's /_emulator switches and hosted pages
    stripe: stripe.StripeClient  # acting as the platform's dashboard, straight to Stripe
    tokens: TokenIssuer
    bus: BusEvents
    broker: Broker
    catalog_versions: dict[str, int] = field(default_factory=dict)

    @property
    def pool(self) -> asyncpg.Pool:
        pool: asyncpg.Pool = self.app.state.pool
        return pool

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/payments/webhook"

    eventually = staticmethod(eventually)

    def auth(self, user_id: str, *roles: str) -> dict[str, str]:
        return self.tokens.headers(user_id, roles=list(roles) or ["user"])

    async def catalog_event(self, event: Event, persona_id: str) -> int:
        """Publish a catalog event on the persona's stream, as catalog's relay would."""
        version = self.catalog_versions.get(persona_id, 0) + 1
        self.catalog_versions[persona_id] = version
        await self.publish_catalog(event, persona_id, version)
        return version

    async def publish_catalog(self, event: Event, persona_id: str, version: int) -> None:
        await publish_event(
            self.broker, event, stream_type="persona", stream_id=persona_id, version=version
        )

    async def approve(
        self, price: int = 999, *, creator_id: str | None = None, name: str = "Ada the tutor"
    ) -> dict[str, str]:
        persona_id = str(uuid.uuid4())
        creator_id = creator_id or str(uuid.uuid4())
        version = await self.catalog_event(
            catalog.PersonaApproved(
                persona_id=persona_id,
                creator_id=creator_id,
                name=name,
                price_cents=price,
                currency="usd",
            ),
            persona_id,
        )
        await self.wait_catalog(persona_id, version)
        return {"persona_id": persona_id, "creator_id": creator_id}

    async def wait_catalog(self, persona_id: str, version: int) -> None:
        await eventually(
            lambda: self.pool.fetchval(
                "SELECT 1 FROM personas WHERE persona_id = $1 AND source_version >= $2",
                persona_id,
                version,
            )
        )

    async def checkout(self, buyer_id: str, persona_id: str) -> httpx.Response:
        return await self.http.post(
            "/api/payments/create-checkout",
            json={"persona_id": persona_id},
            headers=self.auth(buyer_id),
        )

    async def buy(self, buyer_id: str, persona_id: str) -> dict[str, Any]:
        r = await self.checkout(buyer_id, persona_id)
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    async def start_sale(self, price: int = 999, buyer_id: str | None = None) -> dict[str, Any]:
        """A new persona at `price` and a checkout for it: the checkout's ids with the persona's
        and the buyer's (a new one unless given)."""
        persona = await self.approve(price=price)
        buyer_id = buyer_id or str(uuid.uuid4())
        started = await self.buy(buyer_id, persona["persona_id"])
        return {**started, **persona, "buyer_id": buyer_id}

    async def pay(self, session_id: str, card: str = SUCCESS_CARD) -> dict[str, Any]:
        r = await self.stripe_admin.post(
            f"/_emulator/checkout/sessions/{session_id}/pay", json={"card": card}
        )
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    async def transaction(self, transaction_id: str) -> dict[str, Any]:
        row = await self.pool.fetchrow("SELECT * FROM transactions WHERE id = $1", transaction_id)
        assert row is not None
        return dict(row)

    async def wait_status(self, transaction_id: str, status: str) -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            row = await self.pool.fetchrow(
                "SELECT * FROM transactions WHERE id = $1 AND status = $2", transaction_id, status
            )
            return dict(row) if row else None

        result: dict[str, Any] = await eventually(probe)
        return result

    async def stored(self, type_name: str, transaction_id: str) -> list[dict[str, Any]]:
        rows = await self.pool.fetch(
            "SELECT data FROM events WHERE type = $1 AND stream_id = $2 ORDER BY version",
            type_name,
            transaction_id,
        )
        return [r["data"] for r in rows]

    async def stored_types(self, transaction_id: str) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT type FROM events WHERE stream_id = $1 ORDER BY version", transaction_id
        )
        return [r["type"] for r in rows]

    async def processed_types(self, transaction_id: str) -> list[str]:
        """The Stripe events applied to a transaction, in the order they were applied: the
        emulator's events about its session, charge or PaymentIntent that billing's inbox
        recorded, ordered by when it recorded them."""
        tx = await self.transaction(transaction_id)
        ours = {tx["session_id"], tx["charge_id"], tx["payment_intent"]} - {None}
        events = {}
        for event in await self.stripe_events(None):
            obj = event["data"]["object"]
            related = {obj.get("id"), obj.get("charge"), obj.get("payment_intent")}
            if ours & related or (obj.get("metadata") or {}).get("transaction_id") == tx["id"]:
                events[inbox_id(event["id"])] = event["type"]
        rows = await self.pool.fetch(
            "SELECT event_id FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])"
            " ORDER BY processed_at",
            STRIPE_INBOX,
            list(events),
        )
        return [events[r["event_id"]] for r in rows]

    async def stripe_events_recorded(self, stripe_event_id: str | None = None) -> int:
        """How many Stripe event ids billing's inbox holds (all, or this one)."""
        return int(
            await self.pool.fetchval(
                "SELECT count(*) FROM inbox WHERE consumer = $1"
                " AND ($2::uuid IS NULL OR event_id = $2)",
                STRIPE_INBOX,
                inbox_id(stripe_event_id) if stripe_event_id else None,
            )
        )

    async def webhook_statuses(self) -> list[tuple[str, int | None]]:
        """(event type, HTTP status) of every delivery attempt the emulator made to billing."""
        r = await self.stripe_admin.get(
            "/_emulator/webhooks/attempts", params={"url": self.webhook_url}
        )
        return [(a["event_type"], a["status_code"]) for a in r.json()["data"]]

    async def webhooks_idle(self) -> None:
        r = await self.stripe_admin.post("/_emulator/webhooks/wait", json={"timeout": 20})
        assert r.json()["idle"], r.text

    async def stripe_events(self, event_type: str | None) -> list[dict[str, Any]]:
        """Events as the emulator recorded them (what a webhook would carry), newest first."""
        r = await self.stripe_admin.get(
            "/v1/events",
            params={"type": event_type, "limit": 100} if event_type else {"limit": 100},
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
        assert r.status_code == 200, r.text
        data: list[dict[str, Any]] = r.json()["data"]
        return data

    async def post_webhook(
        self,
        event: dict[str, Any],
        *,
        secret: str = WEBHOOK_SECRET,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        body = json.dumps(event)
        header = signature if signature is not None else sign(body, secret, timestamp)
        return await self.http.post(
            "/api/payments/webhook",
            content=body.encode(),
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )


def billing_settings(
    database_url: str, amqp_url: str, ns: str, jwks_url: str, stripe_url: str, **kw: Any
) -> BillingSettings:
    values: dict[str, Any] = {
        "jwks_url": jwks_url,
        "stripe_api_key": API_KEY,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_api_base": stripe_url,
        "public_url": "http://localhost:8000",
    }
    return service_settings(BillingSettings, database_url, amqp_url, ns, **{**values, **kw})


@contextlib.asynccontextmanager
async def running_billing(
    settings: BillingSettings,
    emulator: EmulatorServer,
    tokens: TokenIssuer,
    amqp_url: str,
    *,
    deliver_webhooks: bool = True,
) -> AsyncIterator[Billing]:
    app = create_app(settings)
    async with contextlib.AsyncExitStack() as stack:
        url = await stack.enter_async_context(serve_app(app))
        await asyncio.wait_for(app.state.bus.ready.wait(), 30)
        bus = BusEvents()
        await bus.start(amqp_url, settings.bus_namespace)
        stack.push_async_callback(bus.close)
        broker = Broker(amqp_url, settings.bus_namespace)
        await broker.connect()
        stack.push_async_callback(broker.close)
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=30))
        stripe_admin = await stack.enter_async_context(
            httpx.AsyncClient(base_url=emulator.url, timeout=30)
        )
        http_client = stripe.HTTPXClient()
        stack.push_async_callback(http_client.close_async)
        client = stripe.StripeClient(
            API_KEY, base_addresses={"api": emulator.url}, http_client=http_client
        )
        billing = Billing(url, app, http, emulator, stripe_admin, client, tokens, bus, broker)
        urls = [billing.webhook_url] if deliver_webhooks else []
        (await stripe_admin.put("/_emulator/webhooks", json={"urls": urls})).raise_for_status()
        try:
            yield billing
        finally:
            # Stop deliveries before the app goes away.
            await stripe_admin.put("/_emulator/webhooks", json={"urls": []})


@pytest.fixture
def start_billing(
    database_url: str,
    amqp_url: str,
    bus_namespace: str,
    tokens: TokenIssuer,
    emulator: EmulatorServer,
) -> Any:
    """`async with start_billing(**settings) as billing:` for tests that need other settings."""

    def start(deliver_webhooks: bool = True, **overrides: Any) -> Any:
        settings = billing_settings(
            database_url, amqp_url, bus_namespace, tokens.jwks_url, emulator.url, **overrides
        )
        return running_billing(
            settings, emulator, tokens, amqp_url, deliver_webhooks=deliver_webhooks
        )

    return start


@pytest.fixture
async def billing(start_billing: Any) -> AsyncIterator[Billing]:
    async with start_billing() as b:
        yield b

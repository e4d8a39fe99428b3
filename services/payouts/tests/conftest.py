"""The payouts service on real PostgreSQL and RabbitMQ, talking to the Stripe emulator over HTTP
through the official SDK. Billing's events are published through the kernel's broker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
import stripe
from fastapi import FastAPI
from payouts.app import create_app
from payouts.service import Payouts
from payouts.settings import PayoutsSettings
from shared.bus import Broker
from shared.contracts.billing import PurchaseCompleted, PurchaseRefunded
from shared.events import Envelope, Event
from shared.money import split
from shared.testing.publish import publish_event
from shared.testing.servers import serve_app
from shared.testing.settings import service_settings
from shared.testing.tokens import TokenIssuer
from shared.testing.wait import eventually
from stripe_emulator.testing import API_KEY, WEBHOOK_SECRET, EmulatorServer, line_item

T = TypeVar("T")


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    server = EmulatorServer()
    yield server
    server.stop()


@dataclass
class Clock:
    """Real time plus an offset the test can move forward (never sleeps)."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **kw: float) -> None:
        self.offset += timedelta(**kw)


@dataclass
class Harness:
    app: FastAPI
    url: str
    http: httpx.AsyncClient
    emu: httpx.AsyncClient
    tokens: TokenIssuer
    broker: Broker
    clock: Clock
    stripe: stripe.StripeClient
    settings: PayoutsSettings

    eventually = staticmethod(eventually)

    @property
    def svc(self) -> Payouts:
        svc: Payouts = self.app.state.payouts
        return svc

    def auth(self, user_id: str) -> dict[str, str]:
        return self.tokens.headers(user_id)

    async def get(self, path: str, user: str, **kw: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.auth(user), **kw)

    async def post(self, path: str, user: str, **kw: Any) -> httpx.Response:
        headers = {**self.auth(user), **kw.pop("headers", {})}
        return await self.http.post(path, headers=headers, **kw)

    async def earnings(self, user: str) -> dict[str, Any]:
        r = await self.get("/api/earnings", user)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    # billing's side -------------------------------------------------------------------

    async def publish(
        self,
        event: Event,
        *,
        stream_id: str | None = None,
        occurred_at: datetime | None = None,
        event_id: uuid.UUID | None = None,
        version: int = 1,
    ) -> Envelope:
        return await publish_event(
            self.broker,
            event,
            stream_type="transaction",
            stream_id=stream_id or str(getattr(event, "transaction_id", uuid.uuid4())),
            version=version,
            occurred_at=occurred_at or datetime.now(UTC),
            event_id=event_id,
        )

    async def sale(
        self,
        creator: str,
        gross: int,
        *,
        days_ago: float = 10,
        transaction_id: str | None = None,
        persona_id: str = "persona-1",
        currency: str = "usd",
    ) -> Envelope:
        fee, revenue = split(gross, 3000)
        return await self.publish(
            PurchaseCompleted(
                transaction_id=transaction_id or f"tx_{uuid.uuid4().hex[:12]}",
                buyer_id=str(uuid.uuid4()),
                persona_id=persona_id,
                creator_id=creator,
                amount=gross,
                currency=currency,
                platform_fee=fee,
                creator_revenue=revenue,
                fee_rate_bps=3000,
            ),
            occurred_at=datetime.now(UTC) - timedelta(days=days_ago),
        )

    async def refund(
        self,
        creator: str,
        transaction_id: str,
        amount: int,
        creator_amount: int,
        *,
        full: bool,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        """Billing's word that refund `re_1` gave `amount` of a sale back to its buyer."""
        refund = PurchaseRefunded(
            transaction_id=transaction_id,
            refund_id="re_1",
            buyer_id="b",
            persona_id="persona-1",
            creator_id=creator,
            amount=amount,
            creator_amount=creator_amount,
            currency="usd",
            full=full,
        )
        return await self.publish(refund, occurred_at=occurred_at)

    async def processed(self, envelope: Envelope) -> None:
        """Wait until the ledger consumer has handled `envelope` (and so all before it)."""

        async def seen() -> bool:
            return bool(
                await self.svc.pool.fetchval(
                    "SELECT 1 FROM inbox WHERE consumer = 'payouts.ledger' AND event_id = $1",
                    envelope.event_id,
                )
            )

        await eventually(seen, bool)

    # Stripe's side --------------------------------------------------------------------

    async def fund_platform(self, amount: int = 500_000, currency: str = "usd") -> None:
        """Take a card payment so the platform's Stripe balance can pay transfers."""
        session = await self.stripe.v1.checkout.sessions.create_async(
            params={
                "mode": "payment",
                "line_items": [line_item(amount, "Float", currency=currency)],
                "success_url": "https://app.test/ok",
                "cancel_url": "https://app.test/cancel",
            }
        )
        r = await self.emu.post(
            f"/_emulator/checkout/sessions/{session.id}/pay", json={"card": "4242424242424242"}
        )
        assert r.status_code == 200, r.text

    async def onboard(self, creator: str) -> str:
        """Onboard through the hosted page the account link points at; returns the account id."""
        r = await self.post("/api/payouts/onboarding", creator)
        assert r.status_code == 200, r.text
        link = r.json()
        page = await self.emu.post(link["url"].removeprefix(str(self.emu.base_url).rstrip("/")))
        assert page.status_code == 303
        assert page.headers["location"] == "http://app.test/dashboard/earnings?onboarding=done"
        account: str = link["stripe_account"]
        assert (await self.earnings(creator))["onboarded"] is True
        return account

    async def transfers(self, destination: str) -> list[Any]:
        found = await self.stripe.v1.transfers.list_async(
            params={"destination": destination, "limit": 100}
        )
        return list(found.data)


@pytest.fixture
async def stripe_client(emulator_server: EmulatorServer) -> AsyncIterator[stripe.StripeClient]:
    http = stripe.HTTPXClient()
    yield stripe.StripeClient(
        API_KEY,
        base_addresses={"api": emulator_server.url, "connect": emulator_server.url},
        http_client=http,
    )
    await http.close_async()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_settings(
    database_url: str, amqp_url: str, ns: str, jwks_url: str, stripe_base: str, **kw: Any
) -> PayoutsSettings:
    return service_settings(
        PayoutsSettings,
        database_url,
        amqp_url,
        ns,
        jwks_url=jwks_url,
        stripe_api_key=API_KEY,
        stripe_api_base=stripe_base,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_max_network_retries=0,
        **kw,
    )


@pytest.fixture
async def harness(
    database_url: str,
    amqp_url: str,
    bus_namespace: str,
    tokens: TokenIssuer,
    emulator_server: EmulatorServer,
    stripe_client: stripe.StripeClient,
    clock: Clock,
) -> AsyncIterator[Harness]:
    settings = make_settings(
        database_url, amqp_url, bus_namespace, tokens.jwks_url, emulator_server.url
    )
    app = create_app(settings, clock=clock, sweeper=False)
    async with httpx.AsyncClient(base_url=emulator_server.url, timeout=10) as emu:
        (await emu.post("/_emulator/reset")).raise_for_status()
        async with serve_app(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
            await asyncio.wait_for(app.state.bus.ready.wait(), 15)
            (
                await emu.put(
                    "/_emulator/webhooks",
                    json={"urls": [f"{url}/api/payouts/webhook"], "secret": WEBHOOK_SECRET},
                )
            ).raise_for_status()
            broker = Broker(amqp_url, bus_namespace)
            await broker.connect()
            try:
                yield Harness(
                    app=app,
                    url=url,
                    http=http,
                    emu=emu,
                    tokens=tokens,
                    broker=broker,
                    clock=clock,
                    stripe=stripe_client,
                    settings=settings,
                )
            finally:
                await broker.close()
                # Nothing of this test may reach the next one's service.
                (await emu.post("/_emulator/reset")).raise_for_status()

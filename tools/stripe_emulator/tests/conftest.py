"""Fixtures: a real emulator HTTP server (uvicorn in a thread), a real webhook receiver
that verifies signatures with the Stripe SDK, and an SDK client pointed at the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
import stripe
from stripe_emulator.testing import EmulatorServer, WebhookReceiver, line_item

API_KEY = "sk_test_emulator"


@pytest.fixture(scope="session")
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver()
    yield r
    r.stop()


@pytest.fixture(scope="session")
def server(receiver: WebhookReceiver) -> Iterator[EmulatorServer]:
    s = EmulatorServer(webhook_urls=[receiver.url])
    yield s
    s.stop()


@pytest.fixture
def emulator(server: EmulatorServer, receiver: WebhookReceiver) -> EmulatorServer:
    """Fresh state for each test: reset the emulator, then forget received webhooks."""
    httpx.post(f"{server.url}/_emulator/reset").raise_for_status()
    receiver.clear()
    return server


@pytest.fixture
async def client(emulator: EmulatorServer) -> AsyncIterator[stripe.StripeClient]:
    http_client = stripe.HTTPXClient()
    yield stripe.StripeClient(
        API_KEY,
        base_addresses={"api": emulator.url, "connect": emulator.url, "files": emulator.url},
        http_client=http_client,
    )
    await http_client.close_async()


@pytest.fixture
async def admin(emulator: EmulatorServer) -> AsyncIterator[httpx.AsyncClient]:
    """Plain HTTP client for the `/_emulator` switches and the hosted pages."""
    async with httpx.AsyncClient(base_url=emulator.url, timeout=10) as c:
        yield c


def session_params(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [line_item(1500, "Persona: Ada the tutor", 2)],
        "metadata": {"order_id": "ord_123"},
        "client_reference_id": "user_42",
        "success_url": "https://app.example/success?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://app.example/cancel",
        "payment_intent_data": {"metadata": {"order_id": "ord_123"}},
    }
    params.update(overrides)
    return params


@pytest.fixture
def new_session(client: stripe.StripeClient) -> Callable[..., Awaitable[Any]]:
    async def create(**overrides: Any) -> Any:
        return await client.v1.checkout.sessions.create_async(params=session_params(**overrides))

    return create


@pytest.fixture
def pay(
    admin: httpx.AsyncClient, new_session: Callable[..., Awaitable[Any]]
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Create a session and pay it via the test switch; returns {session, payment_intent, charge, redirect_url}."""

    async def run(card: str = "4242424242424242", **overrides: Any) -> dict[str, Any]:
        session = await new_session(**overrides)
        resp = await admin.post(
            f"/_emulator/checkout/sessions/{session.id}/pay", json={"card": card}
        )
        assert resp.status_code == 200, resp.text
        result: dict[str, Any] = resp.json()
        return result

    return run

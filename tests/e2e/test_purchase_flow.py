"""Money end to end, through the gateway, every service real: a creator's paid persona is bought
through Stripe Checkout (the emulator), the signed webhook completes the purchase, catalog grants
the download, and the creator's ledger is credited 70%."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

import httpx
from shared.testing.wait import eventually

# Test modules are imported by path (pytest's importlib mode): make the helper beside it importable.
sys.path.insert(0, str(Path(__file__).parent))
from persona_support import PersonaSpec, cast, publish, until_status


async def publish_paid_persona(
    stack: Any, creator: dict[str, str], admin: dict[str, str], price_cents: int
) -> str:
    spec = PersonaSpec("Witty Travel Vlogger", price_cents, tags="travel,humour")
    return await publish(stack, creator, admin, spec)


async def start_checkout(stack: Any, buyer: dict[str, str], persona_id: str) -> dict[str, Any]:
    """Billing learns the price from catalog's events; checkout is refused until it has."""

    async def attempt() -> httpx.Response:
        return await stack.http.post(
            "/api/payments/create-checkout", headers=buyer, json={"persona_id": persona_id}
        )

    r = await eventually(attempt, lambda r: r.status_code not in (404, 409, 503), timeout=30)
    assert r.status_code in (200, 201), r.text
    session: dict[str, Any] = r.json()
    assert session["checkout_url"].startswith(stack.emulator_url)
    return session


async def pay(stack: Any, session: dict[str, Any], card: str = "4242424242424242") -> None:
    """The buyer pays on the hosted page with a test card; Stripe then sends the signed webhook."""
    async with httpx.AsyncClient() as emu:
        paid = await emu.post(
            f"{stack.emulator_url}/_emulator/checkout/sessions/{session['session_id']}/pay",
            json={"card": card},
        )
    assert paid.status_code == 200, paid.text


async def test_buying_a_paid_persona_grants_the_download_and_credits_the_creator(stack: Any):
    creator, admin, buyer = await cast(stack, "creator", "moderator", "buyer")
    persona_id = await publish_paid_persona(stack, creator, admin, 999)

    # Before paying: no download.
    r = await stack.http.get(f"/api/personas/{persona_id}/download", headers=buyer)
    assert r.status_code in (402, 403), r.text
    assert r.status_code == 403 and r.json()["code"] == "purchase_required"

    session = await start_checkout(stack, buyer, persona_id)

    await pay(stack, session)

    await until_status(stack, persona_id, buyer)
    r = await stack.http.get(f"/api/personas/{persona_id}/download", headers=buyer)
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert any(n.endswith("prompt.md") for n in names)

    history = (await stack.http.get("/api/payments/history", headers=buyer)).json()["items"]
    assert [(h["persona_id"], h["amount"], h["status"]) for h in history] == [
        (persona_id, 999, "completed")
    ]

    async def credited() -> bool:
        r = await stack.http.get("/api/earnings", headers=creator)
        return r.status_code == 200 and r.json()["pending"] == 699

    await eventually(credited)
    earnings = (await stack.http.get("/api/earnings", headers=creator)).json()
    assert earnings["available"] == 0  # still in the holding period
    assert earnings["lifetime"] == 699

    library = (await stack.http.get("/api/users/me/purchases", headers=buyer)).json()["items"]
    assert persona_id in [str(item.get("persona_id") or item["persona"]["id"]) for item in library]


async def test_a_full_refund_takes_access_away_and_reverses_the_creators_earning(stack: Any):
    creator, admin, buyer = await cast(stack, "maker", "boss", "fan")
    persona_id = await publish_paid_persona(stack, creator, admin, 1500)

    session = await start_checkout(stack, buyer, persona_id)
    await pay(stack, session)

    await until_status(stack, persona_id, buyer)
    tx = (await stack.http.get("/api/payments/history", headers=buyer)).json()["items"][0]

    # Only an admin may refund.
    r = await stack.http.post(f"/api/admin/payments/{tx['id']}/refund", headers=buyer, json={})
    assert r.status_code == 403
    r = await stack.http.post(f"/api/admin/payments/{tx['id']}/refund", headers=admin, json={})
    assert r.status_code == 200, r.text

    await eventually(lambda: _denied(stack, persona_id, buyer))

    async def reversed_() -> bool:
        e = (await stack.http.get("/api/earnings", headers=creator)).json()
        return e["pending"] == 0 and e["balance"] == 0

    await eventually(reversed_)
    earnings = (await stack.http.get("/api/earnings", headers=creator)).json()
    assert (earnings["lifetime"], earnings["available"]) == (0, 0)
    lines = (await stack.http.get("/api/earnings/transactions", headers=creator)).json()["items"]
    assert sorted((line["type"], line["amount"]) for line in lines) == [
        ("refund", -1050),
        ("sale", 1050),
    ]


async def _denied(stack: Any, persona_id: str, headers: dict[str, str]) -> bool:
    r = await stack.http.get(f"/api/personas/{persona_id}/download", headers=headers)
    return r.status_code in (402, 403)


async def test_a_purchase_completes_across_a_broker_outage(stack: Any, bus_namespace: str):
    """The broker drops every service's connection right after the payment: the webhook's effect
    is already committed with its outbox rows, so entitlement and credit still arrive."""
    from shared.testing.servers import close_broker_connections

    creator, admin, buyer = await cast(stack, "outage_creator", "outage_admin", "outage_buyer")
    persona_id = await publish_paid_persona(stack, creator, admin, 2500)

    session = await start_checkout(stack, buyer, persona_id)
    await pay(stack, session)
    assert await close_broker_connections(bus_namespace) >= 4  # every service and the gateway

    await until_status(stack, persona_id, buyer, timeout=40)

    async def credited() -> bool:
        r = await stack.http.get("/api/earnings", headers=creator)
        return r.status_code == 200 and r.json()["pending"] == 1750

    await eventually(credited, timeout=40)


async def test_a_purchase_made_while_catalog_is_down_is_granted_when_it_comes_back(stack: Any):
    """Billing's PurchaseCompleted waits in catalog's durable queue while catalog is down."""
    creator, admin, buyer = await cast(stack, "restart_creator", "restart_admin", "restart_buyer")
    persona_id = await publish_paid_persona(stack, creator, admin, 1200)

    session = await start_checkout(stack, buyer, persona_id)

    await stack.services.stop("catalog")
    await pay(stack, session)

    async def completed() -> bool:
        items = (await stack.http.get("/api/payments/history", headers=buyer)).json()["items"]
        return bool(items) and items[0]["status"] == "completed"

    await eventually(completed)
    r = await stack.http.get(f"/api/personas/{persona_id}/download", headers=buyer)
    assert r.status_code == 502  # catalog is down; the gateway says so

    await stack.services.start("catalog")

    await until_status(stack, persona_id, buyer, timeout=30)

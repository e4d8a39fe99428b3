"""Money and access across services, through the gateway: a double click at checkout hands out
one session, and a chargeback the platform loses takes the buyer's download away while the
creator's share stays reversed (an open dispute keeps access until it is decided)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx
from shared.testing.wait import eventually

# Test modules are imported by path (pytest's importlib mode): make the helper beside it importable.
sys.path.insert(0, str(Path(__file__).parent))
from persona_support import PersonaSpec, cast, download_status, publish, until_status


async def paid_persona(stack: Any, creator: dict[str, str], admin: dict[str, str]) -> str:
    spec = PersonaSpec("Calm Finance Explainer", 2000, category="education", tags="finance")
    return await publish(stack, creator, admin, spec)


async def checkout(stack: Any, buyer: dict[str, str], persona_id: str) -> httpx.Response:
    return await stack.http.post(
        "/api/payments/create-checkout", headers=buyer, json={"persona_id": persona_id}
    )


async def first_checkout(stack: Any, buyer: dict[str, str], persona_id: str) -> None:
    """Wait until billing has heard of the approved persona (it learns prices from events)."""
    for _ in range(200):
        r = await checkout(stack, buyer, persona_id)
        if r.status_code not in (404, 409, 503):  # 503: price_not_ready, still on its way
            assert r.status_code == 200, r.text
            return
        await asyncio.sleep(0.1)
    raise AssertionError("billing never offered the persona")


async def test_double_click_then_lost_chargeback(stack: Any) -> None:
    creator, admin, buyer = await cast(stack, "earner", "judge", "disputer")
    persona_id = await paid_persona(stack, creator, admin)
    await first_checkout(stack, buyer, persona_id)

    # A double (triple) click: one session, one transaction.
    clicks = await asyncio.gather(*(checkout(stack, buyer, persona_id) for _ in range(3)))
    assert all(r.status_code == 200 for r in clicks), [r.text for r in clicks]
    assert len({r.json()["session_id"] for r in clicks}) == 1
    session = clicks[0].json()

    async with httpx.AsyncClient(base_url=stack.emulator_url) as emu:
        paid = await emu.post(
            f"/_emulator/checkout/sessions/{session['session_id']}/pay",
            json={"card": "4242424242424242"},
        )
        assert paid.status_code == 200, paid.text

        await until_status(stack, persona_id, buyer)

        async def earnings() -> dict[str, Any]:
            r = await stack.http.get("/api/earnings", headers=creator)
            assert r.status_code == 200, r.text
            return dict(r.json())

        async def pending(cents: int) -> bool:
            return (await earnings())["pending"] == cents

        await eventually(lambda: pending(1400))  # 2000 - 30% fee

        tx = await stack.http.get(f"/api/admin/payments/{session['transaction_id']}", headers=admin)
        assert tx.status_code == 200, tx.text
        charge = tx.json()["stripe_charge"]
        assert charge

        # The card network opens a chargeback: the creator's share is held back, and the buyer
        # keeps the persona while it is undecided.
        opened = await emu.post(f"/_emulator/charges/{charge}/dispute", json={})
        assert opened.status_code == 200, opened.text
        await eventually(lambda: pending(0))
        assert await download_status(stack, persona_id, buyer) == 200

        # The platform loses it: the buyer has their money back, so the access goes too.
        closed = await emu.post(
            f"/_emulator/disputes/{opened.json()['id']}/close", json={"outcome": "lost"}
        )
        assert closed.status_code == 200, closed.text
        await until_status(stack, persona_id, buyer, 403)

    async def charged_back() -> bool:
        r = await stack.http.get(f"/api/admin/payments/{session['transaction_id']}", headers=admin)
        return bool(r.json()["status"] == "charged_back")

    await eventually(charged_back)
    final = await earnings()
    assert (final["pending"], final["available"], final["lifetime"]) == (0, 0, 0)
    # Billing no longer counts it as owned: the buyer may buy it again.
    again = await checkout(stack, buyer, persona_id)
    assert again.status_code == 200, again.text
    assert again.json()["session_id"] != session["session_id"]

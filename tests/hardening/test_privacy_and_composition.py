"""Through the gateway with every service real: what a public profile shows (the creator's
approved personas, nobody's roles), what a buyer is told while billing's price copy lags behind
an approval, and the headers every answer carries."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.testing.wait import eventually

from tests.e2e.test_purchase_flow import publish_paid_persona


async def test_profile_checkout_and_headers(stack: Any) -> None:
    creator = await stack.user("maker")
    admin = await stack.user("boss", admin=True)
    buyer = await stack.user("shopper")
    persona_id = await publish_paid_persona(stack, creator, admin, 1200)

    async def profile() -> dict[str, Any]:
        r = await stack.http.get("/api/users/maker", headers=buyer)
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        body: dict[str, Any] = r.json()
        return body

    shown = await eventually(profile, lambda p: bool(p["personas"] and p["personas"]["items"]))
    assert [p["id"] for p in shown["personas"]["items"]] == [persona_id]
    assert "roles" not in shown and shown["is_following"] is False
    admin_profile = (await stack.http.get("/api/users/boss")).json()
    assert "roles" not in admin_profile  # nobody can list the admins
    missing = await stack.http.get("/api/users/nobody-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"

    # Billing's copy of the price has not arrived yet (its row is gone): a retryable 503.
    await eventually(
        lambda: stack.http.post(
            "/api/payments/create-checkout", headers=buyer, json={"persona_id": persona_id}
        ),
        lambda r: r.status_code == 200,
        timeout=15,
    )
    other = await publish_paid_persona(stack, creator, admin, 800)
    billing = await asyncpg.connect(stack.database_urls["billing"])
    try:

        async def known() -> bool:
            return bool(
                await billing.fetchval("SELECT 1 FROM personas WHERE persona_id = $1", other)
            )

        await eventually(known)
        await billing.execute("DELETE FROM personas WHERE persona_id = $1", other)
    finally:
        await billing.close()
    r = await stack.http.post(
        "/api/payments/create-checkout", headers=buyer, json={"persona_id": other}
    )
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "1" and r.json()["code"] == "price_not_ready"
    ghost = await stack.http.post(
        "/api/payments/create-checkout",
        headers=buyer,
        json={"persona_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert ghost.status_code == 404 and ghost.json()["code"] == "persona_not_found"

    # Every answer: nosniff; tokens and private data: no-store.
    login = await stack.http.post(
        "/api/auth/login", json={"email": "shopper@example.com", "password": "blue-river-42-Piano"}
    )
    for r in (login, await stack.http.get("/api/personas"), ghost, missing):
        assert r.headers["x-content-type-options"] == "nosniff"
    assert login.headers["cache-control"] == "no-store"
    me = await stack.http.get("/api/users/me/profile", headers=buyer)
    assert me.headers["cache-control"] == "no-store"

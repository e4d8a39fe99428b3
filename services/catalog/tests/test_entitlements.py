"""Paid personas: access comes from billing's PurchaseCompleted and goes with a full refund,
delivered through the real broker to catalog's inbox-guarded consumer."""

from __future__ import annotations

import uuid
from typing import Any


async def test_paid_persona_is_downloadable_only_after_purchase_completed(catalog):
    env = catalog
    creator, buyer = await env.users("seller", "payer")
    persona = await env.approved(creator, name="Premium Copywriter", price_cents=999)
    pid = persona["id"]

    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    assert r.status_code == 403 and r.json()["code"] == "purchase_required"
    r = await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(buyer))
    assert r.status_code == 402 and r.json()["code"] == "payment_required"
    assert (await env.http.get(f"/api/personas/{pid}", headers=env.headers(buyer))).json()[
        "entitled"
    ] is False

    tx = env.new_tx()
    await env.publish("billing.PurchaseCompleted", env.purchase(persona, buyer, tx))

    async def entitled() -> bool:
        r = await env.http.get(f"/api/personas/{pid}", headers=env.headers(buyer))
        return bool(r.json()["entitled"])

    await env.wait_until(entitled)
    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    assert r.status_code == 200
    assert "prompt.md" in env.unzip(r.content)
    library = (await env.http.get("/api/users/me/purchases", headers=env.headers(buyer))).json()
    item = library["items"][0]
    assert (item["persona"]["id"], item["source"], item["transaction_id"], item["price_cents"]) == (
        pid,
        "purchase",
        tx,
        999,
    )
    # A paid review is a verified purchase.
    r = await env.review(pid, buyer, 5)
    assert r.json()["verified_purchase"] is True
    stranger = await env.user("window-shopper")
    r = await env.review(pid, stranger, 2)
    assert r.json()["verified_purchase"] is False


async def test_the_same_purchase_delivered_twice_grants_once(catalog):
    env = catalog
    creator, buyer = await env.users("seller2", "payer2")
    persona = await env.approved(creator, price_cents=499)
    tx = env.new_tx()
    envelope = await env.publish("billing.PurchaseCompleted", env.purchase(persona, buyer, tx))
    await env.republish("billing.PurchaseCompleted", envelope)  # the broker redelivers it
    # The same transaction in a fresh envelope (e.g. billing re-published it) changes nothing.
    await env.publish("billing.PurchaseCompleted", env.purchase(persona, buyer, tx))
    await env.entitlement_deliveries(2)  # both distinct deliveries handled (the copy was skipped)
    assert await env.events("PersonaAcquired") == 1
    detail = (
        await env.http.get(f"/api/personas/{persona['id']}", headers=env.headers(creator))
    ).json()
    assert detail["acquisitions"] == 1
    library = (await env.http.get("/api/users/me/purchases", headers=env.headers(buyer))).json()
    assert len(library["items"]) == 1


async def bought(env: Any, seller: str, payer: str) -> tuple[dict[str, Any], str, str, Any]:
    """A paid persona bought through billing's event, once its buyer can download it:
    (persona, buyer id, transaction id, `status()` of the buyer's download)."""
    creator, buyer = await env.users(seller, payer)
    persona = await env.approved(creator, price_cents=1999)
    tx = env.new_tx()
    await env.publish("billing.PurchaseCompleted", env.purchase(persona, buyer, tx))

    async def status() -> int:
        r = await env.http.get(
            f"/api/personas/{persona['id']}/download", headers=env.headers(buyer)
        )
        return r.status_code

    async def can_download() -> bool:
        return await status() == 200

    await env.wait_until(can_download)
    return persona, buyer, tx, status


async def test_a_full_refund_takes_access_away_and_a_partial_one_does_not(catalog):
    env = catalog
    persona, buyer, tx, status = await bought(env, "seller3", "payer3")
    await env.publish("billing.PurchaseRefunded", env.refund(persona, buyer, tx, full=False))
    await env.entitlement_deliveries(2)
    assert await status() == 200

    await env.publish("billing.PurchaseRefunded", env.refund(persona, buyer, tx, full=True))

    async def refused() -> bool:
        return await status() == 403

    await env.wait_until(refused)
    library = (await env.http.get("/api/users/me/purchases", headers=env.headers(buyer))).json()
    assert library["items"] == []
    detail = (
        await env.http.get(f"/api/personas/{persona['id']}", headers=env.headers(buyer))
    ).json()
    assert detail["entitled"] is False and detail["acquisitions"] == 0
    assert await env.events("EntitlementRevoked") == 1


async def test_a_refund_seen_before_its_purchase_still_ends_with_no_access(catalog):
    env = catalog
    creator, buyer = await env.users("seller4", "payer4")
    persona = await env.approved(creator, price_cents=299)
    tx = env.new_tx()
    await env.publish("billing.PurchaseRefunded", env.refund(persona, buyer, tx, full=True))
    await env.publish("billing.PurchaseCompleted", env.purchase(persona, buyer, tx))
    await env.entitlement_deliveries(2)
    r = await env.http.get(f"/api/personas/{persona['id']}/download", headers=env.headers(buyer))
    assert r.status_code == 403
    assert await env.events("PersonaAcquired") == 0


def dispute_closed(persona: dict, buyer: str, transaction_id: str, status: str):  # type: ignore[no-untyped-def]
    from shared.contracts.billing import DisputeClosed

    return DisputeClosed(
        transaction_id=transaction_id,
        dispute_id=f"dp_{uuid.uuid4().hex[:8]}",
        creator_id=persona["creator"]["id"],
        status=status,
        amount=persona["price_cents"],
        creator_amount=persona["price_cents"] - 300,
        currency="usd",
        buyer_id=buyer,
        persona_id=persona["id"],
    )


async def test_a_lost_chargeback_takes_access_away_and_a_won_one_does_not(catalog):
    """The buyer who got their money back through the card network no longer holds the persona
    (billing stops counting it as owned too); a dispute the platform won changes nothing."""
    env = catalog
    persona, buyer, tx, status = await bought(env, "seller5", "payer5")
    await env.publish("billing.DisputeClosed", dispute_closed(persona, buyer, tx, "won"))
    await env.entitlement_deliveries(2)
    assert await status() == 200

    await env.publish("billing.DisputeClosed", dispute_closed(persona, buyer, tx, "lost"))

    async def refused() -> bool:
        return await status() == 403

    await env.wait_until(refused)
    assert await env.events("EntitlementRevoked") == 1
    reason = await env.fetchval(
        "SELECT data->>'reason' FROM events WHERE type = 'EntitlementRevoked'"
    )
    assert reason == "chargeback"

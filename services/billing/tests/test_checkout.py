"""Buying through Stripe Checkout (the emulator), end to end on billing's side."""

from __future__ import annotations

import uuid

from shared.contracts import catalog


async def test_buy_checkout_page_webhook_and_purchase_completed_with_the_split(billing) -> None:
    persona = await billing.approve(price=999)
    buyer = str(uuid.uuid4())

    started = await billing.buy(buyer, persona["persona_id"])
    assert started["checkout_url"].startswith(billing.emulator.url)
    assert started["session_id"].startswith("cs_")
    page = await billing.stripe_admin.get(started["checkout_url"])
    assert page.status_code == 200 and "Ada the tutor" in page.text

    session = await billing.stripe.v1.checkout.sessions.retrieve_async(started["session_id"])
    tx_id = started["transaction_id"]
    assert session.metadata.to_dict() == {
        "transaction_id": tx_id,
        "persona_id": persona["persona_id"],
        "buyer_id": buyer,
        "creator_id": persona["creator_id"],
    }
    assert session.success_url == (
        "http://localhost:8000/checkout/success?session_id={CHECKOUT_SESSION_ID}"
    )
    assert session.cancel_url == (
        f"http://localhost:8000/checkout/cancel?persona_id={persona['persona_id']}"
    )
    assert session.amount_total == 999 and session.currency == "usd"
    [checkout_started] = await billing.bus.wait_for("CheckoutStarted", tx_id)
    assert (
        checkout_started.data["amount"] == 999 and checkout_started.data["session_id"] == session.id
    )

    paid = await billing.pay(started["session_id"])
    assert paid["redirect_url"].endswith(f"session_id={started['session_id']}")

    [completed] = await billing.bus.wait_for("PurchaseCompleted", tx_id)
    data = completed.data
    assert data["amount"] == 999 and data["currency"] == "usd"
    assert data["platform_fee"] == 300 and data["creator_revenue"] == 699
    assert data["fee_rate_bps"] == 3000 and data["tax"] == 0 and data["amount_total"] == 999
    assert data["buyer_id"] == buyer and data["creator_id"] == persona["creator_id"]
    assert data["persona_id"] == persona["persona_id"]
    assert data["stripe_payment_intent"] == paid["payment_intent"]["id"]
    assert data["stripe_charge"] == paid["charge"]["id"]
    assert completed.producer == "billing" and completed.stream_id == tx_id

    row = await billing.transaction(tx_id)
    assert row["status"] == "completed"
    assert (row["amount"], row["platform_fee"], row["creator_revenue"], row["fee_rate_bps"]) == (
        999,
        300,
        699,
        3000,
    )
    assert row["payment_intent"] == paid["payment_intent"]["id"]

    # The success page's poll, and owning it now.
    r = await billing.http.get(
        f"/api/payments/sessions/{started['session_id']}", headers=billing.auth(buyer)
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    r = await billing.http.get(
        f"/api/payments/sessions/{started['session_id']}", headers=billing.auth("someone-else")
    )
    assert r.status_code == 404
    again = await billing.checkout(buyer, persona["persona_id"])
    assert again.status_code == 409 and again.json()["code"] == "already_owned"


async def test_tax_is_collected_and_recorded_apart_from_the_split(start_billing) -> None:
    async with start_billing(tax_enabled=True) as billing:
        persona = await billing.approve(price=999)
        started = await billing.buy("buyer-t", persona["persona_id"])
        session = await billing.stripe.v1.checkout.sessions.retrieve_async(started["session_id"])
        assert session.automatic_tax.enabled is True
        await billing.pay(started["session_id"])
        [completed] = await billing.bus.wait_for("PurchaseCompleted", started["transaction_id"])
        tax = session.total_details.amount_tax
        assert tax > 0
        assert completed.data["tax"] == tax and completed.data["amount_total"] == 999 + tax
        assert (completed.data["platform_fee"], completed.data["creator_revenue"]) == (300, 699)


async def test_checkout_refuses_what_cannot_be_bought(billing) -> None:
    buyer = str(uuid.uuid4())
    r = await billing.http.post("/api/payments/create-checkout", json={"persona_id": "x"})
    assert r.status_code == 401

    r = await billing.http.post(
        "/api/payments/create-checkout", json={}, headers=billing.auth(buyer)
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "persona_id"

    r = await billing.checkout(buyer, str(uuid.uuid4()))
    assert r.status_code == 404 and r.json()["code"] == "persona_not_found"
    assert r.headers["content-type"] == "application/problem+json"

    free = await billing.approve(price=0)
    r = await billing.checkout(buyer, free["persona_id"])
    assert r.status_code == 409 and r.json()["code"] == "persona_is_free"

    mine = await billing.approve(price=500, creator_id=buyer)
    r = await billing.checkout(buyer, mine["persona_id"])
    assert r.status_code == 403 and r.json()["code"] == "own_persona"

    suspended = await billing.approve(price=500)
    version = await billing.catalog_event(
        catalog.PersonaSuspended(
            persona_id=suspended["persona_id"], creator_id=suspended["creator_id"], reason="spam"
        ),
        suspended["persona_id"],
    )
    await billing.wait_catalog(suspended["persona_id"], version)
    r = await billing.checkout(buyer, suspended["persona_id"])
    # not for sale and not the buyer's own: the same answer as a persona that never existed
    assert r.status_code == 404 and r.json()["code"] == "persona_not_found"

    pending = str(uuid.uuid4())
    version = await billing.catalog_event(
        catalog.PersonaUpdated(
            persona_id=pending,
            creator_id="c",
            name="Draft",
            price_cents=500,
            currency="usd",
            status="pending",
        ),
        pending,
    )
    await billing.wait_catalog(pending, version)
    r = await billing.checkout(buyer, pending)
    assert r.status_code == 404 and r.json()["code"] == "persona_not_found"

    # Acquired for free while it was free, then priced: already owned.
    owned = await billing.approve(price=500)
    await billing.catalog_event(
        catalog.PersonaAcquired(
            persona_id=owned["persona_id"],
            user_id=buyer,
            creator_id=owned["creator_id"],
            source="free",
        ),
        owned["persona_id"],
    )

    await billing.eventually(
        lambda: billing.pool.fetchval(
            "SELECT 1 FROM acquisitions WHERE user_id = $1 AND persona_id = $2",
            buyer,
            owned["persona_id"],
        )
    )
    r = await billing.checkout(buyer, owned["persona_id"])
    assert r.status_code == 409 and r.json()["code"] == "already_owned"
    # Below what a card can be charged: Stripe refuses, the buyer gets a clear answer.
    tiny = await billing.approve(price=10)
    r = await billing.checkout(buyer, tiny["persona_id"])
    assert r.status_code == 409 and r.json()["code"] == "price_below_minimum"

    # Nothing above started a checkout.
    assert await billing.pool.fetchval("SELECT count(*) FROM transactions") == 0
    listed = await billing.stripe.v1.checkout.sessions.list_async()
    assert listed.data == []


async def test_an_open_checkout_is_handed_out_again_until_it_expires(billing) -> None:
    persona = await billing.approve(price=1500)
    buyer = str(uuid.uuid4())
    first = await billing.buy(buyer, persona["persona_id"])
    second = await billing.buy(buyer, persona["persona_id"])
    assert second == first

    await billing.stripe.v1.checkout.sessions.expire_async(first["session_id"])
    await billing.wait_status(first["transaction_id"], "expired")
    [expired] = await billing.bus.wait_for("CheckoutExpired", first["transaction_id"])
    assert expired.data["buyer_id"] == buyer

    third = await billing.buy(buyer, persona["persona_id"])
    assert third["session_id"] != first["session_id"]
    assert third["transaction_id"] != first["transaction_id"]


async def test_the_price_follows_catalog_and_is_snapshotted_at_checkout(billing) -> None:
    persona = await billing.approve(price=999)
    pid = persona["persona_id"]
    early = await billing.buy("early-buyer", pid)

    update = catalog.PersonaUpdated(
        persona_id=pid,
        creator_id=persona["creator_id"],
        name="Ada v2",
        price_cents=1999,
        currency="usd",
        status="approved",
    )
    version = await billing.catalog_event(update, pid)
    await billing.wait_catalog(pid, version)
    # A stale (older) event delivered late does not roll the price back.
    stale = update.model_copy(update={"price_cents": 5})
    await billing.publish_catalog(stale, pid, version - 1)
    later_update = update.model_copy(update={"name": "Ada v3"})
    version = await billing.catalog_event(later_update, pid)
    await billing.wait_catalog(pid, version)
    assert (
        await billing.pool.fetchval("SELECT price_cents FROM personas WHERE persona_id = $1", pid)
        == 1999
    )

    late = await billing.buy("late-buyer", pid)
    late_session = await billing.stripe.v1.checkout.sessions.retrieve_async(late["session_id"])
    assert late_session.amount_total == 1999
    late_row = await billing.transaction(late["transaction_id"])
    assert (late_row["amount"], late_row["platform_fee"], late_row["creator_revenue"]) == (
        1999,
        600,
        1399,
    )
    assert late_row["persona_name"] == "Ada v3"

    # The early checkout keeps the price it was started with.
    await billing.pay(early["session_id"])
    [completed] = await billing.bus.wait_for("PurchaseCompleted", early["transaction_id"])
    assert completed.data["amount"] == 999 and completed.data["creator_revenue"] == 699


async def test_stripe_unreachable_means_a_clear_502_and_no_transaction(start_billing) -> None:
    from shared.testing.servers import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    async with start_billing(stripe_api_base=dead, stripe_max_network_retries=0) as billing:
        persona = await billing.approve(price=999)
        r = await billing.checkout("buyer-z", persona["persona_id"])
        assert r.status_code == 502 and r.json()["code"] == "payment_provider_unavailable"
        assert await billing.pool.fetchval("SELECT count(*) FROM events") == 0

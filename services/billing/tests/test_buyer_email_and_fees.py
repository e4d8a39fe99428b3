"""Checkout fills in the signed-in buyer's e-mail address (learnt from identity's events), and
the public fee quote gives the same split a sale records."""

from __future__ import annotations

import re
import uuid

from shared.contracts.identity import ProfileUpdated, UserRegistered
from shared.testing.publish import publish_event


async def test_checkout_carries_the_buyers_email_from_identitys_events(billing) -> None:
    persona = await billing.approve(price=1500)
    buyer = str(uuid.uuid4())
    stream = f"user-{buyer}"

    profile = [
        (1, UserRegistered(user_id=buyer, email="bea@example.com", username="bea")),
        (3, ProfileUpdated(user_id=buyer, changes={"email": "bea.new@example.com"})),
        # Late and out of order: an older address never replaces a newer one.
        (2, ProfileUpdated(user_id=buyer, changes={"email": "bea.old@example.com"})),
        (4, ProfileUpdated(user_id=buyer, changes={"bio": "hi"})),
    ]
    for version, event in profile:
        await publish_event(
            billing.broker, event, stream_type="user", stream_id=stream, version=version
        )
    await billing.eventually(
        lambda: billing.pool.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer LIKE '%identity-users%'"
        ),
        lambda n: n == 4,
    )
    assert (
        await billing.pool.fetchval("SELECT email FROM buyer_emails WHERE user_id = $1", buyer)
        == "bea.new@example.com"
    )

    started = await billing.buy(buyer, persona["persona_id"])
    session = await billing.stripe.v1.checkout.sessions.retrieve_async(started["session_id"])
    assert session.customer_email == "bea.new@example.com"
    page = await billing.stripe_admin.get(started["checkout_url"])
    assert re.search(r'id="email"[^>]*value="bea\.new@example\.com"[^>]*readonly', page.text)
    # The hosted page needs no e-mail typed in: paying with the field left empty works.
    form = {
        "email": "",
        "card_number": "4242 4242 4242 4242",
        "card_expiry": "12 / 34",
        "card_cvc": "123",
        "cardholder_name": "Bea",
    }
    paid = await billing.stripe_admin.post(started["checkout_url"], data=form)
    assert paid.status_code in (200, 303), paid.text
    assert "invalid" not in paid.text.lower()
    await billing.eventually(
        lambda: billing.pool.fetchval(
            "SELECT status FROM transactions WHERE id = $1", started["transaction_id"]
        ),
        lambda status: status == "completed",
    )

    # A buyer identity has not told us about yet: no address sent, Stripe's page asks for it,
    # and an empty field says it is missing, not "invalid".
    stranger = str(uuid.uuid4())
    started = await billing.buy(stranger, persona["persona_id"])
    session = await billing.stripe.v1.checkout.sessions.retrieve_async(started["session_id"])
    assert session.customer_email is None
    answer = await billing.stripe_admin.post(started["checkout_url"], data=form)
    assert "Your email is incomplete." in answer.text
    assert "invalid" not in answer.text.lower()


async def test_the_fee_quote_is_the_split_every_sale_records(billing) -> None:
    r = await billing.http.get("/api/payments/fee-quote", params={"amount": 999})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "amount": 999,
        "currency": "usd",
        "platform_fee": 300,
        "creator_revenue": 699,
        "fee_rate_bps": 3000,
    }
    r = await billing.http.get("/api/payments/fee-quote", params={"amount": 0, "currency": "EUR"})
    assert r.json()["creator_revenue"] == 0 and r.json()["currency"] == "eur"
    for bad in ({"amount": -1}, {"amount": "x"}, {}, {"amount": 5, "currency": "euro"}):
        assert (await billing.http.get("/api/payments/fee-quote", params=bad)).status_code == 422

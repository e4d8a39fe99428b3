"""Checkout Sessions through the SDK, and payment through the hosted page (plain HTTP form)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stripe
from stripe_emulator.testing import line_item


def _form(email: str = "buyer@example.com", card: str = "4242 4242 4242 4242") -> dict[str, str]:
    return {"email": email, "card_number": card, "card_expiry": "12 / 34", "card_cvc": "123"}


async def test_create_session_has_stripe_shape(client: stripe.StripeClient, emulator) -> None:
    session = await client.v1.checkout.sessions.create_async(
        params={
            "mode": "payment",
            "line_items": [
                line_item(1999, "Persona"),
                line_item(500, "Tip", 3),
            ],
            "metadata": {"order_id": "ord_1"},
            "client_reference_id": "user_7",
            "customer_email": "fan@example.com",
            "success_url": "https://app.example/ok?sid={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://app.example/cancel",
            "payment_intent_data": {"metadata": {"order_id": "ord_1"}},
        },
        options={"idempotency_key": "create-shape-1"},
    )
    assert session.object == "checkout.session"
    assert session.id.startswith("cs_test_")
    assert session.status == "open" and session.payment_status == "unpaid"
    assert session.amount_subtotal == 1999 + 1500
    assert session.amount_total == 3499
    assert session.total_details.amount_tax == 0
    assert session.metadata.to_dict() == {"order_id": "ord_1"}
    assert session.client_reference_id == "user_7"
    assert session.customer_email == "fan@example.com"
    assert session.payment_intent is None  # created when the customer pays, as on Stripe
    assert session.url == f"{emulator.url}/checkout/{session.id}"
    assert session.livemode is False

    again = await client.v1.checkout.sessions.retrieve_async(
        session.id, params={"expand": ["line_items"]}
    )
    items = again.line_items.data
    assert [(i.description, i.quantity, i.amount_total) for i in items] == [
        ("Persona", 1, 1999),
        ("Tip", 3, 1500),
    ]
    assert items[0].price.unit_amount == 1999 and items[0].price.currency == "usd"

    listed = await client.v1.checkout.sessions.line_items.list_async(session.id)
    assert len(listed.data) == 2


async def test_automatic_tax_adds_ten_percent(client: stripe.StripeClient, new_session) -> None:
    session = await new_session(automatic_tax={"enabled": True})
    # 2 x 1500 = 3000 subtotal, 10% on top (rounded half up per line) = 300
    assert session.amount_subtotal == 3000
    assert session.total_details.amount_tax == 300
    assert session.amount_total == 3300
    assert session.automatic_tax.enabled is True and session.automatic_tax.status == "complete"


async def test_list_and_filter_sessions(client: stripe.StripeClient, new_session) -> None:
    created = [await new_session() for _ in range(3)]
    page = await client.v1.checkout.sessions.list_async(params={"limit": 2})
    assert [s.id for s in page.data] == [created[2].id, created[1].id]  # newest first
    assert page.has_more is True
    everything = [s.id async for s in page.auto_paging_iter()]
    assert everything == [c.id for c in reversed(created)]
    expired = await client.v1.checkout.sessions.expire_async(created[0].id)
    only_open = await client.v1.checkout.sessions.list_async(params={"status": "open"})
    assert expired.id not in [s.id for s in only_open.data]
    assert len(only_open.data) == 2


async def test_expire_session_sends_event_and_blocks_payment(
    client, new_session, admin, receiver
) -> None:
    session = await new_session()
    expired = await client.v1.checkout.sessions.expire_async(session.id)
    assert expired.status == "expired" and expired.url is None
    await receiver.wait_types("checkout.session.expired")
    assert receiver.of_type("checkout.session.expired")[0]["data"]["object"]["id"] == session.id
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.checkout.sessions.expire_async(session.id)
    page = await admin.get(f"/checkout/{session.id}")
    assert "expired" in page.text
    resp = await admin.post(f"/_emulator/checkout/sessions/{session.id}/pay", json={})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "checkout_session_not_open"


async def test_hosted_page_renders_labelled_form(client, new_session, admin) -> None:
    session = await new_session(automatic_tax={"enabled": True})
    page = await admin.get(session.url.replace(str(admin.base_url).rstrip("/"), ""))
    assert page.status_code == 200
    html = page.text
    for field, label in [
        ("email", "Email"),
        ("card_number", "Card number"),
        ("card_expiry", "Expiration date"),
        ("card_cvc", "CVC"),
    ]:
        assert f'<label for="{field}">{label}</label>' in html
        assert f'id="{field}"' in html
    assert "Persona: Ada the tutor &times; 2" in html
    assert "Pay $33.00" in html and "Tax" in html


async def test_declined_card_on_hosted_page_keeps_session_open(
    client, new_session, admin, receiver
) -> None:
    session = await new_session()
    resp = await admin.post(f"/checkout/{session.id}", data=_form(card="4000 0000 0000 0002"))
    assert resp.status_code == 402
    assert 'role="alert">Your card was declined.' in resp.text
    after = await client.v1.checkout.sessions.retrieve_async(session.id)
    assert after.status == "open" and after.payment_status == "unpaid"
    pi = await client.v1.payment_intents.retrieve_async(after.payment_intent)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error.code == "card_declined"
    assert pi.last_payment_error.decline_code == "generic_decline"
    failed = await client.v1.charges.retrieve_async(pi.latest_charge)
    assert failed.status == "failed" and failed.paid is False and failed.balance_transaction is None
    await receiver.wait_types("charge.failed", "payment_intent.payment_failed")
    assert "checkout.session.completed" not in receiver.types()

    # The customer tries again with a good card: same PaymentIntent, now succeeded.
    ok = await admin.post(f"/checkout/{session.id}", data=_form())
    assert ok.status_code == 303
    done = await client.v1.checkout.sessions.retrieve_async(session.id)
    assert done.status == "complete" and done.payment_intent == pi.id


async def test_invalid_card_number_is_rejected_before_any_charge(
    client, new_session, admin
) -> None:
    session = await new_session()
    resp = await admin.post(f"/checkout/{session.id}", data=_form(card="4242 4242 4242 4241"))
    assert resp.status_code == 402 and "Your card number is invalid." in resp.text
    assert (await client.v1.charges.list_async()).data == []


async def test_successful_payment_on_hosted_page(client, new_session, admin, receiver) -> None:
    session = await new_session()
    resp = await admin.post(f"/checkout/{session.id}", data=_form())
    assert resp.status_code == 303
    location = resp.headers["location"]
    assert location == f"https://app.example/success?session_id={session.id}"
    assert parse_qs(urlsplit(location).query)["session_id"] == [session.id]

    done = await client.v1.checkout.sessions.retrieve_async(
        session.id, params={"expand": ["payment_intent.latest_charge"]}
    )
    assert done.status == "complete" and done.payment_status == "paid"
    assert done.customer_details.email == "buyer@example.com"
    pi = done.payment_intent
    assert pi.id.startswith("pi_") and pi.status == "succeeded" and pi.amount_received == 3000
    assert pi.metadata.to_dict() == {"order_id": "ord_123"}
    ch = pi.latest_charge
    assert ch.id.startswith("ch_") and ch.status == "succeeded" and ch.paid and ch.captured
    assert ch.amount == 3000 and ch.amount_refunded == 0 and ch.refunded is False
    assert ch.balance_transaction.startswith("txn_")
    assert ch.payment_method_details.card.last4 == "4242"
    txn = await client.v1.balance_transactions.retrieve_async(ch.balance_transaction)
    assert txn.amount == 3000 and txn.type == "charge" and txn.source == ch.id

    await receiver.wait_types(
        "checkout.session.completed", "payment_intent.succeeded", "charge.succeeded"
    )
    completed = receiver.of_type("checkout.session.completed")[0]
    obj = completed["data"]["object"]
    assert obj["id"] == session.id and obj["payment_status"] == "paid"
    assert obj["metadata"] == {"order_id": "ord_123"} and obj["client_reference_id"] == "user_42"
    assert obj["payment_intent"] == pi.id

    # Paying twice is impossible; the page now says it is complete.
    again = await admin.get(f"/checkout/{session.id}")
    assert "Payment complete" in again.text


async def test_cancel_link_goes_to_cancel_url(new_session, admin) -> None:
    session = await new_session()
    page = await admin.get(f"/checkout/{session.id}")
    assert f'href="/checkout/{session.id}/cancel"' in page.text
    resp = await admin.get(f"/checkout/{session.id}/cancel")
    assert resp.status_code == 303 and resp.headers["location"] == "https://app.example/cancel"


async def test_async_payment_succeeds_later(client, new_session, admin, receiver) -> None:
    session = await new_session()
    resp = await admin.post(f"/checkout/{session.id}", data=_form(card="4000 0000 0000 0044"))
    assert resp.status_code == 303
    pending = await client.v1.checkout.sessions.retrieve_async(session.id)
    assert pending.status == "complete" and pending.payment_status == "unpaid"
    pi = await client.v1.payment_intents.retrieve_async(pending.payment_intent)
    assert pi.status == "processing"
    await receiver.wait_types("checkout.session.completed")
    assert (
        receiver.of_type("checkout.session.completed")[0]["data"]["object"]["payment_status"]
        == "unpaid"
    )
    before = await client.v1.balance.retrieve_async()
    assert before.available[0].amount == 0

    r = await admin.post(
        f"/_emulator/checkout/sessions/{session.id}/async_payment", json={"outcome": "succeeded"}
    )
    assert r.status_code == 200 and r.json()["payment_status"] == "paid"
    await receiver.wait_types("checkout.session.async_payment_succeeded")
    assert (await client.v1.payment_intents.retrieve_async(pi.id)).status == "succeeded"
    assert (await client.v1.balance.retrieve_async()).available[0].amount == 3000
    again = await admin.post(
        f"/_emulator/checkout/sessions/{session.id}/async_payment", json={"outcome": "failed"}
    )
    assert again.status_code == 400


async def test_async_payment_fails_later(client, pay, admin, receiver) -> None:
    result = await pay(card="4000000000000044")
    sid = result["session"]["id"]
    r = await admin.post(
        f"/_emulator/checkout/sessions/{sid}/async_payment", json={"outcome": "failed"}
    )
    assert r.status_code == 200
    await receiver.wait_types(
        "checkout.session.async_payment_failed", "payment_intent.payment_failed"
    )
    session = await client.v1.checkout.sessions.retrieve_async(sid)
    assert session.payment_status == "unpaid"
    ch = await client.v1.charges.retrieve_async(result["charge"]["id"])
    assert ch.status == "failed"
    assert (await client.v1.balance.retrieve_async()).available[0].amount == 0


async def test_programmatic_pay_declines_with_card_error(new_session, admin) -> None:
    session = await new_session()
    resp = await admin.post(
        f"/_emulator/checkout/sessions/{session.id}/pay", json={"card": "4000000000009995"}
    )
    assert resp.status_code == 402
    err = resp.json()["error"]
    assert err["type"] == "card_error" and err["decline_code"] == "insufficient_funds"


async def test_validation_errors_look_like_stripe(client: stripe.StripeClient, emulator) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await client.v1.checkout.sessions.create_async(params={"line_items": []})
    assert missing.value.param == "mode" and missing.value.http_status == 400
    assert missing.value.code == "parameter_missing"

    with pytest.raises(stripe.InvalidRequestError) as unknown:
        await client.v1.checkout.sessions.create_async(
            params={
                "mode": "payment",
                "line_items": [{"price_data": {"currency": "usd", "unit_amont": 5}}],
            }  # type: ignore[typeddict-unknown-key]
        )
    assert unknown.value.param == "line_items[0][price_data][unit_amont]"
    assert unknown.value.code == "parameter_unknown"

    with pytest.raises(stripe.InvalidRequestError) as small:
        await client.v1.checkout.sessions.create_async(
            params={
                "mode": "payment",
                "line_items": [line_item(10, "x")],
            }
        )
    assert small.value.code == "amount_too_small"

    with pytest.raises(stripe.InvalidRequestError) as nope:
        await client.v1.checkout.sessions.retrieve_async("cs_test_doesnotexist")
    assert nope.value.http_status == 404 and nope.value.code == "resource_missing"
    assert nope.value.json_body["error"]["type"] == "invalid_request_error"

    with pytest.raises(stripe.InvalidRequestError) as unsupported:
        await client.v1.checkout.sessions.create_async(params={"mode": "subscription"})
    assert unsupported.value.param == "mode"


async def test_api_key_is_required(emulator) -> None:
    async with httpx.AsyncClient(base_url=emulator.url) as raw:
        no_key = await raw.get("/v1/checkout/sessions")
        assert no_key.status_code == 401
        assert no_key.json()["error"]["type"] == "invalid_request_error"
        live = await raw.get(
            "/v1/balance", headers={"Authorization": "Bearer sk_live_abcdefghijklmnop"}
        )
        assert live.status_code == 401
        unknown = await raw.get("/v1/customers", headers={"Authorization": "Bearer sk_test_x"})
        assert (
            unknown.status_code == 404
            and "Unrecognized request URL" in unknown.json()["error"]["message"]
        )
    bad = stripe.StripeClient(
        "sk_live_nope", base_addresses={"api": emulator.url}, http_client=stripe.HTTPXClient()
    )
    with pytest.raises(stripe.AuthenticationError):
        await bad.v1.balance.retrieve_async()

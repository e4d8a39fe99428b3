"""Idempotency keys and the Events API."""

from __future__ import annotations

import httpx
import pytest
import stripe
from stripe_emulator import Settings, create_app
from stripe_emulator.testing import line_item

LINE = line_item(700, "Chat pack")


async def test_same_key_same_params_replays(client: stripe.StripeClient, emulator) -> None:
    params = {"mode": "payment", "line_items": [LINE], "metadata": {"order_id": "o1"}}
    first = await client.v1.checkout.sessions.create_async(
        params=params, options={"idempotency_key": "order-o1"}
    )
    second = await client.v1.checkout.sessions.create_async(
        params=params, options={"idempotency_key": "order-o1"}
    )
    assert second.id == first.id
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert len((await client.v1.checkout.sessions.list_async()).data) == 1


async def test_same_key_other_params_is_an_idempotency_error(
    client: stripe.StripeClient, emulator
) -> None:
    await client.v1.checkout.sessions.create_async(
        params={"mode": "payment", "line_items": [LINE]}, options={"idempotency_key": "k-1"}
    )
    with pytest.raises(stripe.IdempotencyError) as exc:
        await client.v1.checkout.sessions.create_async(
            params={"mode": "payment", "line_items": [LINE], "metadata": {"x": "y"}},
            options={"idempotency_key": "k-1"},
        )
    assert exc.value.http_status == 400
    assert exc.value.json_body["error"]["type"] == "idempotency_error"


async def test_validation_failures_are_not_stored(client: stripe.StripeClient, emulator) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.checkout.sessions.create_async(
            params={"mode": "payment"}, options={"idempotency_key": "k-2"}
        )
    fixed = await client.v1.checkout.sessions.create_async(
        params={"mode": "payment", "line_items": [LINE]}, options={"idempotency_key": "k-2"}
    )
    assert fixed.status == "open"


async def test_executed_failures_are_replayed(client: stripe.StripeClient, pay, admin) -> None:
    """A transfer refused after it started executing keeps failing under the same key."""
    await pay()
    acct = await client.v1.accounts.create_async(
        params={"type": "express", "capabilities": {"transfers": {"requested": True}}}
    )
    await admin.post(f"/_emulator/accounts/{acct.id}/onboard")
    await admin.post("/_emulator/transfers/fail_next", json={})
    params = {"amount": 100, "currency": "usd", "destination": acct.id}
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await client.v1.transfers.create_async(
                params=params, options={"idempotency_key": "po-9"}
            )
        assert exc.value.code == "transfers_not_allowed"
    ok = await client.v1.transfers.create_async(
        params=params, options={"idempotency_key": "po-9-retry"}
    )
    assert ok.amount == 100


async def test_events_api(client: stripe.StripeClient, pay) -> None:
    paid = await pay()
    await client.v1.refunds.create_async(
        params={"charge": paid["charge"]["id"], "amount": 100}, options={"idempotency_key": "r-1"}
    )
    all_events = await client.v1.events.list_async(params={"limit": 100})
    types = [e.type for e in all_events.data]
    assert types == [
        "refund.created",
        "charge.refunded",
        "checkout.session.completed",
        "payment_intent.succeeded",
        "charge.succeeded",
        "payment_intent.created",
    ]
    ev = all_events.data[0]
    assert ev.id.startswith("evt_") and ev.object == "event" and ev.livemode is False
    assert ev.api_version == stripe.api_version and isinstance(ev.created, int)
    assert ev.request.idempotency_key == "r-1" and ev.request.id.startswith("req_")
    assert ev.data.object.object == "refund"
    automatic = all_events.data[2]
    assert automatic.request.id is None and automatic.request.idempotency_key is None

    only_charges = await client.v1.events.list_async(params={"type": "charge.*"})
    assert [e.type for e in only_charges.data] == ["charge.refunded", "charge.succeeded"]
    several = await client.v1.events.list_async(
        params={"types": ["refund.created", "payment_intent.created"]}
    )
    assert [e.type for e in several.data] == ["refund.created", "payment_intent.created"]

    page = await client.v1.events.list_async(params={"limit": 4})
    assert page.has_more is True and len(page.data) == 4
    rest = await client.v1.events.list_async(
        params={"limit": 4, "starting_after": page.data[-1].id}
    )
    assert [e.id for e in rest.data] == [
        e.id for e in all_events.data[4:]
    ] and rest.has_more is False
    back = await client.v1.events.list_async(params={"limit": 2, "ending_before": rest.data[0].id})
    assert [e.id for e in back.data] == [e.id for e in all_events.data[2:4]]

    fetched = await client.v1.events.retrieve_async(ev.id)
    assert fetched.type == "refund.created" and fetched.data.object.id == ev.data.object.id
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.events.list_async(params={"limit": 101})


async def test_expand_unknown_property_is_rejected(client: stripe.StripeClient, pay) -> None:
    paid = await pay()
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await client.v1.charges.retrieve_async(
            paid["charge"]["id"], params={"expand": ["customer_nonsense"]}
        )
    assert exc.value.param == "expand"
    listed = await client.v1.charges.list_async(params={"expand": ["data.payment_intent"]})
    assert listed.data[0].payment_intent.id == paid["payment_intent"]["id"]


async def test_in_process_app_without_server() -> None:
    """`create_app` also works over ASGI directly, for tests that need no webhooks."""
    app = create_app(Settings(public_url="http://emulator.test"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as http:
        resp = await http.post(
            "/v1/checkout/sessions",
            headers={"Authorization": "Bearer sk_test_x"},
            content="mode=payment&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=900"
            "&line_items[0][price_data][product_data][name]=Raw&line_items[0][quantity]=1&expand[]=line_items",
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["url"].startswith("http://emulator.test/checkout/cs_test_")
        assert body["line_items"]["data"][0]["amount_total"] == 900

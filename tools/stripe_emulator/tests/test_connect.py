"""Connect: Express accounts, hosted onboarding, transfers and reversals."""

from __future__ import annotations

import pytest
import stripe


async def _account(client: stripe.StripeClient, **extra) -> stripe.Account:
    return await client.v1.accounts.create_async(
        params={
            "type": "express",
            "email": "creator@example.com",
            "metadata": {"creator_id": "cr_1"},
            "capabilities": {
                "transfers": {"requested": True},
                "card_payments": {"requested": True},
            },
            **extra,
        }
    )


async def test_account_and_onboarding_link(client: stripe.StripeClient, admin, receiver) -> None:
    acct = await _account(client)
    assert (
        acct.id.startswith("acct_")
        and acct.type == "express"
        and acct.email == "creator@example.com"
    )
    assert acct.metadata.to_dict() == {"creator_id": "cr_1"}
    assert (
        acct.charges_enabled is False
        and acct.payouts_enabled is False
        and acct.details_submitted is False
    )
    assert acct.capabilities.transfers == "inactive"
    assert acct.requirements.currently_due

    link = await client.v1.account_links.create_async(
        params={
            "account": acct.id,
            "refresh_url": "https://app.example/connect/refresh",
            "return_url": "https://app.example/connect/return",
            "type": "account_onboarding",
        }
    )
    assert link.object == "account_link" and link.expires_at > link.created
    path = link.url.removeprefix(str(admin.base_url).rstrip("/"))
    page = await admin.get(path)
    assert page.status_code == 200 and "Complete onboarding" in page.text and acct.id in page.text

    done = await admin.post(path)
    assert (
        done.status_code == 303 and done.headers["location"] == "https://app.example/connect/return"
    )
    enabled = await client.v1.accounts.retrieve_async(acct.id)
    assert enabled.charges_enabled and enabled.payouts_enabled and enabled.details_submitted
    assert enabled.capabilities.transfers == "active"
    assert enabled.requirements.currently_due == []

    await receiver.wait_types("account.updated")
    event = receiver.of_type("account.updated")[0]
    assert event["account"] == acct.id  # Connect events name the connected account
    assert event["data"]["object"]["charges_enabled"] is True
    assert event["data"]["previous_attributes"]["charges_enabled"] is False

    # A used link sends the visitor to refresh_url, like an expired one.
    stale = await admin.get(path)
    assert (
        stale.status_code == 303
        and stale.headers["location"] == "https://app.example/connect/refresh"
    )


async def test_account_validation(client: stripe.StripeClient, emulator) -> None:
    with pytest.raises(stripe.InvalidRequestError) as no_caps:
        await client.v1.accounts.create_async(params={"type": "express"})
    assert no_caps.value.param == "capabilities"
    with pytest.raises(stripe.InvalidRequestError) as bad_link:
        await client.v1.account_links.create_async(
            params={
                "account": "acct_nope",
                "refresh_url": "https://x",
                "return_url": "https://y",
                "type": "account_onboarding",
            }
        )
    assert bad_link.value.http_status == 404
    acct = await _account(client)
    updated = await client.v1.accounts.update_async(acct.id, params={"metadata": {"tier": "gold"}})
    assert updated.metadata.to_dict() == {"creator_id": "cr_1", "tier": "gold"}
    listed = await client.v1.accounts.list_async()
    assert [a.id for a in listed.data] == [acct.id]


async def test_transfer_to_onboarded_account(
    client: stripe.StripeClient, pay, admin, receiver
) -> None:
    await pay()  # 3000 available
    acct = await _account(client)
    await admin.post(f"/_emulator/accounts/{acct.id}/onboard")
    tr = await client.v1.transfers.create_async(
        params={
            "amount": 2100,
            "currency": "usd",
            "destination": acct.id,
            "transfer_group": "ord_123",
            "metadata": {"payout_id": "po_1"},
        },
        options={"idempotency_key": "transfer-po_1"},
    )
    assert tr.id.startswith("tr_") and tr.object == "transfer"
    assert tr.amount == 2100 and tr.destination == acct.id and tr.transfer_group == "ord_123"
    assert tr.amount_reversed == 0 and tr.reversed is False and tr.reversals.data == []
    assert tr.balance_transaction.startswith("txn_") and tr.destination_payment.startswith("py_")
    assert (await client.v1.transfers.retrieve_async(tr.id)).metadata.to_dict() == {
        "payout_id": "po_1"
    }
    listed = await client.v1.transfers.list_async(params={"destination": acct.id})
    assert [t.id for t in listed.data] == [tr.id]

    platform = await client.v1.balance.retrieve_async()
    assert platform.available[0].amount == 900
    connected = await client.v1.balance.retrieve_async(options={"stripe_account": acct.id})
    assert connected.available[0].amount == 2100
    await receiver.wait_types("transfer.created")
    assert receiver.of_type("transfer.created")[0]["data"]["object"]["id"] == tr.id


async def test_transfer_to_account_without_onboarding_fails(
    client: stripe.StripeClient, pay
) -> None:
    await pay()
    acct = await _account(client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await client.v1.transfers.create_async(
            params={"amount": 100, "currency": "usd", "destination": acct.id}
        )
    assert exc.value.code == "insufficient_capabilities_for_transfer"
    assert exc.value.param == "destination" and exc.value.http_status == 400
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        await client.v1.transfers.create_async(
            params={"amount": 100, "currency": "usd", "destination": "acct_nope"}
        )
    assert unknown.value.param == "destination"
    assert (await client.v1.transfers.list_async()).data == []


async def test_transfer_needs_available_funds(client: stripe.StripeClient, admin) -> None:
    acct = await _account(client)
    await admin.post(f"/_emulator/accounts/{acct.id}/onboard")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await client.v1.transfers.create_async(
            params={"amount": 100, "currency": "usd", "destination": acct.id}
        )
    assert exc.value.code == "balance_insufficient"


async def test_forced_transfer_failure_hits_only_the_next_transfer(
    client: stripe.StripeClient, pay, admin
) -> None:
    await pay()
    acct = await _account(client)
    other = await _account(client)
    for a in (acct, other):
        await admin.post(f"/_emulator/accounts/{a.id}/onboard")
    r = await admin.post("/_emulator/transfers/fail_next", json={"destination": acct.id})
    assert r.status_code == 200 and len(r.json()["pending_failures"]) == 1

    # A transfer to another account is unaffected.
    await client.v1.transfers.create_async(
        params={"amount": 100, "currency": "usd", "destination": other.id}
    )
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await client.v1.transfers.create_async(
            params={"amount": 100, "currency": "usd", "destination": acct.id}
        )
    assert exc.value.code == "transfers_not_allowed"
    ok = await client.v1.transfers.create_async(
        params={"amount": 100, "currency": "usd", "destination": acct.id}
    )
    assert ok.destination == acct.id


async def test_reversals(client: stripe.StripeClient, pay, admin, receiver) -> None:
    await pay()
    acct = await _account(client)
    await admin.post(f"/_emulator/accounts/{acct.id}/onboard")
    tr = await client.v1.transfers.create_async(
        params={"amount": 2000, "currency": "usd", "destination": acct.id}
    )

    partial = await client.v1.transfers.reversals.create_async(
        tr.id, params={"amount": 500, "metadata": {"k": "v"}}
    )
    assert partial.id.startswith("trr_") and partial.object == "transfer_reversal"
    assert partial.amount == 500 and partial.transfer == tr.id
    after = await client.v1.transfers.retrieve_async(tr.id)
    assert after.amount_reversed == 500 and after.reversed is False
    assert [r.id for r in after.reversals.data] == [partial.id]
    assert (await client.v1.transfers.reversals.retrieve_async(tr.id, partial.id)).amount == 500
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.transfers.reversals.create_async(tr.id, params={"amount": 1600})

    # The test switch reverses the rest.
    r = await admin.post(f"/_emulator/transfers/{tr.id}/reverse", json={})
    assert r.status_code == 200 and r.json()["amount"] == 1500
    full = await client.v1.transfers.retrieve_async(tr.id)
    assert full.reversed is True and full.amount_reversed == 2000
    listed = await client.v1.transfers.reversals.list_async(tr.id)
    assert len(listed.data) == 2

    await receiver.wait_for(lambda rc: len(rc.of_type("transfer.reversed")) == 2)
    assert receiver.of_type("transfer.reversed")[-1]["data"]["object"]["reversed"] is True
    assert (await client.v1.balance.retrieve_async()).available[0].amount == 3000
    connected = await client.v1.balance.retrieve_async(options={"stripe_account": acct.id})
    assert connected.available[0].amount == 0


async def test_failed_transfer_returns_the_funds(
    client: stripe.StripeClient, pay, admin, receiver
) -> None:
    await pay()
    acct = await _account(client)
    await admin.post(f"/_emulator/accounts/{acct.id}/onboard")
    tr = await client.v1.transfers.create_async(
        params={"amount": 1000, "currency": "usd", "destination": acct.id}
    )
    r = await admin.post(f"/_emulator/transfers/{tr.id}/fail", json={"code": "account_closed"})
    assert r.status_code == 200
    assert r.json()["metadata"]["emulator_failure_code"] == "account_closed"
    assert (await client.v1.transfers.retrieve_async(tr.id)).reversed is True
    await receiver.wait_types("transfer.reversed")
    assert (await admin.post(f"/_emulator/transfers/{tr.id}/fail")).status_code == 400

"""Webhook delivery: signatures, retries with backoff, and the delivery test switches."""

from __future__ import annotations

import time

import stripe
from stripe_emulator.testing import WebhookReceiver, line_item
from stripe_emulator.webhooks import sign

# What `pay()` sends, in the order it happens.
PAID_EVENTS = [
    "payment_intent.created",
    "charge.succeeded",
    "payment_intent.succeeded",
    "checkout.session.completed",
]


def test_signature_matches_stripe_sdk() -> None:
    payload = '{"id": "evt_1", "object": "event"}'
    header = sign(payload, "whsec_x", timestamp=1_700_000_000)
    assert header == stripe.WebhookSignature.generate_signature_header(
        payload, "whsec_x", timestamp=1_700_000_000
    )
    t = int(time.time())
    event = stripe.Webhook.construct_event(payload, sign(payload, "whsec_x", t), "whsec_x")
    assert event.id == "evt_1"


async def _attempts(admin, **query) -> list[dict]:
    resp = await admin.get("/_emulator/webhooks/attempts", params=query)
    data: list[dict] = resp.json()["data"]
    return data


async def test_retries_after_failures_until_delivered(pay, admin, receiver) -> None:
    receiver.fail_per_event = 2
    await pay()
    await receiver.wait_types("checkout.session.completed")
    wait = await admin.post("/_emulator/webhooks/wait", json={"timeout": 5})
    assert wait.json()["idle"] is True, wait.json()
    first_event = (await _attempts(admin))[0]["event_id"]
    tries = await _attempts(admin, event_id=first_event)
    assert [(a["attempt"], a["status_code"], a["succeeded"]) for a in tries] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    # Retries are spaced by the backoff (0.05 s, then 0.1 s in the test settings): the schedule
    # each attempt set, not the clock (timings belong in `make bench`).
    assert [a["next_retry_in"] for a in tries] == [0.05, 0.1, None]
    # Every event got through in the end, each exactly once. (Only this test's events count:
    # the receiver outlives tests, and a delivery of an earlier test's may still land.)
    ours = {a["event_id"] for a in await _attempts(admin)}
    assert len(ours) == 4

    def delivered(rc: WebhookReceiver) -> list[str]:
        return [e["id"] for e in rc.events if e["id"] in ours]

    await receiver.wait_for(lambda rc: len(set(delivered(rc))) == 4, timeout=30)
    assert sorted(delivered(receiver)) == sorted(ours)


async def test_retries_are_bounded(client, pay, admin, receiver) -> None:
    receiver.fail_next = 1000
    await pay()
    assert (await admin.post("/_emulator/webhooks/wait", json={"timeout": 5})).json()[
        "idle"
    ] is True
    attempts = await _attempts(admin)
    per_event: dict[str, int] = {}
    for a in attempts:
        per_event[a["event_id"]] = per_event.get(a["event_id"], 0) + 1
    assert set(per_event.values()) == {4}  # webhook_max_attempts in the test settings
    assert receiver.events == []
    # Undelivered events keep pending_webhooks > 0 in the API, like Stripe's.
    event = await client.v1.events.retrieve_async(attempts[0]["event_id"])
    assert event.pending_webhooks == 1


async def test_pending_webhooks_drops_after_delivery(client, pay, admin, receiver) -> None:
    await pay()
    await receiver.wait_types("checkout.session.completed")
    await admin.post("/_emulator/webhooks/wait", json={"timeout": 5})
    events = await client.v1.events.list_async()
    assert events.data and all(e.pending_webhooks == 0 for e in events.data)


async def test_wrong_secret_fails_verification(pay, admin, receiver) -> None:
    r = await admin.put("/_emulator/webhooks", json={"secret": "whsec_someone_else"})
    assert r.json()["secret"] == "whsec_someone_else"
    await pay()
    await receiver.wait_for(lambda rc: len(rc.rejected) >= 1)
    assert receiver.events == []
    assert "No signatures found matching the expected signature" in receiver.rejected[0]


async def test_duplicate_switch_delivers_each_event_twice(pay, admin, receiver) -> None:
    r = await admin.post("/_emulator/webhooks/duplicate", json={"enabled": True})
    assert r.json()["duplicate"] is True
    await pay()
    await receiver.wait_for(lambda rc: len(rc.of_type("checkout.session.completed")) == 2)
    ids = [e["id"] for e in receiver.of_type("checkout.session.completed")]
    assert ids[0] == ids[1]  # the same event, so receivers must deduplicate by id
    assert len(receiver.events) == 2 * 4


async def test_hold_and_release_in_reverse_order(client, pay, admin, receiver) -> None:
    await admin.post("/_emulator/webhooks/hold")
    await pay()
    await admin.post("/_emulator/webhooks/wait", json={"timeout": 2})
    assert receiver.events == []
    assert (await admin.get("/_emulator/webhooks")).json()["held"] == 4
    r = await admin.post("/_emulator/webhooks/release", json={"order": "reverse"})
    assert r.json() == {"released": 4}
    await receiver.wait_for(lambda rc: len(rc.events) == 4)
    assert receiver.types() == PAID_EVENTS[::-1]
    # Later events flow normally again.
    await client.v1.checkout.sessions.expire_async(
        (
            await client.v1.checkout.sessions.create_async(
                params={
                    "mode": "payment",
                    "line_items": [line_item(100, "x")],
                }
            )
        ).id
    )
    await receiver.wait_types("checkout.session.expired")


async def test_pause_and_resume(pay, admin, receiver) -> None:
    paused = await admin.post("/_emulator/webhooks/pause")
    assert paused.json()["paused"] is True
    await pay()
    assert (await admin.post("/_emulator/webhooks/wait", json={"timeout": 0.3})).json()[
        "idle"
    ] is False
    assert receiver.events == []
    await admin.post("/_emulator/webhooks/resume")
    await receiver.wait_for(lambda rc: len(rc.events) == 4)
    assert receiver.types() == PAID_EVENTS


async def test_configure_urls_at_runtime(pay, admin, receiver, emulator) -> None:
    r = await admin.put("/_emulator/webhooks", json={"urls": []})
    assert r.json()["urls"] == []
    await pay()
    assert (await admin.post("/_emulator/webhooks/wait", json={"timeout": 1})).json()[
        "idle"
    ] is True
    assert receiver.events == [] and await _attempts(admin) == []
    await admin.put("/_emulator/webhooks", json={"urls": [receiver.url]})
    await pay()
    await receiver.wait_types("checkout.session.completed")
    # Reset restores the startup configuration (the receiver, from the test settings).
    await admin.put("/_emulator/webhooks", json={"urls": []})
    await admin.post("/_emulator/reset")
    assert (await admin.get("/_emulator/webhooks")).json()["urls"] == [receiver.url]


async def test_unreachable_endpoint_is_recorded(pay, admin, receiver) -> None:
    await admin.put(
        "/_emulator/webhooks", json={"urls": ["http://127.0.0.1:9/nothing-here", receiver.url]}
    )
    await pay()
    await receiver.wait_types("checkout.session.completed")
    await admin.post("/_emulator/webhooks/wait", json={"timeout": 5})
    dead = await _attempts(admin, url="http://127.0.0.1:9/nothing-here")
    assert dead and all(a["status_code"] is None and a["error"] for a in dead)

"""Preferences per category, transactional mail that cannot be turned off, one-click unsubscribe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from notifications.settings import NotificationsSettings
from shared.contracts.identity import UserFollowed


async def test_defaults_and_changes(harness: Any) -> None:
    user = await harness.user("carla")
    r = await harness.get("/api/notifications/preferences", user)
    assert r.status_code == 200
    prefs = {p["category"]: p for p in r.json()["items"]}
    assert prefs["sales"]["channel"] == "email"
    assert prefs["followers"]["channel"] == "digest"
    assert prefs["purchases"] == {
        "category": "purchases",
        "label": "Receipts, refunds and disputes",
        "channel": "email",
        "transactional": True,
        "channels": ["email"],
    }
    r = await harness.put(
        "/api/notifications/preferences", user, json={"preferences": {"sales": "in_app"}}
    )
    assert r.status_code == 200
    assert {p["category"]: p["channel"] for p in r.json()["items"]}["sales"] == "in_app"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purchases": "off"}, "preferences.purchases"),
        ({"payouts": "in_app"}, "preferences.payouts"),
        ({"followers": "email"}, "preferences.followers"),
        ({"nonsense": "off"}, "preferences.nonsense"),
        ({"sales": "loud"}, "preferences.sales"),
    ],
)
async def test_refuses_what_cannot_be(harness: Any, change: dict[str, str], field: str) -> None:
    user = await harness.user("carla")
    r = await harness.put("/api/notifications/preferences", user, json={"preferences": change})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert field in r.text
    r = await harness.get("/api/notifications/preferences", user)
    assert {p["category"]: p["channel"] for p in r.json()["items"]}["purchases"] == "email"


async def test_off_in_app_and_email_are_honoured(harness: Any) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    await harness.put(
        "/api/notifications/preferences", creator, json={"preferences": {"sales": "off"}}
    )
    # The buyer tries to turn receipts off: refused, so the receipt still comes.
    await harness.put(
        "/api/notifications/preferences", buyer, json={"preferences": {"purchases": "off"}}
    )
    await harness.send(harness.sale(creator, buyer))
    await harness.mail_to("bob")
    await harness.mail_settled()
    assert (await harness.inbox(creator))["items"] == []
    assert harness.mails_to("carla") == []

    await harness.put(
        "/api/notifications/preferences", creator, json={"preferences": {"sales": "in_app"}}
    )
    await harness.send(harness.sale(creator, buyer))
    await harness.mail_settled()
    assert len((await harness.inbox(creator))["items"]) == 1
    assert harness.mails_to("carla") == []
    assert len(harness.mails_to("bob")) == 2


async def test_one_click_unsubscribe(harness: Any) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    await harness.send(harness.sale(creator, buyer))
    [mail] = await harness.mail_to("carla")
    url = mail["List-Unsubscribe"].strip("<>")
    path = re.sub(r"^http://app\.test", "", url)

    # A GET (a link scanner, or the person clicking) only asks for confirmation.
    page = await harness.http.get(path)
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert 'method="post"' in page.text and "Unsubscribe from sales of your personas?" in page.text
    prefs = await harness.get("/api/notifications/preferences", creator)
    assert {p["category"]: p["channel"] for p in prefs.json()["items"]}["sales"] == "email"

    # The mail client's one-click POST (RFC 8058), without any login.
    done = await harness.http.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    prefs = await harness.get("/api/notifications/preferences", creator)
    assert {p["category"]: p["channel"] for p in prefs.json()["items"]}["sales"] == "in_app"

    await harness.send(harness.sale(creator, buyer))
    await harness.mail_settled()
    assert len(harness.mails_to("carla")) == 1  # no second sale mail
    assert len((await harness.inbox(creator))["items"]) == 2  # still told in-app


async def test_forged_or_transactional_unsubscribe_links_do_nothing(harness: Any) -> None:
    from notifications.unsubscribe import make_token

    user = await harness.user("carla")
    forged = make_token("not-the-secret", user, "sales")
    r = await harness.http.post(f"/api/notifications/unsubscribe/{forged}")
    assert r.status_code == 400 and "not valid" in r.text
    receipts = make_token(harness.settings.unsubscribe_secret, user, "purchases")
    r = await harness.http.post(f"/api/notifications/unsubscribe/{receipts}")
    assert r.status_code == 400
    r = await harness.get("/api/notifications/preferences", user)
    assert all(
        p["channel"] == ("digest" if p["category"] in ("followers", "following") else "email")
        for p in r.json()["items"]
    )


async def test_digest_only_categories_never_mail_on_their_own(harness: Any) -> None:
    creator = await harness.user("carla")
    fan = await harness.user("fan")
    await harness.send(UserFollowed(follower_id=fan, followee_id=creator))
    await harness.mail_settled()
    assert harness.mails_to("carla") == []
    waiting = await harness.pool.fetchval(
        "SELECT count(*) FROM digest_items WHERE user_id = $1", creator
    )
    assert waiting == 1


def test_production_refuses_the_development_unsubscribe_secret() -> None:
    with pytest.raises(ValueError, match="NOTIFICATIONS_UNSUBSCRIBE_SECRET"):
        NotificationsSettings(
            env="production", database_url="postgresql://db/n", amqp_url="amqp://x@mq/"
        )
    ok = NotificationsSettings(
        env="production",
        database_url="postgresql://db/n",
        amqp_url="amqp://x@mq/",
        unsubscribe_secret="s3cret-from-the-vault",
    )
    assert ok.unsubscribe_secret == "s3cret-from-the-vault"

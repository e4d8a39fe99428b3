"""Profiles, public profiles and follows."""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from typing import TYPE_CHECKING

from jose import jwt
from shared.testing.servers import message_text

if TYPE_CHECKING:
    from conftest import Client


async def test_profile_update_and_public_profile(client: Client) -> None:
    alice, headers = await client.user("alice")
    r = await client.http.put(
        "/api/users/me/profile",
        headers=headers,
        json={
            "bio": "  I write personas.  ",
            "website": "https://alice.example",
            "avatar_url": "https://cdn.example/a.png",
            "social_links": {"Mastodon": "https://social.example/@alice", "x": ""},
        },
    )
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["bio"] == "I write personas."
    assert me["social_links"] == {"mastodon": "https://social.example/@alice"}
    assert me["email"] == "alice@example.com"

    public = (await client.http.get("/api/users/ALICE")).json()
    assert "email" not in public
    assert "roles" not in public  # nobody can list the admins
    assert public["website"] == "https://alice.example"
    assert public["is_following"] is None

    # Only what is sent changes; null clears.
    r = await client.http.put("/api/users/me/profile", headers=headers, json={"website": None})
    assert r.json()["website"] is None and r.json()["bio"] == "I write personas."
    events = await client.svc.pool.fetchval(
        "SELECT count(*) FROM events WHERE type = 'ProfileUpdated'"
    )
    # A no-op update records nothing.
    await client.http.put("/api/users/me/profile", headers=headers, json={"website": None})
    assert (
        await client.svc.pool.fetchval("SELECT count(*) FROM events WHERE type = 'ProfileUpdated'")
        == events
        == 2
    )
    r = await client.http.get("/api/users/nobody")
    assert r.status_code == 404
    r = await client.http.get("/api/users/me", headers=headers)
    assert r.json()["id"] == alice["id"]


BAD_PROFILES = [
    ({"bio": "x" * 501}, "bio"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"website": "alice.example"}, "website"),
    ({"website": "http://[::1"}, "website"),
    ({"website": "https://alice.example:port/"}, "website"),
    ({"avatar_url": "ftp://cdn.example/a.png"}, "avatar_url"),
    ({"social_links": {"x": "https://[oops/"}}, "social_links.x"),
    ({"social_links": {"x": "not a url"}}, "social_links.x"),
    ({"username": "no spaces"}, "username"),
    ({"username": "me"}, "username"),
    ({"email": "nope"}, "email"),
]


async def test_bad_profile_input_is_422_and_changes_nothing(client: Client) -> None:
    _, headers = await client.user("bob")
    for body, field in BAD_PROFILES:
        r = await client.http.put("/api/users/me/profile", headers=headers, json=body)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == field
    assert (
        await client.svc.pool.fetchval("SELECT count(*) FROM events WHERE type = 'ProfileUpdated'")
        == 0
    )


async def test_taken_username_or_email_is_409(client: Client) -> None:
    await client.register("carol")
    _, headers = await client.user("dave")
    r = await client.http.put("/api/users/me/profile", headers=headers, json={"username": "Carol"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "username"
    r = await client.http.put(
        "/api/users/me/profile",
        headers=headers,
        json={"email": "carol@example.com", "current_password": client.PASSWORD},
    )
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "email"
    r = await client.http.put("/api/users/me/profile", headers=headers, json={"username": "dave_2"})
    assert r.status_code == 200 and r.json()["username"] == "dave_2"


async def test_email_change_resets_verification_and_mails_both_addresses(client: Client) -> None:
    user = await client.register("erin")
    first = await client.smtp.wait_for(user["email"])
    old_link = re.search(r"token=([\w\-]+)", message_text(first[0]))
    assert old_link
    assert (
        await client.http.post("/api/auth/verify-email", json={"token": old_link.group(1)})
    ).status_code == 204
    headers = {"Authorization": f"Bearer {(await client.login(user['email']))['access_token']}"}

    # ASVS 3.7.1: a new address needs the current password; missing or wrong changes nothing.
    for extra, message in (
        ({}, "Enter your current password to change your e-mail."),
        ({"current_password": ""}, "Enter your current password to change your e-mail."),
        ({"current_password": "not-my-password-1"}, "The current password is incorrect."),
    ):
        r = await client.http.put(
            "/api/users/me/profile",
            headers=headers,
            json={"email": "Erin.New@example.com", "bio": "new bio", **extra},
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"] == [{"field": "current_password", "message": message}]
    me = (await client.http.get("/api/auth/me", headers=headers)).json()
    assert me["email"] == "erin@example.com" and me["email_verified"] is True
    assert me["bio"] is None
    # Other fields, and re-sending the unchanged address, need no password.
    r = await client.http.put(
        "/api/users/me/profile",
        headers=headers,
        json={"email": "ERIN@example.com", "bio": "Still erin."},
    )
    assert r.status_code == 200, r.text
    assert r.json()["bio"] == "Still erin." and r.json()["email_verified"] is True

    r = await client.http.put(
        "/api/users/me/profile",
        headers=headers,
        json={"email": "Erin.New@example.com", "current_password": client.PASSWORD},
    )
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "erin.new@example.com"
    assert r.json()["email_verified"] is False
    notice = await client.smtp.wait_for("erin@example.com", count=2)
    subject = str(make_header(decode_header(notice[1]["Subject"])))
    assert subject == "Your e-mail address was changed · Personas"
    mail = await client.smtp.wait_for("erin.new@example.com")
    link = re.search(r"verify-email\?token=([\w\-]+)", message_text(mail[0]))
    assert link
    r = await client.http.post("/api/auth/verify-email", json={"token": link.group(1)})
    assert r.status_code == 204
    tokens = await client.login("erin.new@example.com")
    assert jwt.get_unverified_claims(tokens["access_token"])["email_verified"] is True


async def test_follow_counts_lists_and_idempotence(client: Client) -> None:
    _alice, alice_h = await client.user("alice")
    _bob, bob_h = await client.user("bob")
    _carol, carol_h = await client.user("carol")

    for _ in range(2):  # twice = once
        assert (await client.http.post("/api/users/alice/follow", headers=bob_h)).status_code == 204
    assert (await client.http.post("/api/users/alice/follow", headers=carol_h)).status_code == 204
    assert (await client.http.post("/api/users/bob/follow", headers=alice_h)).status_code == 204

    profile = (await client.http.get("/api/users/alice", headers=bob_h)).json()
    assert profile["followers_count"] == 2 and profile["following_count"] == 1
    assert profile["is_following"] is True
    me = (await client.http.get("/api/auth/me", headers=bob_h)).json()
    assert me["following_count"] == 1 and me["followers_count"] == 1

    page = (await client.http.get("/api/users/alice/followers?limit=1")).json()
    assert [i["username"] for i in page["items"]] == ["carol"]
    assert page["next_cursor"]
    page2 = (
        await client.http.get(f"/api/users/alice/followers?limit=1&cursor={page['next_cursor']}")
    ).json()
    assert [i["username"] for i in page2["items"]] == ["bob"]
    assert page2["next_cursor"] is None
    following = (await client.http.get("/api/users/bob/following")).json()
    assert [i["username"] for i in following["items"]] == ["alice"]

    for _ in range(2):
        r = await client.http.delete("/api/users/alice/follow", headers=bob_h)
        assert r.status_code == 204
    profile = (await client.http.get("/api/users/alice", headers=bob_h)).json()
    assert profile["followers_count"] == 1 and profile["is_following"] is False
    assert (
        await client.svc.pool.fetchval(
            "SELECT count(*) FROM events WHERE type IN ('UserFollowed', 'UserUnfollowed')"
        )
        == 4
    )

    r = await client.http.post("/api/users/alice/follow", headers=alice_h)
    assert r.status_code == 422
    assert r.json()["code"] == "cannot_follow_self"
    assert (await client.http.post("/api/users/nobody/follow", headers=alice_h)).status_code == 404
    assert (await client.http.post("/api/users/alice/follow")).status_code == 401
    r = await client.http.get("/api/users/alice/followers?limit=101")
    assert r.status_code == 422

"""E-mail verification and password reset, through a real SMTP server."""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from typing import TYPE_CHECKING, Any

from jose import jwt
from shared.testing.servers import message_text

if TYPE_CHECKING:
    from conftest import Client

PASSWORD = "blue-river-42-Piano"
NEW_PASSWORD = "violet-harbour-77-Kite"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def link_token(client: Client, email: str, path: str, count: int = 1) -> str:
    messages = await client.smtp.wait_for(email, count=count)
    text = message_text(messages[count - 1])
    found = re.search(rf"http://app\.test/{path}\?token=([\w\-]+)", text)
    assert found, text
    return found.group(1)


def subject(message: Any) -> str:
    return str(make_header(decode_header(message["Subject"])))


async def test_verification_round_trip(client: Client) -> None:
    user = await client.register("alice")
    token = await link_token(client, user["email"], "verify-email")
    messages = await client.smtp.wait_for(user["email"])
    assert subject(messages[0]) == "Confirm your e-mail address · Personas"
    body = message_text(messages[0])
    assert "your Personas account" in body and "Creator Platform" not in body  # the site's name

    r = await client.http.post("/api/auth/verify-email", json={"token": token})
    assert r.status_code == 204, r.text
    tokens = await client.login(user["email"])
    assert jwt.get_unverified_claims(tokens["access_token"])["email_verified"] is True
    me = await client.http.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.json()["email_verified"] is True
    assert (
        await client.svc.pool.fetchval("SELECT count(*) FROM events WHERE type = 'EmailVerified'")
        == 1
    )

    # Single use.
    r = await client.http.post("/api/auth/verify-email", json={"token": token})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_token"
    # Already verified: nothing to resend.
    r = await client.http.post(
        "/api/auth/verify-email/resend", headers=bearer(tokens["access_token"])
    )
    assert r.status_code == 409


async def test_verification_tokens_never_leave_identity_in_clear(client: Client) -> None:
    user = await client.register("bob")
    token = await link_token(client, user["email"], "verify-email")
    pool = client.svc.pool
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM one_time_tokens WHERE token_hash = sha256($1::text::bytea)", token
        )
        == 1
    )
    dump = await pool.fetchval(
        "SELECT string_agg(data::text || coalesce(metadata::text, ''), ' ') FROM events"
    )
    assert token not in dump
    outbox = await pool.fetch("SELECT body FROM outbox")
    assert all(token.encode() not in row["body"] for row in outbox)


async def test_expired_verification_link_is_refused_and_resend_works(client: Client) -> None:
    user = await client.register("carol")
    old = await link_token(client, user["email"], "verify-email")
    await client.svc.pool.execute("UPDATE one_time_tokens SET expires_at = now()")
    r = await client.http.post("/api/auth/verify-email", json={"token": old})
    assert r.status_code == 400
    # Resend, with a cooldown against mail bombing.
    await client.svc.pool.execute(
        "UPDATE one_time_tokens SET created_at = now() - interval '1 hour'"
    )
    headers = bearer((await client.login(user["email"]))["access_token"])
    r = await client.http.post("/api/auth/verify-email/resend", headers=headers)
    assert r.status_code == 202, r.text
    r = await client.http.post("/api/auth/verify-email/resend", headers=headers)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    fresh = await link_token(client, user["email"], "verify-email", count=2)
    r = await client.http.post("/api/auth/verify-email", json={"token": fresh})
    assert r.status_code == 204
    r = await client.http.post("/api/auth/verify-email/resend")
    assert r.status_code == 401


async def test_password_reset_round_trip(client: Client) -> None:
    user = await client.register("dave")
    await client.smtp.wait_for(user["email"])  # the verification mail
    session = await client.login(user["email"])

    r = await client.http.post(
        "/api/auth/password-reset/request", json={"email": "DAVE@example.com"}
    )
    assert r.status_code == 202
    token = await link_token(client, user["email"], "reset-password", count=2)
    messages = await client.smtp.wait_for(user["email"], count=2)
    assert subject(messages[1]) == "Reset your password · Personas"

    r = await client.http.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "password1"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "password"
    r = await client.http.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert r.status_code == 204, r.text

    # The old password is gone, the new one works, every session ended.
    r = await client.http.post(
        "/api/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert r.status_code == 401
    await client.login(user["email"], NEW_PASSWORD)
    r = await client.http.post(
        "/api/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert r.status_code == 401
    me = await client.http.get("/api/auth/me", headers=bearer(session["access_token"]))
    assert me.status_code == 401
    reasons = await client.svc.pool.fetch(
        "SELECT data->>'reason' AS reason FROM events WHERE type = 'SessionRevoked'"
    )
    assert [r["reason"] for r in reasons] == ["password_reset"]
    # The link proved the inbox too.
    assert await client.svc.pool.fetchval("SELECT email_verified FROM users") is True

    # Single use.
    r = await client.http.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "another-Pass-99x"}
    )
    assert r.status_code == 400


async def test_reset_request_says_the_same_for_unknown_addresses(client: Client) -> None:
    user = await client.register("erin")
    known = await client.http.post(
        "/api/auth/password-reset/request", json={"email": user["email"]}
    )
    unknown = await client.http.post(
        "/api/auth/password-reset/request", json={"email": "nobody@example.com"}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    await client.smtp.wait_for(user["email"], count=2)
    assert not [m for m in client.smtp.messages if "nobody" in str(m["To"])]
    # Asking again at once answers the same but sends nothing more (no inbox flooding).
    again = await client.http.post(
        "/api/auth/password-reset/request", json={"email": user["email"]}
    )
    assert again.status_code == 202 and again.json() == known.json()
    assert (
        await client.svc.pool.fetchval(
            "SELECT count(*) FROM one_time_tokens WHERE purpose = 'reset_password'"
        )
        == 1
    )


async def test_expired_reset_link_is_refused(client: Client) -> None:
    user = await client.register("frank")
    await client.http.post("/api/auth/password-reset/request", json={"email": user["email"]})
    token = await link_token(client, user["email"], "reset-password", count=2)
    await client.svc.pool.execute(
        "UPDATE one_time_tokens SET expires_at = now() - interval '1 second'"
        " WHERE purpose = 'reset_password'"
    )
    r = await client.http.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert r.status_code == 400
    await client.login(user["email"])  # unchanged


async def test_a_reset_link_sent_to_a_replaced_address_stops_working(client: Client) -> None:
    # Whoever still reads the old inbox (the reason the address was changed, perhaps) must not
    # be able to take the account back with a link mailed there before the change.
    user, headers = await client.user("gina")
    await client.smtp.wait_for(user["email"])
    r = await client.http.post("/api/auth/password-reset/request", json={"email": user["email"]})
    assert r.status_code == 202
    old_link = await link_token(client, user["email"], "reset-password", count=2)
    r = await client.http.put(
        "/api/users/me/profile",
        json={"email": "gina.new@example.com", "current_password": client.PASSWORD},
        headers=headers,
    )
    assert r.status_code == 200, r.text

    r = await client.http.post(
        "/api/auth/password-reset/confirm", json={"token": old_link, "password": NEW_PASSWORD}
    )
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "invalid_token"
    r = await client.http.post(
        "/api/auth/login", json={"email": "gina.new@example.com", "password": NEW_PASSWORD}
    )
    assert r.status_code == 401
    await client.login("gina.new@example.com")

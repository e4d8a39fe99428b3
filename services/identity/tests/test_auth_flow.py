"""Register, sign in, refresh with rotation and reuse detection, sign out."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import asyncpg
from shared.auth import RevocationList, follow_revocations
from shared.bus import Broker

if TYPE_CHECKING:
    from conftest import Client

PASSWORD = "blue-river-42-Piano"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_register_login_me_refresh_logout(client: Client) -> None:
    user = await client.register("alice", "Alice@Example.com")
    assert user["email"] == "alice@example.com"
    assert user["username"] == "alice"
    assert user["roles"] == ["user"]
    assert user["email_verified"] is False
    assert set(user) == {"id", "email", "username", "roles", "email_verified", "created_at"}

    tokens = await client.login("ALICE@example.com")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    me = await client.http.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["id"] == user["id"]
    assert body["followers_count"] == 0 and body["following_count"] == 0
    assert body["social_links"] == {} and body["bio"] is None

    r = await client.http.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    me = await client.http.get("/api/auth/me", headers=bearer(rotated["access_token"]))
    assert me.status_code == 200

    r = await client.http.post("/api/auth/logout", json={"refresh_token": rotated["refresh_token"]})
    assert r.status_code == 204
    # The access token dies with its session, before it expires.
    for access in (tokens["access_token"], rotated["access_token"]):
        me = await client.http.get("/api/auth/me", headers=bearer(access))
        assert me.status_code == 401, me.text
    r = await client.http.post(
        "/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_refresh_token"


async def test_refresh_token_reuse_revokes_the_whole_family(client: Client) -> None:
    user = await client.register("bob")
    first = await client.login(user["email"])
    r = await client.http.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    second = r.json()
    r = await client.http.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    newest = r.json()

    # The first token comes back (stolen and replayed): refused, and the family ends.
    r = await client.http.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 401
    r = await client.http.post("/api/auth/refresh", json={"refresh_token": newest["refresh_token"]})
    assert r.status_code == 401, "the newest token of a revoked family must not work"
    me = await client.http.get("/api/auth/me", headers=bearer(newest["access_token"]))
    assert me.status_code == 401

    # Other sessions of the same user are unaffected.
    other = await client.login(user["email"])
    me = await client.http.get("/api/auth/me", headers=bearer(other["access_token"]))
    assert me.status_code == 200
    reasons = await client.svc.pool.fetch(
        "SELECT data->>'reason' AS reason FROM events WHERE type = 'SessionRevoked'"
    )
    assert [r["reason"] for r in reasons] == ["reuse_detected"]


async def test_concurrent_refresh_with_one_token_lets_exactly_one_win(client: Client) -> None:
    user = await client.register("carol")
    tokens = await client.login(user["email"])
    results = await asyncio.gather(
        *(
            client.http.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            for _ in range(4)
        )
    )
    # The family row lock serialises them: the first rotates the token, the others present a
    # used one (a copy), which ends the session.
    assert sum(r.status_code == 200 for r in results) == 1
    assert all(r.status_code in (200, 401) for r in results)
    losers = [r.json()["code"] for r in results if r.status_code == 401]
    assert losers == ["invalid_refresh_token"] * 3
    winner = next(r.json() for r in results if r.status_code == 200)
    r = await client.http.post("/api/auth/refresh", json={"refresh_token": winner["refresh_token"]})
    assert r.status_code == 401, "the reuse by the losers ended the winner's session too"


async def test_refresh_tokens_are_stored_only_as_hashes(client: Client) -> None:
    user = await client.register("dave")
    tokens = await client.login(user["email"])
    rows = await client.svc.pool.fetch("SELECT token_hash FROM refresh_tokens")
    assert len(rows) == 1
    assert tokens["refresh_token"].encode() not in rows[0]["token_hash"]
    assert len(rows[0]["token_hash"]) == 32


async def test_expired_sessions_cannot_refresh(client: Client) -> None:
    user = await client.register("erin")
    idle = await client.login(user["email"])
    absolute = await client.login(user["email"])
    pool: asyncpg.Pool = client.svc.pool
    await pool.execute(
        "UPDATE refresh_families SET last_used_at = now() - make_interval(secs => $1)"
        " WHERE id = (SELECT family_id FROM refresh_tokens ORDER BY created_at LIMIT 1)",
        client.settings.refresh_idle_ttl_s + 1,
    )
    await pool.execute(
        "UPDATE refresh_families SET expires_at = now() - interval '1 second'"
        " WHERE id = (SELECT family_id FROM refresh_tokens ORDER BY created_at DESC LIMIT 1)"
    )
    for tokens in (idle, absolute):
        r = await client.http.post(
            "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert r.status_code == 401, r.text


async def test_logout_reaches_other_verifiers_through_the_revocation_stream(
    client: Client, amqp_url: str, bus_namespace: str
) -> None:
    """What the gateway does: follow `auth.revocations` and refuse the session's tokens."""
    user = await client.register("frank")
    tokens = await client.login(user["email"])
    principal = await client.app.state.verifier.verify(tokens["access_token"])
    assert principal.session_id is not None

    broker = Broker(amqp_url, bus_namespace, connection_label="test-gateway")
    await broker.connect()
    try:
        revocations = RevocationList()
        await follow_revocations(broker, revocations)
        r = await client.http.post(
            "/api/auth/logout", json={"refresh_token": tokens["refresh_token"]}
        )
        assert r.status_code == 204

        async def revoked() -> bool:
            return revocations.is_revoked(principal)

        await client.eventually(revoked, bool)
    finally:
        await broker.close()


async def test_logout_with_unknown_token_is_a_quiet_no_op(client: Client) -> None:
    r = await client.http.post("/api/auth/logout", json={"refresh_token": "nope"})
    assert r.status_code == 204


async def test_login_failures_look_the_same(client: Client) -> None:
    await client.register("grace")
    wrong = await client.http.post(
        "/api/auth/login", json={"email": "grace@example.com", "password": "not-the-password"}
    )
    unknown = await client.http.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == "invalid_credentials"
    assert wrong.json() == {**unknown.json()}
    assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")

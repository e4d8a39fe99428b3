"""A login opens its session in one statement: the family it records matches the access token,
and a user suspended while the password was being checked gets no session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from identity import sessions
from jose import jwt

if TYPE_CHECKING:
    from conftest import Client


async def test_login_records_the_family_its_tokens_belong_to(client: Client) -> None:
    user = await client.register("grace")
    tokens = await client.login(user["email"])
    claims = jwt.get_unverified_claims(tokens["access_token"])
    pool = client.svc.pool
    family = await pool.fetchrow("SELECT * FROM refresh_families WHERE id = $1", claims["sid"])
    assert family is not None and family["user_id"] == user["id"]
    assert family["revoked_at"] is None
    assert int(family["access_expires_at"].timestamp()) == claims["exp"]
    assert family["created_at"] == family["last_used_at"] < family["expires_at"]
    token = await pool.fetchrow(
        "SELECT family_id, used_at FROM refresh_tokens WHERE token_hash = $1",
        sessions.token_hash(tokens["refresh_token"]),
    )
    assert token is not None and token["family_id"] == claims["sid"] and token["used_at"] is None
    r = await client.http.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200


async def test_a_suspended_user_gets_no_session(client: Client) -> None:
    user = await client.register("heidi")
    pool = client.svc.pool
    await pool.execute("UPDATE users SET suspended_at = now() WHERE id = $1", user["id"])
    # As if the suspension landed after the password check: straight to opening the session.
    at = await pool.fetchval("SELECT now()")
    row, _ = await sessions.open_for_login(pool, "f-1", user["id"], at, 60, at)
    assert row is not None and row["suspended_at"] is not None
    assert await pool.fetchval("SELECT count(*) FROM refresh_families WHERE id = 'f-1'") == 0
    assert await pool.fetchval("SELECT count(*) FROM refresh_tokens WHERE family_id = 'f-1'") == 0
    missing, _ = await sessions.open_for_login(pool, "f-2", "nobody", at, 60, at)
    assert missing is None
    assert await pool.fetchval("SELECT count(*) FROM refresh_families") == 0

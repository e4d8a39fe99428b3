"""Signing keys: one generated per database, rotation with overlap, production keys."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from identity.app import MIGRATIONS
from identity.keys import (
    KeyConfigError,
    KeyRing,
    ensure_key,
    generate_pem,
    load_private_key,
    public_jwk,
    rotate,
)
from identity.settings import IdentitySettings
from jose import jwt
from shared.db import create_pool, migrate

if TYPE_CHECKING:
    from conftest import Client, IdentityCli


def kid_of(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


async def test_rotate_keys_keeps_old_tokens_valid(
    client: Client, identity_cli: IdentityCli
) -> None:
    user = await client.register("alice")
    old = await client.login(user["email"])
    old_kid = kid_of(old["access_token"])

    code, out, err = await identity_cli("rotate-keys")
    assert code == 0, err
    assert "new signing key" in out

    async def jwks_kids() -> set[str]:
        body = (await client.http.get("/.well-known/jwks.json")).json()
        return {k["kid"] for k in body["keys"]}

    kids = await client.eventually(jwks_kids, lambda k: len(k) == 2)
    assert old_kid in kids
    (new_kid,) = kids - {old_kid}

    async def fresh_kid() -> str:
        return kid_of((await client.login(user["email"]))["access_token"])

    await client.eventually(fresh_kid, lambda kid: kid == new_kid)
    new = await client.login(user["email"])
    for token in (old["access_token"], new["access_token"]):
        r = await client.http.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text


async def test_replaced_keys_leave_the_jwks_after_the_grace(database_url: str) -> None:
    settings = IdentitySettings(database_url=database_url, env="test")
    await migrate(database_url, [MIGRATIONS])
    pool = await create_pool(database_url)
    try:
        await ensure_key(pool, settings)
        new = await rotate(pool, settings, delay_s=60)
        ring = KeyRing(settings)
        await ring.reload(pool)
        first = next(k for k in ring._stored if k.kid != new.kid).kid
        # Published before it signs, so every verifier can know it in time.
        assert {k["kid"] for k in ring.jwks()["keys"]} == {first, new.kid}
        assert ring.current_kid == first
        keep = timedelta(seconds=settings.key_publish_after_retire_s)
        later = new.activates_at + keep - timedelta(seconds=1)
        assert {k["kid"] for k in ring.jwks(later)["keys"]} == {first, new.kid}
        much_later = new.activates_at + keep + timedelta(seconds=1)
        assert [k["kid"] for k in ring.jwks(much_later)["keys"]] == [new.kid]
    finally:
        await pool.close()


async def test_replicas_starting_together_make_one_key(database_url: str) -> None:
    settings = IdentitySettings(database_url=database_url, env="test")
    await migrate(database_url, [MIGRATIONS])
    pools = [await create_pool(database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(ensure_key(p, settings) for p in pools))
        assert await pools[0].fetchval("SELECT count(*) FROM signing_keys") == 1
    finally:
        for p in pools:
            await p.close()


async def test_a_configured_key_signs_and_the_previous_one_stays_published(
    database_url: str,
) -> None:
    await migrate(database_url, [MIGRATIONS])
    pool = await create_pool(database_url)
    try:
        first_pem, second_pem = generate_pem(), generate_pem()
        first = IdentitySettings(database_url=database_url, jwt_private_key=first_pem)
        await ensure_key(pool, first)
        second = IdentitySettings(database_url=database_url, jwt_private_key=second_pem)
        await ensure_key(pool, second)
        ring = KeyRing(second)
        await ring.reload(pool)
        second_kid = public_jwk(load_private_key(second_pem))["kid"]
        first_kid = public_jwk(load_private_key(first_pem))["kid"]
        assert ring.current_kid == second_kid
        assert {k["kid"] for k in ring.jwks()["keys"]} == {first_kid, second_kid}
        # No private key of a configured deployment is ever written to the database.
        assert await pool.fetchval("SELECT count(private_pem) FROM signing_keys") == 0
        with pytest.raises(KeyConfigError):
            await rotate(pool, second)
        token, _ = ring.issue_access_token(
            user_id="u1", session_id="s1", roles=[], email_verified=False
        )
        assert kid_of(token) == second_kid
        assert jwt.get_unverified_claims(token)["roles"] == ["user"]
    finally:
        await pool.close()


async def test_production_without_a_key_refuses_to_generate(database_url: str) -> None:
    await migrate(database_url, [MIGRATIONS])
    pool = await create_pool(database_url)
    try:
        settings = IdentitySettings(database_url=database_url, env="test")
        object.__setattr__(settings, "env", "production")  # past the settings' own refusal
        with pytest.raises(KeyConfigError):
            await ensure_key(pool, settings)
    finally:
        await pool.close()

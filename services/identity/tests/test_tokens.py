"""Access tokens: exactly the agreed claims, JWKS, and every forgery refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

from jose import jwt

if TYPE_CHECKING:
    from conftest import Client


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def forge(header: dict[str, Any], claims: dict[str, Any], sign: Any = None) -> str:
    head = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    signature = sign(head.encode()) if sign else b""
    return head + "." + b64(signature)


async def me(client: Client, token: str) -> int:
    r = await client.http.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    return r.status_code


async def signed_in(client: Client) -> tuple[str, dict[str, Any], dict[str, Any]]:
    user = await client.register("alice")
    token = (await client.login(user["email"]))["access_token"]
    return token, jwt.get_unverified_header(token), jwt.get_unverified_claims(token)


async def test_claims_and_header(client: Client) -> None:
    token, header, claims = await signed_in(client)
    assert header["alg"] == "RS256" and header["kid"]
    assert set(claims) == {
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "jti",
        "sid",
        "roles",
        "email_verified",
    }
    assert claims["iss"] == client.settings.jwt_issuer
    assert claims["aud"] == client.settings.jwt_audience
    assert claims["exp"] - claims["iat"] == 900
    assert claims["roles"] == ["user"]
    assert claims["email_verified"] is False
    assert await me(client, token) == 200


async def test_jwks_publishes_the_signing_key(client: Client) -> None:
    token, header, claims = await signed_in(client)
    r = await client.http.get("/.well-known/jwks.json")
    assert r.status_code == 200
    assert "max-age=300" in r.headers["cache-control"]
    keys = r.json()["keys"]
    assert [k["kid"] for k in keys] == [header["kid"]]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0]), "private members leaked"
    verified = jwt.decode(
        token, keys[0], algorithms=["RS256"], audience=client.settings.jwt_audience
    )
    assert verified["sub"] == claims["sub"]


async def test_forged_tokens_are_refused(client: Client) -> None:
    token, header, claims = await signed_in(client)
    jwks = (await client.http.get("/.well-known/jwks.json")).json()
    public_pem = __import__("jose").jwk.construct(jwks["keys"][0], "RS256").public_key().to_pem()
    head, payload, signature = token.split(".")

    # alg none, signature empty
    assert await me(client, forge({**header, "alg": "none"}, claims)) == 401
    # HS256 keyed with the RSA public key (the classic algorithm confusion)
    hs = forge(
        {**header, "alg": "HS256"},
        claims,
        lambda m: hmac.new(public_pem, m, hashlib.sha256).digest(),
    )
    assert await me(client, hs) == 401
    # tampered payload, original signature
    evil = {**claims, "roles": ["user", "admin"]}
    assert await me(client, f"{head}.{b64(json.dumps(evil).encode())}.{signature}") == 401
    # unknown kid (same valid signature)
    other_head = b64(json.dumps({**header, "kid": "someone-else"}).encode())
    assert await me(client, f"{other_head}.{payload}.{signature}") == 401
    # garbage
    assert await me(client, "not.a.jwt") == 401
    assert await me(client, token) == 200


async def test_expired_and_wrong_audience_are_refused(client: Client) -> None:
    _token, _header, claims = await signed_in(client)
    keys = client.svc.keys
    kid = keys.current_kid
    signer = keys._signing_key(__import__("shared.events", fromlist=["now"]).now())[1]

    def sign(extra: dict[str, Any]) -> str:
        return str(jwt.encode({**claims, **extra}, signer, algorithm="RS256", headers={"kid": kid}))

    assert await me(client, sign({})) == 200  # the re-signing itself is sound
    past = int(time.time()) - 3600
    assert await me(client, sign({"iat": past - 900, "exp": past})) == 401
    assert await me(client, sign({"aud": "someone-else"})) == 401
    assert await me(client, sign({"iss": "someone-else"})) == 401

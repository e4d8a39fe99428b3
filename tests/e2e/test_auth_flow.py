"""The auth flow end to end, through the gateway, on real servers: identity (its own fresh
database, a private broker namespace, the real SMTP sink) behind one or two gateways.

Every request goes through the gateway except the one that shows a service refuses forged
identity headers on its own. To tell "refused at the gateway" from "refused by identity", some
checks use `/api/personas`: the gateway sends it to catalog, which is not running here, so a
token the gateway accepts gets 502 and a token it refuses gets 401.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import re
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway.app import create_app as create_gateway
from gateway.settings import SERVICES, GatewaySettings
from identity.app import create_app as create_identity
from identity.settings import IdentitySettings
from jose import jwt
from shared.testing.servers import SmtpSink, free_port, message_text, serve_app
from shared.testing.tokens import pem_of
from shared.testing.wait import eventually

PASSWORD = "violet-Harbour-1987"
ISSUER = "creator-platform"
AUDIENCE = "creator-platform-api"


# --- helpers ---------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64json(data: dict[str, Any]) -> str:
    return _b64(json.dumps(data).encode())


def _jwk_to_pem(jwk: dict[str, Any]) -> bytes:
    def num(value: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")

    public = rsa.RSAPublicNumbers(num(jwk["e"]), num(jwk["n"])).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_from_mail(message: Any) -> str:
    """The single-use token in a verification or reset e-mail (in its link)."""
    text = message_text(message)
    found = re.search(r"token=([A-Za-z0-9_\-.~%]+)", text)
    assert found, f"no token link in the e-mail:\n{text}"
    return httpx.QueryParams(f"token={found.group(1)}")["token"]


@dataclass
class Stack:
    identity_url: str
    gateway_url: str
    client: httpx.AsyncClient
    smtp: SmtpSink
    private_key: rsa.RSAPrivateKey
    settings: dict[str, Any]

    @property
    def private_pem(self) -> str:
        return pem_of(self.private_key)

    async def register(self, email: str, username: str, password: str = PASSWORD) -> httpx.Response:
        return await self.client.post(
            "/api/auth/register", json={"email": email, "username": username, "password": password}
        )

    async def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return await self.client.post(
            "/api/auth/login", json={"email": email, "password": password}
        )

    async def user(self, name: str | None = None) -> tuple[str, dict[str, Any]]:
        """A registered user and a fresh token pair: (email, tokens)."""
        name = name or f"u{uuid.uuid4().hex[:10]}"
        email = f"{name}@example.com"
        assert (await self.register(email, name)).status_code == 201
        resp = await self.login(email)
        assert resp.status_code == 200, resp.text
        return email, resp.json()

    @contextlib.asynccontextmanager
    async def another_gateway(self) -> AsyncIterator[httpx.AsyncClient]:
        app = create_gateway(GatewaySettings(**self.settings))
        async with (
            serve_app(app) as url,
            httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as client,
        ):
            await eventually(lambda: _ready(client))
            yield client


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200


@pytest.fixture
async def auth_stack(
    database_url: str, amqp_url: str, bus_namespace: str, smtp_server: SmtpSink
) -> AsyncIterator[Stack]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = pem_of(key)
    identity_port = free_port()
    identity_url = f"http://127.0.0.1:{identity_port}"
    jwks_url = f"{identity_url}/.well-known/jwks.json"
    gateway_port = free_port()
    common = {
        "env": "test",
        "amqp_url": amqp_url,
        "bus_namespace": bus_namespace,
        "jwks_url": jwks_url,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
    }
    identity = create_identity(
        IdentitySettings(
            **common,
            database_url=database_url,
            smtp_url=smtp_server.url,
            public_url=f"http://127.0.0.1:{gateway_port}",
            jwt_private_key=pem,
        )
    )
    nowhere = f"http://127.0.0.1:{free_port()}"  # every other service: down
    gateway_settings = {
        **common,
        **{f"{name}_url": nowhere for name in SERVICES},
        "identity_url": identity_url,
        "web_dist": "/nonexistent",
    }
    gateway = create_gateway(GatewaySettings(**gateway_settings))
    async with (
        serve_app(identity, port=identity_port),
        serve_app(gateway, port=gateway_port) as gateway_url,
        httpx.AsyncClient(base_url=gateway_url, timeout=30, trust_env=False) as client,
    ):
        await eventually(lambda: _ready(client))
        yield Stack(identity_url, gateway_url, client, smtp_server, key, gateway_settings)


# --- the happy path --------------------------------------------------------------------------


async def test_register_login_me_refresh_logout(auth_stack: Stack) -> None:
    resp = await auth_stack.register("Ada@Example.com", "ada_l")
    assert resp.status_code == 201, resp.text
    user = resp.json()
    assert user["email"] == "ada@example.com"
    assert user["username"] == "ada_l"
    assert "password" not in json.dumps(user).lower()
    assert resp.headers["x-request-id"]

    resp = await auth_stack.login("ada@example.com")
    assert resp.status_code == 200, resp.text
    pair = resp.json()
    assert pair["token_type"].lower() == "bearer"
    assert pair["expires_in"] <= 900
    claims = jwt.get_unverified_claims(pair["access_token"])
    assert claims["sub"] == user["id"]
    assert jwt.get_unverified_header(pair["access_token"])["alg"] == "RS256"

    resp = await auth_stack.client.get("/api/auth/me", headers=bearer(pair["access_token"]))
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == user["id"]
    assert resp.json()["username"] == "ada_l"

    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert resp.status_code == 200, resp.text
    rotated = resp.json()
    assert rotated["refresh_token"] != pair["refresh_token"]
    access = rotated["access_token"]
    assert (await auth_stack.client.get("/api/auth/me", headers=bearer(access))).status_code == 200

    resp = await auth_stack.client.post(
        "/api/auth/logout", json={"refresh_token": rotated["refresh_token"]}, headers=bearer(access)
    )
    assert resp.status_code == 204, resp.text

    # the access token is dead at once, at this gateway (refused there: catalog is never asked)
    resp = await auth_stack.client.get("/api/auth/me", headers=bearer(access))
    assert resp.status_code == 401
    assert resp.json()["code"] == "invalid_token"
    assert (await auth_stack.client.get("/api/personas", headers=bearer(access))).status_code == 401
    # and so is the session's refresh token
    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert resp.status_code == 401


async def test_a_second_gateway_learns_a_logout_through_the_broker(auth_stack: Stack) -> None:
    _, pair = await auth_stack.user()
    access = pair["access_token"]
    async with auth_stack.another_gateway() as second:
        # accepted there: forwarded to catalog, which is down
        assert (await second.get("/api/personas", headers=bearer(access))).status_code == 502
        resp = await auth_stack.client.post(
            "/api/auth/logout",
            json={"refresh_token": pair["refresh_token"]},
            headers=bearer(access),
        )
        assert resp.status_code == 204

        async def refused_at_second() -> bool:
            resp = await second.get("/api/personas", headers=bearer(access))
            return resp.status_code == 401

        await eventually(refused_at_second)
        assert (await second.get("/api/auth/me", headers=bearer(access))).status_code == 401


# --- registration rules ----------------------------------------------------------------------


async def test_duplicate_email_or_username_is_a_conflict(auth_stack: Stack) -> None:
    assert (await auth_stack.register("grace@example.com", "grace")).status_code == 201
    resp = await auth_stack.register("GRACE@example.com", "grace2")
    assert resp.status_code == 409
    assert resp.headers["content-type"] == "application/problem+json"
    resp = await auth_stack.register("grace2@example.com", "Grace")
    assert resp.status_code == 409
    assert resp.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("password", "words"),
    [("short1", ("at least", "8")), ("password123", ("common",)), ("12345678", ("common",))],
)
async def test_weak_passwords_are_refused_with_a_clear_message(
    auth_stack: Stack, password: str, words: tuple[str, ...]
) -> None:
    resp = await auth_stack.register("weak@example.com", "weak_one", password)
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert resp.headers["content-type"] == "application/problem+json"
    text = json.dumps(body).lower()
    for word in words:
        assert word in text, body
    # nothing was created: the same address registers fine with a good password
    assert (await auth_stack.register("weak@example.com", "weak_one")).status_code == 201


# --- sign-in failures ------------------------------------------------------------------------


async def test_unknown_user_and_wrong_password_look_the_same(auth_stack: Stack) -> None:
    email, _ = await auth_stack.user()
    unknown = await auth_stack.login("nobody-here@example.com", "whatever-it-is-9")
    wrong = await auth_stack.login(email, "not-the-password-9")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown.headers["content-type"] == wrong.headers["content-type"]


async def test_the_11th_failed_login_in_a_minute_is_refused(auth_stack: Stack) -> None:
    email, _ = await auth_stack.user()
    for attempt in range(10):
        resp = await auth_stack.login(email, f"wrong-password-{attempt}")
        assert resp.status_code == 401, attempt
    resp = await auth_stack.login(email, "wrong-password-10")
    assert resp.status_code == 429
    assert int(resp.headers["retry-after"]) >= 1
    assert resp.headers["content-type"] == "application/problem+json"
    # the lock is per account: someone else signs in as usual
    other, _ = await auth_stack.user()
    assert (await auth_stack.login(other)).status_code == 200


# --- tokens ----------------------------------------------------------------------------------


async def test_forged_and_foreign_tokens_are_refused(auth_stack: Stack) -> None:
    _, pair = await auth_stack.user()
    good = pair["access_token"]
    jwks = (await auth_stack.client.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(good)["kid"]
    assert kid in {k["kid"] for k in jwks["keys"]}
    public_pem = _jwk_to_pem(next(k for k in jwks["keys"] if k["kid"] == kid))
    claims = jwt.get_unverified_claims(good)
    header_b64, _, signature = good.split(".")
    now = int(time.time())

    def signed(changes: dict[str, Any], key: str | None = None, key_id: str = kid) -> str:
        return str(
            jwt.encode(
                {**claims, **changes},
                key or auth_stack.private_pem,
                algorithm="RS256",
                headers={"kid": key_id},
            )
        )

    hs_input = f"{_b64json({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_b64json(claims)}"
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger_pem = pem_of(stranger)
    forged = {
        "alg none": f"{_b64json({'alg': 'none', 'kid': kid})}.{_b64json(claims)}.",
        "HS256 with the public key": hs_input
        + "."
        + _b64(hmac.new(public_pem, hs_input.encode(), hashlib.sha256).digest()),
        "expired": signed({"iat": now - 3600, "exp": now - 1800}),
        "wrong audience": signed({"aud": "someone-else"}),
        "wrong issuer": signed({"iss": "https://evil.example"}),
        "unknown kid": signed({}, key=stranger_pem, key_id="not-a-key-of-ours"),
        "tampered payload": f"{header_b64}.{_b64json({**claims, 'roles': ['user', 'admin']})}.{signature}",
    }
    # the real key with the real claims is accepted (so the forgeries fail for their flaw alone)
    assert (
        await auth_stack.client.get("/api/auth/me", headers=bearer(signed({})))
    ).status_code == 200
    for name, token in forged.items():
        resp = await auth_stack.client.get("/api/auth/me", headers=bearer(token))
        assert resp.status_code == 401, name
        assert resp.json()["code"] == "invalid_token", name
        # refused at the gateway, not by a service: catalog (down) is never asked
        assert (
            await auth_stack.client.get("/api/personas", headers=bearer(token))
        ).status_code == 401


async def test_a_reused_refresh_token_revokes_its_whole_family(auth_stack: Stack) -> None:
    _, first = await auth_stack.user()
    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert resp.status_code == 200
    second = resp.json()

    # the stolen-and-replayed case: the used token comes back
    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert resp.status_code == 401
    # the newest refresh token of the family is dead too
    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert resp.status_code == 401

    # and the family's access tokens stop (the gateway learns it through the broker)
    async def refused() -> bool:
        resp = await auth_stack.client.get("/api/personas", headers=bearer(second["access_token"]))
        return resp.status_code == 401

    await eventually(refused)
    resp = await auth_stack.client.get("/api/auth/me", headers=bearer(second["access_token"]))
    assert resp.status_code == 401


async def test_a_service_itself_ignores_forged_identity_headers(auth_stack: Stack) -> None:
    user_email, pair = await auth_stack.user()
    user_id = jwt.get_unverified_claims(pair["access_token"])["sub"]
    forged = {
        "X-User-Id": user_id,
        "X-User-Roles": "admin",
        "X-User-Email": user_email,
        "X-Authenticated-User": user_id,
    }
    async with httpx.AsyncClient(base_url=auth_stack.identity_url, trust_env=False) as direct:
        resp = await direct.get("/api/auth/me", headers=forged)
        assert resp.status_code == 401
        resp = await direct.get("/api/auth/me", headers={**forged, "Authorization": "Bearer nope"})
        assert resp.status_code == 401
    # through the gateway too
    assert (await auth_stack.client.get("/api/auth/me", headers=forged)).status_code == 401


# --- e-mail round trips ----------------------------------------------------------------------


async def test_email_verification_round_trip(auth_stack: Stack) -> None:
    email = f"v{uuid.uuid4().hex[:8]}@example.com"
    assert (await auth_stack.register(email, email.split("@")[0])).status_code == 201
    [message] = await auth_stack.smtp.wait_for(email)
    token = token_from_mail(message)
    pair = (await auth_stack.login(email)).json()
    me = (await auth_stack.client.get("/api/auth/me", headers=bearer(pair["access_token"]))).json()
    assert me["email_verified"] is False

    resp = await auth_stack.client.post("/api/auth/verify-email", json={"token": token})
    assert resp.status_code == 204, resp.text
    # single use
    resp = await auth_stack.client.post("/api/auth/verify-email", json={"token": token})
    assert 400 <= resp.status_code < 500
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_token"

    pair = (await auth_stack.login(email)).json()
    assert jwt.get_unverified_claims(pair["access_token"])["email_verified"] is True
    me = (await auth_stack.client.get("/api/auth/me", headers=bearer(pair["access_token"]))).json()
    assert me["email_verified"] is True


async def test_password_reset_round_trip(auth_stack: Stack) -> None:
    email, before = await auth_stack.user()
    mails_before = len(await auth_stack.smtp.wait_for(email))  # the verification mail
    resp = await auth_stack.client.post("/api/auth/password-reset/request", json={"email": email})
    assert resp.status_code in (200, 202, 204), resp.text
    assert resp.status_code == 202
    # an unknown address gets the same answer (no account probing)
    other = await auth_stack.client.post(
        "/api/auth/password-reset/request", json={"email": "nobody-at-all@example.com"}
    )
    assert other.status_code == resp.status_code

    messages = await auth_stack.smtp.wait_for(email, count=mails_before + 1)
    token = token_from_mail(messages[-1])
    new_password = "granite-Orchard-2041"
    resp = await auth_stack.client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": new_password}
    )
    assert resp.status_code in (200, 204), resp.text
    assert resp.status_code == 204
    # single use
    resp = await auth_stack.client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "another-Pass-77"}
    )
    assert 400 <= resp.status_code < 500
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_token"

    assert (await auth_stack.login(email, new_password)).status_code == 200
    assert (await auth_stack.login(email, PASSWORD)).status_code == 401
    # sessions from before the reset are over
    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": before["refresh_token"]}
    )
    assert resp.status_code == 401


# --- secrets stay out of the logs -------------------------------------------------------------


async def test_no_password_or_token_reaches_the_logs(auth_stack: Stack) -> None:
    # Every log line of both processes, rendered as in production, goes to this buffer.
    buffer = io.StringIO()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=buffer))
    try:
        await _flows_with_every_kind_of_secret(auth_stack, buffer)
    finally:
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))


async def _flows_with_every_kind_of_secret(auth_stack: Stack, buffer: io.StringIO) -> None:
    secrets: list[str] = [PASSWORD]
    email, pair = await auth_stack.user("logcheck")
    secrets += [pair["access_token"], pair["refresh_token"]]
    wrong = "wrong-Guess-4711-x"
    secrets.append(wrong)
    assert (await auth_stack.login(email, wrong)).status_code == 401
    # Refused inputs, which are the ones most likely to be echoed into an error log.
    resp = await auth_stack.client.post("/api/auth/login", json={"email": 7, "password": wrong})
    assert resp.status_code == 422
    resp = await auth_stack.client.post(
        "/api/auth/register", json={"email": "x", "username": "logcheck2", "password": wrong}
    )
    assert resp.status_code == 422
    forged = pair["access_token"][:-6] + "AAAAAA"
    secrets.append(forged)
    assert (await auth_stack.client.get("/api/auth/me", headers=bearer(forged))).status_code == 401

    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    rotated = resp.json()
    secrets += [rotated["access_token"], rotated["refresh_token"]]
    # A replayed refresh token ends the family (logged as such), the token itself must not be.
    resp = await auth_stack.client.post(
        "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert resp.status_code == 401

    verification = token_from_mail((await auth_stack.smtp.wait_for(email))[0])
    secrets.append(verification)
    resp = await auth_stack.client.post("/api/auth/verify-email", json={"token": verification})
    assert resp.status_code == 204
    resp = await auth_stack.client.post("/api/auth/password-reset/request", json={"email": email})
    assert resp.status_code == 202
    reset = token_from_mail((await auth_stack.smtp.wait_for(email, count=2))[-1])
    new_password = "quartz-Meadow-5150"
    secrets += [reset, new_password]
    resp = await auth_stack.client.post(
        "/api/auth/password-reset/confirm", json={"token": reset, "password": new_password}
    )
    assert resp.status_code == 204
    _, final = await auth_stack.user("logcheck3")
    secrets += [final["access_token"], final["refresh_token"]]
    resp = await auth_stack.client.post(
        "/api/auth/logout",
        json={"refresh_token": final["refresh_token"]},
        headers=bearer(final["access_token"]),
    )
    assert resp.status_code == 204

    logs = buffer.getvalue()
    assert "user registered" in logs and "proxied" in logs  # the logs were really captured
    leaked = [s[:12] + "..." for s in secrets if s in logs]
    assert leaked == []

"""Token checks at the gateway: forgeries are refused with 401 before anything is forwarded, good
tokens and anonymous requests go through, revoked sessions stop at once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import shared.contracts.identity as ids
from cryptography.hazmat.primitives import serialization
from jose import jwt
from shared.bus import Broker
from shared.events import Envelope
from shared.testing.publish import envelope_of
from shared.testing.servers import close_broker_connections
from shared.testing.tokens import TokenIssuer


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64json(data: dict) -> str:
    return _b64(json.dumps(data).encode())


def forged_tokens(tokens: TokenIssuer) -> dict[str, str]:
    good = tokens.mint("u1")
    claims = jwt.get_unverified_claims(good)
    header_b64, _, signature = good.split(".")
    public_pem = tokens.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    hs_input = f"{_b64json({'alg': 'HS256', 'typ': 'JWT', 'kid': tokens.kid})}.{_b64json(claims)}"
    hs_sig = _b64(hmac.new(public_pem, hs_input.encode(), hashlib.sha256).digest())
    return {
        "alg none": f"{_b64json({'alg': 'none', 'kid': tokens.kid})}.{_b64json(claims)}.",
        "HS256 signed with the public key": f"{hs_input}.{hs_sig}",
        "expired": tokens.mint("u1", ttl=-60),
        "wrong audience": tokens.mint("u1", aud="another-api"),
        "wrong issuer": tokens.mint("u1", iss="https://evil.example"),
        "unknown kid": TokenIssuer(kid="stranger").mint("u1"),
        "tampered payload": f"{header_b64}.{_b64json({**claims, 'roles': ['admin']})}.{signature}",
        "garbage": "not-a-token",
    }


async def test_forged_tokens_are_refused_and_never_forwarded(gateway, tokens):
    async with gateway() as gw:
        for name, token in forged_tokens(tokens).items():
            resp = await gw.client.get(
                "/api/personas/7", headers={"Authorization": f"Bearer {token}"}
            )
            assert resp.status_code == 401, name
            assert resp.headers["content-type"] == "application/problem+json", name
            assert resp.json()["code"] == "invalid_token", name
            assert resp.headers["www-authenticate"] == "Bearer"
            assert resp.headers["x-request-id"]
            # the upload path too: the body is never read, nothing reaches the service
            resp = await gw.client.post(
                "/api/personas/upload",
                content=b"x" * 100_000,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert resp.status_code == 401, name
        assert gw.echo.seen == []


async def test_a_good_token_is_forwarded_with_its_authorization_header(gateway, tokens):
    async with gateway() as gw:
        token = tokens.mint("user-1")
        resp = await gw.client.get(
            "/api/users/me/profile", headers={"Authorization": f"Bearer {token}"}
        )
        assert resp.status_code == 200
        # passed through: the service verifies it again
        assert resp.json()["headers"]["authorization"] == f"Bearer {token}"


async def test_no_token_is_forwarded_and_the_service_decides(gateway):
    async with gateway() as gw:
        resp = await gw.client.get("/api/personas")
        assert resp.status_code == 200
        assert "authorization" not in resp.json()["headers"]
        # another scheme is not a bearer token: the gateway leaves it to the service
        resp = await gw.client.get("/api/personas", headers={"Authorization": "Basic Zm9vOmJhcg=="})
        assert resp.status_code == 200
        assert gw.echo.paths() == ["/api/personas", "/api/personas"]


async def test_a_logout_through_the_gateway_stops_the_session_at_once(gateway, tokens):
    async with gateway() as gw:
        session = str(uuid.uuid4())
        other_session = tokens.mint("user-1", session_id=str(uuid.uuid4()))
        token = tokens.mint("user-1", session_id=session)
        auth = {"Authorization": f"Bearer {token}"}
        assert (await gw.client.get("/api/auth/me", headers=auth)).status_code == 200

        resp = await gw.client.post("/api/auth/logout", json={"refresh_token": "r"}, headers=auth)
        assert resp.status_code == 204

        resp = await gw.client.get("/api/auth/me", headers=auth)
        assert resp.status_code == 401
        assert resp.json()["code"] == "invalid_token"
        # a fresh token of the same session is dead too; another session of the user is not
        again = tokens.mint("user-1", session_id=session)
        assert (
            await gw.client.get("/api/auth/me", headers={"Authorization": f"Bearer {again}"})
        ).status_code == 401
        assert (
            await gw.client.get(
                "/api/auth/me", headers={"Authorization": f"Bearer {other_session}"}
            )
        ).status_code == 200


async def test_a_refused_logout_revokes_nothing(gateway, tokens):
    async with gateway() as gw:
        gw.echo.logout_status = 401
        token = tokens.mint("user-1")
        auth = {"Authorization": f"Bearer {token}"}
        resp = await gw.client.post("/api/auth/logout", json={"refresh_token": "r"}, headers=auth)
        assert resp.status_code == 401
        assert (await gw.client.get("/api/auth/me", headers=auth)).status_code == 200


def _envelope(event: ids.SessionRevoked | ids.UserSuspended, stream_id: str) -> Envelope:
    return envelope_of(event, stream_type="session", stream_id=stream_id)


@pytest.mark.parametrize("kind", ["session", "user"])
async def test_revocations_published_by_identity_reach_the_gateway(
    gateway, tokens, amqp_url, bus_namespace, wait_until, kind
):
    async with gateway() as gw:
        session = str(uuid.uuid4())
        token = tokens.mint("user-9", session_id=session)
        auth = {"Authorization": f"Bearer {token}"}
        assert (await gw.client.get("/api/personas", headers=auth)).status_code == 200
        await wait_until(lambda: _ready(gw.client))

        broker = Broker(amqp_url, bus_namespace)
        await broker.connect()
        try:
            at = datetime.now(UTC)
            if kind == "session":
                event: ids.SessionRevoked | ids.UserSuspended = ids.SessionRevoked(
                    user_id="user-9",
                    session_id=session,
                    revoked_at=at,
                    expires_at=at + timedelta(minutes=15),
                    reason="logout",
                )
                await broker.publish("identity.SessionRevoked", _envelope(event, session))
            else:
                event = ids.UserSuspended(user_id="user-9", suspended_at=at, reason="abuse")
                await broker.publish("identity.UserSuspended", _envelope(event, "user-9"))
        finally:
            await broker.close()

        async def refused() -> bool:
            resp = await gw.client.get("/api/personas", headers=auth)
            return resp.status_code == 401

        await wait_until(refused)
        forwarded = len(gw.echo.seen)
        assert (await gw.client.get("/api/personas", headers=auth)).status_code == 401
        assert len(gw.echo.seen) == forwarded


async def test_revocations_still_arrive_after_the_broker_connection_drops(
    gateway, tokens, amqp_url, bus_namespace, wait_until
):
    async with gateway() as gw:
        await wait_until(lambda: _ready(gw.client))
        assert await close_broker_connections(bus_namespace) >= 1
        session = str(uuid.uuid4())
        auth = {"Authorization": f"Bearer {tokens.mint('user-3', session_id=session)}"}
        at = datetime.now(UTC)
        event = ids.SessionRevoked(
            user_id="user-3",
            session_id=session,
            revoked_at=at,
            expires_at=at + timedelta(minutes=15),
            reason="logout",
        )
        broker = Broker(amqp_url, bus_namespace, connection_label="test-publisher")
        await broker.connect()
        try:
            await broker.publish("identity.SessionRevoked", _envelope(event, session))
        finally:
            await broker.close()

        async def refused() -> bool:
            return (await gw.client.get("/api/personas", headers=auth)).status_code == 401

        # the robust connection comes back and re-reads the stream
        await wait_until(refused, timeout=20)
        await wait_until(lambda: _ready(gw.client))


async def _ready(client) -> bool:
    return (await client.get("/readyz")).status_code == 200

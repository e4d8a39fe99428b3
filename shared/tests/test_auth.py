"""The kernel's verifier against tokens minted like identity's, and the revocation stream."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import shared.contracts.identity as ids
from jose import jwt
from shared.auth import InvalidToken, RevocationList, TokenVerifier, follow_revocations
from shared.bus import Broker
from shared.testing.publish import publish_event


def hs256_with_public_key(claims: dict, public_pem: bytes, kid: str) -> str:
    """The classic key-confusion forgery: HMAC-signed with the RSA public key as the secret."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    signing_input = ".".join(
        b64(json.dumps(part).encode())
        for part in ({"alg": "HS256", "typ": "JWT", "kid": kid}, claims)
    )
    sig = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(sig)}"


async def test_verifier_accepts_good_tokens_and_refuses_forgeries(tokens):
    verifier = TokenVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    good = tokens.mint("u1", roles=["user", "admin"])
    principal = await verifier.verify(good)
    assert principal.user_id == "u1" and principal.is_admin

    public_pem = tokens.key.public_key().public_bytes(
        encoding=__import__("cryptography").hazmat.primitives.serialization.Encoding.PEM,
        format=__import__(
            "cryptography"
        ).hazmat.primitives.serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    claims = jwt.get_unverified_claims(good)
    header_b64 = jwt.get_unverified_header(good)
    assert header_b64["alg"] == "RS256"
    forged = [
        hs256_with_public_key(claims, public_pem, tokens.kid),
        tokens.mint("u1", ttl=-10),
        tokens.mint("u1", aud="someone-else"),
        tokens.mint("u1", iss="evil"),
        good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "not-a-token",
    ]
    # alg none: header says none, no signature
    import base64
    import json

    def b64(d: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    forged.append(f"{b64({'alg': 'none', 'kid': tokens.kid})}.{b64(claims)}.")
    # tampered payload keeps the signature of the original
    h, _, s = good.split(".")
    forged.append(f"{h}.{b64({**claims, 'roles': ['admin']})}.{s}")
    for token in forged:
        with pytest.raises(InvalidToken):
            await verifier.verify(token)
    await verifier.close()


async def test_unknown_kid_is_refused_after_one_refresh(tokens):
    from shared.testing.tokens import TokenIssuer

    verifier = TokenVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    stranger = TokenIssuer()
    with pytest.raises(InvalidToken):
        await verifier.verify(stranger.mint("u1"))
    await verifier.close()


def test_revocation_list_by_session_and_by_user():
    rl = RevocationList()
    from shared.auth import Principal

    p = Principal(
        "u1", frozenset({"user"}), True, "j1", "s1", int(time.time()) - 5, int(time.time()) + 600
    )
    assert not rl.is_revoked(p)
    rl.revoke_session("s1", time.time() + 600)
    assert rl.is_revoked(p)
    rl2 = RevocationList()
    rl2.revoke_user("u1", time.time())
    assert rl2.is_revoked(p)
    rl2.prune(time.time() + 10_000)
    assert not rl2.is_revoked(p)


async def test_revocations_reach_a_verifier_through_the_stream(amqp_url, bus_namespace):
    broker = Broker(amqp_url, bus_namespace)
    await broker.connect()
    await broker.declare_topology()
    revocations = RevocationList()
    session = str(uuid.uuid4())
    event = ids.SessionRevoked(
        user_id="u1",
        session_id=session,
        revoked_at=datetime.now(UTC),
        expires_at=datetime.now(UTC) + timedelta(minutes=15),
        reason="logout",
    )
    # published BEFORE the verifier starts: a process that starts later still learns it
    await publish_event(broker, event, stream_type="session", stream_id=session)
    await follow_revocations(broker, revocations)
    for _ in range(100):
        if session in revocations.sessions:
            break
        await asyncio.sleep(0.05)
    assert session in revocations.sessions
    await broker.close()


async def test_requests_waiting_on_an_unreachable_jwks_share_one_fetch(tokens):
    # Identity is down (or still starting) and the verifier has no keys yet: a burst of requests
    # must not queue up one JWKS fetch each behind the refresh lock (N x the fetch timeout for
    # the last of them, and a stampede on identity when it comes back).
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from shared.testing.servers import serve_app

    fetches = 0
    app = FastAPI()

    @app.get("/jwks")
    async def jwks() -> JSONResponse:
        nonlocal fetches
        fetches += 1
        await asyncio.sleep(0.3)
        return JSONResponse({"detail": "starting"}, status_code=503)

    async with serve_app(app) as url:
        verifier = TokenVerifier(f"{url}/jwks", tokens.issuer, tokens.audience)
        token = tokens.mint("u1")
        results = await asyncio.gather(
            *(verifier.verify(token) for _ in range(20)), return_exceptions=True
        )
        await verifier.close()
    assert all(isinstance(r, InvalidToken) for r in results)
    assert fetches == 1


async def test_a_key_withdrawn_from_the_jwks_stops_being_trusted(tokens):
    # A signing key taken out of identity's JWKS (compromised, or retired after a rotation)
    # must stop verifying tokens within the key cache's lifetime, not live on until restart.
    from fastapi import FastAPI
    from shared.testing.servers import serve_app
    from shared.testing.tokens import TokenIssuer

    successor = TokenIssuer(issuer=tokens.issuer, audience=tokens.audience)
    published = {"keys": [*tokens.jwks()["keys"], *successor.jwks()["keys"]]}
    app = FastAPI()

    @app.get("/jwks")
    async def jwks() -> dict:
        return published

    async with serve_app(app) as url:
        verifier = TokenVerifier(
            f"{url}/jwks", tokens.issuer, tokens.audience, min_refresh_interval=0.1, max_key_age=0.2
        )
        old = tokens.mint("u1")
        assert (await verifier.verify(old)).user_id == "u1"
        published = successor.jwks()  # the old key is withdrawn

        async def refused() -> bool:
            try:
                await verifier.verify(old)
            except InvalidToken:
                return True
            await asyncio.sleep(0.05)
            return False

        deadline = asyncio.get_running_loop().time() + 10
        while not await refused():
            assert asyncio.get_running_loop().time() < deadline, "withdrawn key still trusted"
        assert (await verifier.verify(successor.mint("u2"))).user_id == "u2"
        await verifier.close()


async def test_key_objects_are_built_once_per_kid_and_rebuilt_when_the_key_changes(tokens):
    from shared.testing.tokens import TokenIssuer

    verifier = TokenVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    try:
        for n in range(3):
            assert (await verifier.verify(tokens.mint(f"u{n}"))).user_id == f"u{n}"
        built = await verifier.key_for(tokens.kid)
        assert built is not None
        # a refresh that finds the same key keeps the object; a broken key does not spoil it
        broken = {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}
        verifier.set_keys({"keys": [*tokens.jwks()["keys"], broken]})
        assert await verifier.key_for(tokens.kid) is built
        assert (await verifier.verify(tokens.mint("u9"))).user_id == "u9"
        # the same kid now published with another key: the new key counts, the old one not
        impostor = TokenIssuer(issuer=tokens.issuer, audience=tokens.audience)
        replaced = {**impostor.jwks()["keys"][0], "kid": tokens.kid}
        verifier.set_keys({"keys": [replaced]})
        assert await verifier.key_for(tokens.kid) is not built
        with pytest.raises(InvalidToken):
            await verifier.verify(tokens.mint("u1"))
    finally:
        await verifier.close()

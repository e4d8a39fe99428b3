"""The verifier's cache of checked tokens: a token seen before skips the signature check, yet
expiry, the key it was verified with and the revocation denylist still count on every request."""

from __future__ import annotations

import asyncio

import pytest
from shared.auth import InvalidToken, TokenVerifier

from shared import auth


class CountingVerifier(TokenVerifier):
    """Counts full (signature and claims) checks."""

    checks = 0

    async def _verify_signed(self, token: str):  # type: ignore[no-untyped-def]
        self.checks += 1
        return await super()._verify_signed(token)


async def test_a_token_is_checked_in_full_once_then_served_from_the_cache(tokens):
    verifier = CountingVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    try:
        token = tokens.mint("u1", roles=["user", "admin"])
        first = await verifier.verify(token)
        for _ in range(5):
            assert await verifier.verify(token) == first
        assert verifier.checks == 1
        other = tokens.mint("u2")
        assert (await verifier.verify(other)).user_id == "u2"
        assert verifier.checks == 2
        # a forgery never shares a cached token's string, so it is checked (and refused)
        with pytest.raises(InvalidToken):
            await verifier.verify(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    finally:
        await verifier.close()


async def test_a_cached_token_is_refused_once_revoked(tokens):
    verifier = TokenVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    try:
        by_session = tokens.mint("u1", session_id="s-1")
        by_user = tokens.mint("u2")
        p1 = await verifier.verify(by_session)
        p2 = await verifier.verify(by_user)
        verifier.revocations.revoke_session("s-1", p1.expires_at)
        verifier.revocations.revoke_user("u2", p2.issued_at)
        for token in (by_session, by_user):
            with pytest.raises(InvalidToken, match="revoked"):
                await verifier.verify(token)
    finally:
        await verifier.close()


async def test_a_cached_token_is_refused_once_expired(tokens):
    verifier = CountingVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    try:
        token = tokens.mint("u1", ttl=1)
        await verifier.verify(token)
        await asyncio.sleep(2.1)  # past `exp` (whole seconds) by more than a second
        with pytest.raises(InvalidToken):
            await verifier.verify(token)
        assert verifier.checks == 2  # the expired entry went back to the full check
    finally:
        await verifier.close()


async def test_a_cached_token_is_refused_once_its_key_is_replaced(tokens):
    from shared.testing.tokens import TokenIssuer

    verifier = TokenVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    try:
        token = tokens.mint("u1")
        await verifier.verify(token)
        impostor = TokenIssuer(issuer=tokens.issuer, audience=tokens.audience)
        verifier.set_keys({"keys": [{**impostor.jwks()["keys"][0], "kid": tokens.kid}]})
        with pytest.raises(InvalidToken):
            await verifier.verify(token)
    finally:
        await verifier.close()


async def test_the_cache_stays_bounded(tokens, monkeypatch):
    monkeypatch.setattr(auth, "VERIFIED_CACHE_SIZE", 20)
    verifier = TokenVerifier(tokens.jwks_url, tokens.issuer, tokens.audience)
    try:
        minted = [tokens.mint(f"u{n}") for n in range(50)]
        for token in minted:
            await verifier.verify(token)
        assert len(verifier._verified) <= 20
        assert (await verifier.verify(minted[-1])).user_id == "u49"
    finally:
        await verifier.close()

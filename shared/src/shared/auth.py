"""Access-token verification (RS256 against identity's JWKS) and the revocation denylist.

Verifiers pin RS256, check `iss`, `aud` and `exp`, and refuse `none`, HS* and unknown `kid`s
(after one JWKS refresh, rate-limited so a flood of bogus kids cannot hammer identity).
Logout and suspension reach every verifier through the `auth.revocations` stream queue; each
process reads it from (now - access-token lifetime) at start-up, so it knows every revocation that
still matters without any state of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import aio_pika
import httpx
from fastapi import Depends, Request
from jose import jwk, jwt
from jose.backends.base import Key
from jose.exceptions import JOSEError

from shared.bus import REVOCATIONS_STREAM, Broker
from shared.events import Envelope
from shared.logging import get_logger
from shared.problems import Forbidden, Unauthorized

log = get_logger(__name__)

ALGORITHM = "RS256"
ACCESS_TOKEN_TTL = timedelta(minutes=15)
# Tokens whose signature and claims were checked, kept until they expire (a client sends the same
# token for its whole lifetime): at most this many, the oldest dropped first.
VERIFIED_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: frozenset[str]
    email_verified: bool
    token_id: str
    session_id: str | None
    issued_at: int
    expires_at: int

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


class InvalidToken(Exception):
    pass


@dataclass
class RevocationList:
    """Session ids and users whose access tokens must stop working before they expire."""

    sessions: dict[str, float] = field(default_factory=dict)  # session id -> drop after (epoch)
    users: dict[str, float] = field(
        default_factory=dict
    )  # user id -> tokens issued before are dead

    def revoke_session(self, session_id: str, until: float) -> None:
        self.sessions[session_id] = max(until, self.sessions.get(session_id, 0))

    def revoke_user(self, user_id: str, before: float) -> None:
        self.users[user_id] = max(before, self.users.get(user_id, 0))

    def is_revoked(self, p: Principal) -> bool:
        if p.session_id is not None and p.session_id in self.sessions:
            return True
        cutoff = self.users.get(p.user_id)
        return cutoff is not None and p.issued_at <= cutoff

    def prune(self, now: float | None = None) -> None:
        now = now or time.time()
        horizon = ACCESS_TOKEN_TTL.total_seconds()
        self.sessions = {k: v for k, v in self.sessions.items() if v > now}
        self.users = {k: v for k, v in self.users.items() if v + horizon > now}

    def apply(self, envelope: Envelope) -> None:
        data = envelope.data
        if envelope.type == "SessionRevoked":
            until = datetime.fromisoformat(data["expires_at"]).timestamp()
            self.revoke_session(str(data["session_id"]), until)
        elif envelope.type == "UserSuspended":
            self.revoke_user(
                str(data["user_id"]), datetime.fromisoformat(data["suspended_at"]).timestamp()
            )


class TokenVerifier:
    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        audience: str,
        revocations: RevocationList | None = None,
        *,
        min_refresh_interval: float = 10.0,
        max_key_age: float = 300.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.revocations = revocations or RevocationList()
        self.min_refresh_interval = min_refresh_interval
        # Known keys are re-read (in the background) once older than this, so a key withdrawn
        # from the JWKS stops being trusted; identity serves the JWKS with max-age=300.
        self.max_key_age = max_key_age
        # kid -> (the JWK as published, its key object). Building the RSA key object is most of a
        # verification's cost, so it is built once per kid, not once per request.
        self._keys: dict[str, tuple[dict[str, Any], Key]] = {}
        self._keys_set_at = 0.0
        self._last_refresh = 0.0
        self._refreshes = 0  # completed refresh attempts, successful or not
        self._refresh_lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None
        # token -> (its principal, the key object that verified it). The RS256 check and the
        # claim parsing are most of a request's cost in a service; a token seen before costs a
        # lookup. A hit still checks `exp`, the key (withdrawn or replaced: the entry is dead)
        # and the revocation denylist, every time.
        self._verified: dict[str, tuple[Principal, str, Key]] = {}
        self._http = httpx.AsyncClient(timeout=5.0)

    async def close(self) -> None:
        if self._background is not None:
            self._background.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._background
        await self._http.aclose()

    def set_keys(self, jwks: dict[str, Any]) -> None:
        keys: dict[str, tuple[dict[str, Any], Key]] = {}
        for published in jwks.get("keys", []):
            kid = published.get("kid")
            if published.get("kty") != "RSA" or not isinstance(kid, str):
                continue
            known = self._keys.get(kid)
            if known is not None and known[0] == published:
                keys[kid] = known  # unchanged: keep the object already built
                continue
            try:
                keys[kid] = (published, jwk.construct(published, ALGORITHM))
            except (JOSEError, ValueError, TypeError, KeyError) as exc:
                log.warning("unusable key in the JWKS", kid=kid, error=repr(exc))
        self._keys = keys
        self._keys_set_at = time.monotonic()

    async def _refresh(self) -> None:
        seen = self._refreshes
        async with self._refresh_lock:
            # Requests that waited here while another one refreshed take its outcome: with the
            # issuer down, a burst would otherwise queue one fetch (and its timeout) each.
            if self._refreshes != seen:
                return
            if time.monotonic() - self._last_refresh < self.min_refresh_interval and self._keys:
                return
            self._last_refresh = time.monotonic()
            try:
                await self._load_keys()
            finally:
                self._refreshes += 1

    async def _load_keys(self) -> None:
        """Replace the known keys with the issuer's current ones (subclasses read elsewhere)."""
        try:
            resp = await self._http.get(self.jwks_url)
            resp.raise_for_status()
            self.set_keys(resp.json())
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("JWKS fetch failed", url=self.jwks_url, error=repr(exc))

    async def key_for(self, kid: str) -> Key | None:
        if kid not in self._keys:
            await self._refresh()
        elif time.monotonic() - self._keys_set_at >= self.max_key_age:
            self._refresh_in_background()
        known = self._keys.get(kid)
        return None if known is None else known[1]

    def _refresh_in_background(self) -> None:
        # The request goes on with the keys it has; an unreachable issuer costs it nothing and
        # the keys stay as they were (set_keys only runs on a good answer).
        if self._background is None or self._background.done():
            self._background = asyncio.create_task(self._refresh_quietly())

    async def _refresh_quietly(self) -> None:
        try:
            await self._refresh()
        except Exception as exc:  # nobody awaits this task: log instead of losing it
            log.warning("key refresh failed", error=repr(exc))

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            principal, kid, key = known
            if principal.expires_at > time.time() and self._still_trusted(kid, key):
                if self.revocations.is_revoked(principal):
                    raise InvalidToken("token revoked")
                return principal
            del self._verified[token]
        principal, kid, key = await self._verify_signed(token)
        if self.revocations.is_revoked(principal):
            raise InvalidToken("token revoked")
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._drop_oldest()
        self._verified[token] = (principal, kid, key)
        return principal

    def _still_trusted(self, kid: str, key: Key) -> bool:
        """Whether `kid` still names `key` among the issuer's keys (re-read in the background
        once older than `max_key_age`, as for a token not cached)."""
        if time.monotonic() - self._keys_set_at >= self.max_key_age:
            self._refresh_in_background()
        known = self._keys.get(kid)
        return known is not None and known[1] is key

    def _drop_oldest(self) -> None:
        now = time.time()
        expired = [t for t, (p, _, _) in self._verified.items() if p.expires_at <= now]
        for token in expired or list(self._verified)[: VERIFIED_CACHE_SIZE // 10]:
            del self._verified[token]

    async def _verify_signed(self, token: str) -> tuple[Principal, str, Key]:
        """The full check: header, key by `kid`, RS256 signature, `iss`/`aud`/`exp` and the
        required claims."""
        try:
            header = jwt.get_unverified_header(token)
        except JOSEError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("algorithm not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("no key id")
        key = await self.key_for(kid)
        if key is None:
            raise InvalidToken("unknown key id")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_sub": True,
                    "require_jti": True,
                    "require_aud": True,
                    "require_iss": True,
                },
            )
        except JOSEError as exc:
            raise InvalidToken(str(exc)) from exc
        principal = Principal(
            user_id=str(claims["sub"]),
            roles=frozenset(claims.get("roles") or ()),
            email_verified=bool(claims.get("email_verified")),
            token_id=str(claims["jti"]),
            session_id=claims.get("sid"),
            issued_at=int(claims["iat"]),
            expires_at=int(claims["exp"]),
        )
        return principal, kid, key


async def follow_revocations(broker: Broker, revocations: RevocationList) -> None:
    """Feed `revocations` from the stream, starting one token lifetime (plus slack) ago."""
    assert broker.connection is not None
    channel = await broker.connection.channel()
    await channel.set_qos(prefetch_count=200)
    queue = await channel.get_queue(broker.name(REVOCATIONS_STREAM))
    start = datetime.now(UTC) - ACCESS_TOKEN_TTL - timedelta(minutes=1)

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        try:
            revocations.apply(Envelope.from_bytes(message.body))
        except Exception as exc:
            log.warning("unreadable revocation", error=repr(exc))
        await message.ack()

    await queue.consume(on_message, arguments={"x-stream-offset": start})


def bearer_token(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def optional_user(request: Request) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    verifier: TokenVerifier = request.app.state.verifier
    try:
        principal = await verifier.verify(token)
    except InvalidToken as exc:
        raise Unauthorized("The access token is invalid or expired.", code="invalid_token") from exc
    request.state.principal = principal
    return principal


async def current_user(principal: Principal | None = Depends(optional_user)) -> Principal:
    if principal is None:
        raise Unauthorized("Sign in to do this.", code="not_authenticated")
    return principal


def require_role(role: str) -> Any:
    async def check(principal: Principal = Depends(current_user)) -> Principal:
        if role not in principal.roles:
            raise Forbidden(f"This needs the {role} role.", code="role_required")
        return principal

    return Depends(check)


CurrentUser = Annotated[Principal, Depends(current_user)]
OptionalUser = Annotated[Principal | None, Depends(optional_user)]
AdminUser = Annotated[Principal, require_role("admin")]

"""RS256 signing keys, the JWKS, and access-token signing.

Development and tests: the first replica to start generates a key (under an advisory lock, so two
replicas starting together make one) and keeps it in `signing_keys`; every replica signs with it.
Production: the private key comes only from `IDENTITY_JWT_PRIVATE_KEY`; the table records its
public half so every replica publishes the keys of the others during a rolling deploy.

Rotation (`python -m identity rotate-keys`) adds a key that starts signing after
`key_activation_delay_s`, long enough for every replica to have loaded it; the key it replaces
stays in the JWKS for `key_publish_after_retire_s` (at least one access-token lifetime).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from jose import jwk, jwt
from jose.backends.base import Key
from shared.auth import ALGORITHM
from shared.db import advisory_key
from shared.events import now

from identity.key_material import (
    KeyConfigError,
    generate_pem,
    load_private_key,
    public_jwk,
)
from identity.settings import IdentitySettings

__all__ = [
    "KeyConfigError",
    "KeyRing",
    "ensure_key",
    "generate_pem",
    "load_private_key",
    "public_jwk",
    "rotate",
]


@dataclass(frozen=True)
class StoredKey:
    kid: str
    jwk: dict[str, Any]
    private_pem: str | None
    activates_at: datetime


async def _insert(
    conn: asyncpg.Connection, pem: str | None, jwk_: dict[str, Any], at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO signing_keys (kid, public_jwk, private_pem, activates_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (kid) DO NOTHING",
        jwk_["kid"],
        jwk_,
        pem,
        at,
    )


async def ensure_key(pool: asyncpg.Pool, settings: IdentitySettings) -> None:
    """Make sure a signing key exists: the configured one, or (not in production) a generated one."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1)", advisory_key("identity.signing_keys")
        )
        if settings.jwt_private_key:
            jwk_ = public_jwk(load_private_key(settings.jwt_private_key))
            known = await conn.fetchval("SELECT 1 FROM signing_keys WHERE kid = $1", jwk_["kid"])
            if not known:
                # A newly deployed key signs at once (this process has no other); the previous
                # one stays published by every replica, since they all read this table.
                await _insert(conn, None, jwk_, now())
            return
        if settings.is_production:
            raise KeyConfigError("APP_ENV=production requires IDENTITY_JWT_PRIVATE_KEY (PEM)")
        # Any database-held key will do (a rotated one only waits to activate). Not compared
        # with now(): that is this transaction's start, before a replica we waited for inserted.
        usable = await conn.fetchval("SELECT 1 FROM signing_keys WHERE private_pem IS NOT NULL")
        if not usable:
            pem = generate_pem()
            await _insert(conn, pem, public_jwk(load_private_key(pem)), now())


async def rotate(
    pool: asyncpg.Pool, settings: IdentitySettings, *, delay_s: float | None = None
) -> StoredKey:
    """Add a new database-held key that starts signing after the activation delay."""
    if settings.jwt_private_key:
        raise KeyConfigError(
            "This deployment signs with IDENTITY_JWT_PRIVATE_KEY: rotate by deploying a new key "
            "there; the previous key stays in the JWKS automatically."
        )
    delay = settings.key_activation_delay_s if delay_s is None else delay_s
    pem = generate_pem()
    jwk_ = public_jwk(load_private_key(pem))
    at = now() + timedelta(seconds=delay)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1)", advisory_key("identity.signing_keys")
        )
        await _insert(conn, pem, jwk_, at)
    return StoredKey(jwk_["kid"], jwk_, pem, at)


class KeyRing:
    """The keys one replica knows: which one signs now, and which the JWKS publishes."""

    def __init__(self, settings: IdentitySettings) -> None:
        self.settings = settings
        self._stored: list[StoredKey] = []
        self._own: tuple[str, Key] | None = None  # the configured key (production)
        self._loaded: dict[str, Key] = {}
        self._loaded_at = float("-inf")
        if settings.jwt_private_key:
            pem = settings.jwt_private_key
            kid = public_jwk(load_private_key(pem))["kid"]
            self._own = (kid, jwk.construct(pem, ALGORITHM))

    async def reload_if_stale(self, pool: asyncpg.Pool, max_age_s: float = 1.0) -> None:
        """Re-read the table unless that was done within `max_age_s` (JWKS requests)."""
        if time.monotonic() - self._loaded_at >= max_age_s:
            await self.reload(pool)

    async def reload(self, pool: asyncpg.Pool) -> None:
        self._loaded_at = time.monotonic()
        rows = await pool.fetch(
            "SELECT kid, public_jwk, private_pem, activates_at FROM signing_keys"
            " ORDER BY activates_at, kid"
        )
        self._stored = [
            StoredKey(r["kid"], r["public_jwk"], r["private_pem"], r["activates_at"]) for r in rows
        ]

    def _signing_key(self, at: datetime) -> tuple[str, Key]:
        if self._own is not None:
            return self._own
        current = [k for k in self._stored if k.private_pem and k.activates_at <= at]
        if not current:
            raise KeyConfigError("no signing key is active yet")
        chosen = current[-1]
        key = self._loaded.get(chosen.kid)
        if key is None:
            assert chosen.private_pem is not None
            key = jwk.construct(chosen.private_pem, ALGORITHM)
            self._loaded[chosen.kid] = key
        return chosen.kid, key

    @property
    def current_kid(self) -> str:
        return self._signing_key(now())[0]

    def jwks(self, at: datetime | None = None) -> dict[str, Any]:
        """Published keys: the signing one, any about to sign, and recently replaced ones."""
        at = at or now()
        keep = timedelta(seconds=self.settings.key_publish_after_retire_s)
        published: list[dict[str, Any]] = []
        for i, key in enumerate(self._stored):
            replaced_at = self._stored[i + 1].activates_at if i + 1 < len(self._stored) else None
            if replaced_at is None or replaced_at > at or replaced_at + keep > at:
                published.append(key.jwk)
        if self._own is not None and all(k["kid"] != self._own[0] for k in published):
            own = next((k.jwk for k in self._stored if k.kid == self._own[0]), None)
            if own is not None:
                published.append(own)
        return {"keys": [dict(k) for k in reversed(published)]}

    def issue_access_token(
        self,
        *,
        user_id: str,
        session_id: str,
        roles: list[str],
        email_verified: bool,
        issued: int | None = None,
    ) -> tuple[str, int]:
        """A signed access token and its `exp` (epoch seconds); `issued` (epoch seconds) is
        now unless the caller fixed it to record the `exp` before signing."""
        issued = int(time.time()) if issued is None else issued
        expires = issued + self.settings.access_token_ttl_s
        claims = {
            "sub": user_id,
            "iss": self.settings.jwt_issuer,
            "aud": self.settings.jwt_audience,
            "exp": expires,
            "iat": issued,
            "jti": str(uuid.uuid4()),
            "sid": session_id,
            "roles": sorted({"user", *roles}),
            "email_verified": email_verified,
        }
        kid, key = self._signing_key(now())
        token = jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})
        return str(token), expires

"""Identity verifies its own access tokens from its key table, never over HTTP from itself."""

from __future__ import annotations

import time

import asyncpg
from shared.auth import RevocationList, TokenVerifier

from identity.keys import KeyRing
from identity.settings import IdentitySettings


class KeyRingVerifier(TokenVerifier):
    """The kernel's verifier (same checks, same denylist), fed from the key ring: `set_keys` at
    start-up and after every reload, and an unknown `kid` re-reads the table (rate-limited like
    the kernel's JWKS refresh) instead of fetching `JWKS_URL`."""

    def __init__(
        self,
        ring: KeyRing,
        pool: asyncpg.Pool,
        settings: IdentitySettings,
        revocations: RevocationList,
    ) -> None:
        super().__init__("", settings.jwt_issuer, settings.jwt_audience, revocations)
        self.ring = ring
        self.pool = pool
        self._last_refresh: float = 0.0

    async def reload(self) -> None:
        await self.ring.reload(self.pool)
        self.set_keys(self.ring.jwks())

    async def _refresh(self) -> None:
        async with self._refresh_lock:
            if time.monotonic() - self._last_refresh < self.min_refresh_interval and self._keys:
                return
            self._last_refresh = time.monotonic()
            await self.reload()

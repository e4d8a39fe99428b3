"""Identity verifies its own access tokens from its key table, never over HTTP from itself."""

from __future__ import annotations

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

    async def reload(self) -> None:
        await self.ring.reload(self.pool)
        self.set_keys(self.ring.jwks())

    async def _load_keys(self) -> None:
        await self.reload()

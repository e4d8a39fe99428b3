"""Background work that keeps token checks local: the JWKS, and the revocation denylist.

Both start in the background and retry, so the gateway starts (and serves anonymous traffic)
while identity or the broker is still down; `/readyz` reports when both are in place.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from shared.auth import TokenVerifier, follow_revocations
from shared.bus import Broker
from shared.logging import get_logger

from gateway.settings import GatewaySettings

log = get_logger(__name__)

PRUNE_EVERY_S = 60.0


class AuthRuntime:
    def __init__(self, settings: GatewaySettings, verifier: TokenVerifier) -> None:
        self.settings = settings
        self.verifier = verifier
        self.broker = Broker(settings.amqp_url, settings.bus_namespace, connection_label="gateway")
        self.following = asyncio.Event()
        self.jwks_loaded = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def broker_connected(self) -> bool:
        conn = self.broker.connection
        return self.following.is_set() and conn is not None and not conn.is_closed

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._follow_revocations()),
            asyncio.create_task(self._load_jwks()),
            asyncio.create_task(self._prune()),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.broker.close()

    async def _follow_revocations(self) -> None:
        # The robust connection re-consumes after a broker restart; the stream is read again
        # from one token lifetime back, which only re-adds what the denylist already holds.
        await self.broker.connect_until_ready(self._follow)
        self.following.set()
        log.info("following the revocation stream")

    async def _follow(self) -> None:
        await self.broker.declare_topology()
        await follow_revocations(self.broker, self.verifier.revocations)

    async def _load_jwks(self) -> None:
        delay = 0.2
        async with httpx.AsyncClient(timeout=5.0, trust_env=False) as client:
            while True:
                try:
                    resp = await client.get(self.settings.jwks_url)
                    resp.raise_for_status()
                    self.verifier.set_keys(resp.json())
                    self.jwks_loaded.set()
                    log.info("JWKS loaded", url=self.settings.jwks_url)
                    return
                except (httpx.HTTPError, ValueError) as exc:
                    log.warning("JWKS not reachable yet; retrying", error=repr(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _prune(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY_S)
            self.verifier.revocations.prune()

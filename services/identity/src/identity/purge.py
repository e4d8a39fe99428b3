"""Delete credentials nobody can use any more: refresh families past their absolute lifetime
(their tokens go with them) and one-time tokens that were used or have expired.

Each table is purged with one bounded DELETE per transaction, repeated until a batch comes back
short. A transaction-scoped advisory lock lets only one replica purge at a time; the others
skip the run rather than queue behind it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
from shared.logging import get_logger

from identity.commands import Clock
from identity.settings import IdentitySettings

log = get_logger(__name__)

# Arbitrary but fixed: the advisory-lock key every identity replica purges under.
PURGE_LOCK_KEY = 0x1D_E7_9E_01

_FAMILIES = (
    "DELETE FROM refresh_families WHERE id IN (SELECT id FROM refresh_families"
    " WHERE expires_at < $1 LIMIT $2)"
)
_ONE_TIME = (
    "DELETE FROM one_time_tokens WHERE token_hash IN (SELECT token_hash FROM one_time_tokens"
    " WHERE expires_at < $1 OR used_at < $1 LIMIT $2)"
)


@dataclass
class Purged:
    refresh_families: int = 0
    one_time_tokens: int = 0
    skipped: bool = False  # another replica held the lock


def _count(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


async def purge_expired(pool: asyncpg.Pool, settings: IdentitySettings, at: datetime) -> Purged:
    """One purge run; `at` minus the configured margin is the cut-off."""
    cutoff = at - timedelta(seconds=settings.purge_margin_s)
    batch = settings.purge_batch_size
    purged = Purged()
    for sql, field in ((_FAMILIES, "refresh_families"), (_ONE_TIME, "one_time_tokens")):
        while True:
            async with pool.acquire() as conn, conn.transaction():
                if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", PURGE_LOCK_KEY):
                    purged.skipped = True
                    return purged
                n = _count(await conn.execute(sql, cutoff, batch))
            setattr(purged, field, getattr(purged, field) + n)
            if n < batch:
                break
    if purged.refresh_families or purged.one_time_tokens:
        log.info(
            "expired credentials purged",
            refresh_families=purged.refresh_families,
            one_time_tokens=purged.one_time_tokens,
        )
    return purged


async def purge_periodically(pool: asyncpg.Pool, settings: IdentitySettings, clock: Clock) -> None:
    await asyncio.sleep(settings.purge_initial_delay_s)
    while True:
        try:
            await purge_expired(pool, settings, clock())
        except Exception as exc:
            log.warning("expired credentials not purged", error=repr(exc))
        await asyncio.sleep(settings.purge_interval_s)

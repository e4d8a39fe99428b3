"""Entitlements (the library), their grants, and download counts."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.contracts.catalog import (
    EntitlementRevoked,
    PersonaAcquired,
    PersonaDownloaded,
)
from shared.events import Envelope

from catalog.domain.entitlement import grant_key
from catalog.projections.base import projections

# ---------------------------------------------------------------- entitlements and downloads


async def _refresh_entitlement(conn: asyncpg.Connection, persona_id: str, user_id: str) -> None:
    """Re-derive the library row from the grants; count holders on the persona."""
    had = await conn.fetchval(
        "DELETE FROM entitlements WHERE persona_id = $1 AND user_id = $2 RETURNING 1",
        persona_id,
        user_id,
    )
    has = await conn.fetchval(
        "INSERT INTO entitlements (persona_id, user_id, source, transaction_id, amount, currency,"
        " acquired_at)"
        " SELECT persona_id, user_id, source, transaction_id, amount, currency, granted_at"
        " FROM entitlement_grants WHERE persona_id = $1 AND user_id = $2"
        " ORDER BY granted_at, grant_key LIMIT 1 RETURNING 1",
        persona_id,
        user_id,
    )
    delta = (1 if has else 0) - (1 if had else 0)
    if delta:
        await conn.execute(
            "UPDATE personas SET acquisitions = acquisitions + $2 WHERE id = $1", persona_id, delta
        )


async def _change_grants(
    conn: asyncpg.Connection, e: PersonaAcquired | EntitlementRevoked, sql: str, *args: Any
) -> None:
    """Run a change of one user's grants on one persona (`$1`, `$2` = persona, user; `args`
    follow), then re-derive their library row."""
    await conn.execute(sql, e.persona_id, e.user_id, *args)
    await _refresh_entitlement(conn, e.persona_id, e.user_id)


@projections.on(PersonaAcquired)
async def _acquired(conn: asyncpg.Connection, e: PersonaAcquired, env: Envelope) -> None:
    await _change_grants(
        conn,
        e,
        "INSERT INTO entitlement_grants (persona_id, user_id, grant_key, source, transaction_id,"
        " amount, currency, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT DO NOTHING",
        grant_key(e),
        e.source,
        e.transaction_id,
        e.amount,
        e.currency,
        env.occurred_at,
    )


@projections.on(EntitlementRevoked)
async def _revoked(conn: asyncpg.Connection, e: EntitlementRevoked, env: Envelope) -> None:
    await _change_grants(
        conn,
        e,
        "DELETE FROM entitlement_grants WHERE persona_id = $1 AND user_id = $2 AND grant_key = $3",
        e.transaction_id,
    )


@projections.on(PersonaDownloaded)
async def _downloaded(conn: asyncpg.Connection, e: PersonaDownloaded, env: Envelope) -> None:
    await conn.execute("UPDATE personas SET downloads = downloads + 1 WHERE id = $1", e.persona_id)
    await conn.execute(
        "UPDATE persona_versions SET downloads = downloads + 1"
        " WHERE persona_id = $1 AND version = $2",
        e.persona_id,
        e.version,
    )

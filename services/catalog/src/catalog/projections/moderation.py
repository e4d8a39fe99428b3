"""Reports and collections."""

from __future__ import annotations

import asyncpg
from shared.contracts.catalog import (
    CollectionSaved,
    ContentReported,
    CreatorTrustChanged,
    PersonaVersionProposed,
    PersonaVersionPublished,
    PersonaVersionRejected,
    ReportResolved,
)
from shared.events import Envelope

from catalog.projections.base import projections

# ---------------------------------------------------------------- reports and collections


projections.statement(
    ContentReported,
    "INSERT INTO reports (id, target_type, target_id, persona_id, reporter_id, reason,"
    " details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    lambda e, env: (
        e.report_id,
        e.target_type,
        e.target_id,
        e.persona_id,
        e.reporter_id,
        e.reason,
        e.details,
        env.occurred_at,
    ),
)


projections.statement(
    ReportResolved,
    "UPDATE reports SET status = 'resolved', action = $2, note = $3, resolver_id = $4,"
    " resolved_at = $5 WHERE id = $1",
    lambda e, env: (e.report_id, e.action, e.note, e.resolver_id, env.occurred_at),
)


projections.statement(
    CollectionSaved,
    "INSERT INTO collections (slug, title, description, persona_ids, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4::uuid[], $5, $5) ON CONFLICT (slug) DO UPDATE SET"
    " title = excluded.title, description = excluded.description,"
    " persona_ids = excluded.persona_ids, updated_at = excluded.updated_at",
    lambda e, env: (e.slug, e.title, e.description, e.persona_ids, env.occurred_at),
)


# ---------------------------------------------------------------- versions waiting for review


@projections.on(PersonaVersionProposed)
async def _version_proposed(
    conn: asyncpg.Connection, e: PersonaVersionProposed, env: Envelope
) -> None:
    await conn.execute(
        "INSERT INTO version_reviews (persona_id, creator_id, version, changelog, files,"
        " submitted_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
        e.persona_id,
        e.creator_id,
        e.version,
        e.changelog,
        e.files,
        env.occurred_at,
    )


@projections.on(PersonaVersionPublished)
async def _version_live(
    conn: asyncpg.Connection, e: PersonaVersionPublished, env: Envelope
) -> None:
    await conn.execute("DELETE FROM version_reviews WHERE persona_id = $1", e.persona_id)


@projections.on(PersonaVersionRejected)
async def _version_rejected(
    conn: asyncpg.Connection, e: PersonaVersionRejected, env: Envelope
) -> None:
    await conn.execute("DELETE FROM version_reviews WHERE persona_id = $1", e.persona_id)


@projections.on(CreatorTrustChanged)
async def _trust(conn: asyncpg.Connection, e: CreatorTrustChanged, env: Envelope) -> None:
    if e.trusted:
        await conn.execute(
            "INSERT INTO trusted_creators (creator_id, trusted_at) VALUES ($1, $2)"
            " ON CONFLICT (creator_id) DO NOTHING",
            e.creator_id,
            env.occurred_at,
        )
    else:
        await conn.execute("DELETE FROM trusted_creators WHERE creator_id = $1", e.creator_id)

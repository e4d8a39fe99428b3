"""The `personas` and `persona_versions` read models."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.contracts.catalog import (
    PersonaApproved,
    PersonaCreated,
    PersonaDeleted,
    PersonaRejected,
    PersonaSubmitted,
    PersonaSuspended,
    PersonaUpdated,
    PersonaVersionPublished,
)
from shared.events import Envelope

from catalog.domain import PersonaStatsSeeded
from catalog.projections.base import change_persona, projections

# ---------------------------------------------------------------- personas


def persona_row(env: Envelope) -> dict[str, Any]:
    """The new `personas` row for a PersonaCreated event (also used by the bulk seeder)."""
    e = PersonaCreated.model_validate(env.data)
    return {
        "id": e.persona_id,
        "creator_id": e.creator_id,
        "name": e.name,
        "short_description": e.short_description,
        "description": e.description,
        "category": e.category,
        "tags": e.tags,
        "price_cents": e.price_cents,
        "currency": e.currency,
        "usage_terms": e.usage_terms,
        "status": "draft",
        "created_at": env.occurred_at,
        "updated_at": env.occurred_at,
    }


@projections.on(PersonaCreated)
async def _created(conn: asyncpg.Connection, _: PersonaCreated, env: Envelope) -> None:
    row = persona_row(env)
    cols = list(row)
    await conn.execute(
        f"INSERT INTO personas ({', '.join(cols)})"
        f" VALUES ({', '.join(f'${i + 1}' for i in range(len(cols)))})",
        *row.values(),
    )


@projections.on(PersonaUpdated)
async def _updated(conn: asyncpg.Connection, e: PersonaUpdated, env: Envelope) -> None:
    await change_persona(
        conn,
        e.persona_id,
        "UPDATE personas SET name = $2, price_cents = $3, currency = $4,"
        " short_description = coalesce($5, short_description),"
        " description = coalesce($6, description), category = coalesce($7, category),"
        " tags = coalesce($8, tags), usage_terms = coalesce($9, usage_terms), updated_at = $10"
        " WHERE id = $1",
        e.name,
        e.price_cents,
        e.currency,
        e.short_description,
        e.description,
        e.category,
        e.tags,
        e.usage_terms,
        env.occurred_at,
    )


def version_row(env: Envelope) -> dict[str, Any]:
    e = PersonaVersionPublished.model_validate(env.data)
    major, minor, patch = (int(x) for x in e.version.split("."))
    return {
        "persona_id": e.persona_id,
        "version": e.version,
        "major": major,
        "minor": minor,
        "patch": patch,
        "changelog": e.changelog,
        "files": e.files,
        "created_at": env.occurred_at,
    }


@projections.on(PersonaVersionPublished)
async def _version(conn: asyncpg.Connection, _: PersonaVersionPublished, env: Envelope) -> None:
    row = version_row(env)
    await conn.execute(
        "INSERT INTO persona_versions (persona_id, version, major, minor, patch, changelog,"
        " files, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        *row.values(),
    )
    # Versions only ever increase (the aggregate refuses anything else), so the newest is latest.
    await conn.execute(
        "UPDATE personas SET latest_version = $2, version_count = version_count + 1,"
        " updated_at = $3 WHERE id = $1",
        row["persona_id"],
        row["version"],
        env.occurred_at,
    )


@projections.on(PersonaSubmitted)
async def _submitted(conn: asyncpg.Connection, _: PersonaSubmitted, env: Envelope) -> None:
    await change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'pending', submitted_at = $2, rejection_reason = NULL,"
        " updated_at = $2 WHERE id = $1",
        env.occurred_at,
    )


@projections.on(PersonaApproved)
async def _approved(conn: asyncpg.Connection, _: PersonaApproved, env: Envelope) -> None:
    await change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'approved', approved_at = $2, rejection_reason = NULL,"
        " suspension_reason = NULL, updated_at = $2 WHERE id = $1",
        env.occurred_at,
    )


@projections.on(PersonaRejected)
async def _rejected(conn: asyncpg.Connection, _: PersonaRejected, env: Envelope) -> None:
    await change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'rejected', rejection_reason = $2, updated_at = $3"
        " WHERE id = $1",
        env.data["reason"],
        env.occurred_at,
    )


@projections.on(PersonaSuspended)
async def _suspended(conn: asyncpg.Connection, _: PersonaSuspended, env: Envelope) -> None:
    await change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET status = 'suspended', suspension_reason = $2, updated_at = $3"
        " WHERE id = $1",
        env.data["reason"],
        env.occurred_at,
    )


@projections.on(PersonaDeleted)
async def _deleted(conn: asyncpg.Connection, _: PersonaDeleted, env: Envelope) -> None:
    await change_persona(
        conn,
        env.data["persona_id"],
        "UPDATE personas SET deleted_at = $2, updated_at = $2 WHERE id = $1",
        env.occurred_at,
    )


def stats_values(e: PersonaStatsSeeded) -> dict[str, int]:
    counts = {r: int(e.ratings.get(str(r), 0)) for r in range(1, 6)}
    return {
        "downloads": e.downloads,
        "rating_sum": sum(r * n for r, n in counts.items()),
        "rating_count": sum(counts.values()),
        **{f"rating_{r}": n for r, n in counts.items()},
    }


@projections.on(PersonaStatsSeeded)
async def _stats_seeded(conn: asyncpg.Connection, e: PersonaStatsSeeded, env: Envelope) -> None:
    values = stats_values(e)
    sets = ", ".join(f"{k} = ${i + 2}" for i, k in enumerate(values))
    await conn.execute(f"UPDATE personas SET {sets} WHERE id = $1", e.persona_id, *values.values())

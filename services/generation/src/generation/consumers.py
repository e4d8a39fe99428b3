"""Who may generate with which persona, kept from catalog's events (inbox-guarded, plain SQL).

A persona's creator always may; a user may while one of their grants (a free acquisition, a
purchase) is not revoked. Version file lists come with `PersonaVersionPublished`.
"""

from __future__ import annotations

from typing import Any

from shared.contracts.catalog import (
    EntitlementRevoked,
    PersonaAcquired,
    PersonaCreated,
    PersonaDeleted,
    PersonaUpdated,
    PersonaVersionPublished,
)
from shared.events import Envelope
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

personas = Subscription("generation", "personas")


async def _ensure(uow: UnitOfWork, persona_id: str, creator_id: str, name: str = "") -> None:
    await uow.conn.execute(
        "INSERT INTO personas (persona_id, creator_id, name) VALUES ($1, $2, $3)"
        " ON CONFLICT (persona_id) DO NOTHING",
        persona_id,
        creator_id,
        name,
    )


@personas.on(PersonaCreated, PersonaUpdated)
async def named(e: PersonaCreated | PersonaUpdated, env: Envelope, uow: UnitOfWork) -> None:
    await _ensure(uow, e.persona_id, e.creator_id, e.name)
    await uow.conn.execute(
        "UPDATE personas SET name = $2 WHERE persona_id = $1", e.persona_id, e.name
    )


def readable(f: dict[str, Any]) -> dict[str, Any]:
    """A version's file as generation reads it. A document (.docx, .pdf, .odt) is its text, which
    catalog extracted at upload and serves by `text_sha256` (as its internal file list does)."""
    if f.get("text_sha256"):
        return {
            "path": f.get("path"),
            "sha256": f["text_sha256"],
            "size": f.get("text_size") or 0,
            "content_type": "text/plain",
        }
    return {k: f.get(k) for k in ("path", "sha256", "size", "content_type")}


@personas.on(PersonaVersionPublished)
async def version_published(e: PersonaVersionPublished, env: Envelope, uow: UnitOfWork) -> None:
    await _ensure(uow, e.persona_id, e.creator_id)
    await uow.conn.execute(
        "INSERT INTO persona_versions (persona_id, version, files) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        e.persona_id,
        e.version,
        [readable(f) for f in e.files],
    )
    # Catalog publishes versions in order for one persona; the newest published is the latest.
    await uow.conn.execute(
        "UPDATE personas SET latest_version = $2 WHERE persona_id = $1", e.persona_id, e.version
    )


# Buyers keep their access to a deleted persona, as in catalog; only try-outs stop.
personas.statement(
    PersonaDeleted,
    "UPDATE personas SET deleted = true, tryouts = false WHERE persona_id = $1",
    lambda e, env: (e.persona_id,),
)


@personas.on(PersonaAcquired)
async def acquired(e: PersonaAcquired, env: Envelope, uow: UnitOfWork) -> None:
    await _ensure(uow, e.persona_id, e.creator_id)
    await uow.conn.execute(
        "INSERT INTO entitlement_grants (persona_id, user_id, grant_key) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        e.persona_id,
        e.user_id,
        e.transaction_id or e.source,
    )


# Recorded even if the grant has not arrived yet (another queue order), so it stays revoked.
personas.statement(
    EntitlementRevoked,
    "INSERT INTO entitlement_grants (persona_id, user_id, grant_key, revoked)"
    " VALUES ($1, $2, $3, true)"
    " ON CONFLICT (persona_id, user_id, grant_key) DO UPDATE SET revoked = true",
    lambda e, env: (e.persona_id, e.user_id, e.transaction_id),
)


subscriptions = [personas]

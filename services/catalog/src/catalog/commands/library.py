"""Buyer commands: acquire a free persona, download (counted once per user, version and day)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.auth import Principal
from shared.problems import Forbidden, NotFound, Problem
from shared.uow import UnitOfWork

from catalog.commands.base import (
    Catalog,
    as_uuid,
    load_visible_persona,
    persona_not_found,
)
from catalog.domain import (
    APPROVED,
    Entitlement,
    Persona,
    entitlement_id,
)

# ---------------------------------------------------------------- buyers


async def acquire_free(cat: Catalog, user: Principal, persona_id: str) -> str:
    """Give a user a free persona; idempotent. Returns the source of their access."""

    async def fn(uow: UnitOfWork) -> str:
        persona = await load_visible_persona(uow, persona_id, user)
        if persona.creator_id == user.user_id:
            return "creator"
        ent = await uow.load(Entitlement, entitlement_id(persona_id, user.user_id))
        if ent.active:
            return next(iter(ent.grants.values()))
        if persona.status != APPROVED:
            raise persona_not_found()
        if not persona.is_free():
            raise Problem(
                "This persona is paid: buy it to get access.",
                status=402,
                code="payment_required",
                title="Payment required",
            )
        ent.acquire_free(persona.creator_id)
        await uow.save(ent)
        return "free"

    return await cat.run(fn)


@dataclass
class DownloadPlan:
    persona_id: str
    name: str
    version: str
    changelog: str
    files: list[dict[str, Any]]
    usage_terms: dict[str, bool]
    creator_id: str
    counted: bool


async def download(
    cat: Catalog, user: Principal, persona_id: str, version: str | None
) -> DownloadPlan:
    """Check access to a version and count the download (once per user, version and UTC day)."""

    async def fn(uow: UnitOfWork) -> DownloadPlan:
        if as_uuid(persona_id) is None:
            raise persona_not_found()
        persona = await uow.load(Persona, persona_id)
        if not persona.exists:
            raise persona_not_found()
        privileged = user.user_id == persona.creator_id or user.is_admin
        ent = await uow.load(Entitlement, entitlement_id(persona_id, user.user_id))
        if not privileged:
            # Buyers keep a deleted persona; nobody else sees it. A suspended one is taken down.
            visible = (persona.status == APPROVED and not persona.deleted) or (
                persona.deleted and persona.status == APPROVED and ent.active
            )
            if not visible:
                raise persona_not_found()
            if not ent.active:
                if persona.is_free():
                    raise Forbidden(
                        "Add this persona to your library before downloading it.",
                        code="not_acquired",
                    )
                raise Forbidden("Buy this persona to download it.", code="purchase_required")
        chosen = persona.find_version(version) if version else persona.latest
        if chosen is None:
            raise NotFound("No such version.", code="version_not_found")
        files = chosen.files
        # A stat per file is disk I/O: kept off the event loop.
        if not await asyncio.to_thread(lambda: all(cat.blobs.exists(f["sha256"]) for f in files)):
            raise Problem(
                "A file of this version is missing from storage.",
                status=503,
                code="blob_missing",
            )
        counted = False
        if not privileged:
            counted = ent.count_download(
                persona.creator_id, chosen.version, datetime.now(UTC).date()
            )
            await uow.save(ent)
        assert persona.metadata is not None
        changelog = await uow.conn.fetchval(
            "SELECT changelog FROM persona_versions WHERE persona_id = $1 AND version = $2",
            as_uuid(persona_id),
            chosen.version,
        )
        return DownloadPlan(
            persona_id=persona_id,
            name=persona.metadata.name,
            version=chosen.version,
            changelog=changelog or "",
            files=chosen.files,
            usage_terms=persona.metadata.usage_terms,
            creator_id=persona.creator_id,
            counted=counted,
        )

    return await cat.run(fn)

"""Buyer commands: acquire a free persona, download (counted once per user, version and day)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.auth import Principal
from shared.uow import UnitOfWork

from catalog.commands.base import (
    CatalogBase,
    as_uuid,
    load_visible_persona,
)
from catalog.domain import (
    Entitlement,
    entitlement_id,
)
from catalog.domain.errors import (
    Missing,
    NotAllowed,
    PaymentRequired,
    StorageUnavailable,
    persona_not_found,
)


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


class LibraryCommands(CatalogBase):
    """Buyer commands: acquire a free persona, download."""

    async def acquire_free(self, user: Principal, persona_id: str) -> str:
        """Give a user a free persona; idempotent. Returns the source of their access."""

        async def fn(uow: UnitOfWork) -> str:
            persona = await load_visible_persona(uow, persona_id, user)
            if persona.creator_id == user.user_id:
                return "creator"
            ent = await uow.load(Entitlement, entitlement_id(persona_id, user.user_id))
            if ent.active:
                return next(iter(ent.grants.values()))
            if not persona.listed:
                raise persona_not_found()
            if not persona.is_free():
                raise PaymentRequired("This persona is paid: buy it to get access.")
            ent.acquire_free(persona.creator_id)
            await uow.save(ent)
            return "free"

        return await self.run(fn)

    async def download(self, user: Principal, persona_id: str, version: str | None) -> DownloadPlan:
        """Check access to a version and count the download (once per user, version and UTC day)."""

        async def fn(uow: UnitOfWork) -> DownloadPlan:
            # Buyers keep a deleted persona; nobody else sees it. A suspended one is taken down.
            persona = await load_visible_persona(uow, persona_id, user)
            privileged = user.user_id == persona.creator_id or user.is_admin
            ent = await uow.load(Entitlement, entitlement_id(persona_id, user.user_id))
            if not privileged:
                if not ent.active:
                    if persona.is_free():
                        raise NotAllowed(
                            "Add this persona to your library before downloading it.",
                            code="not_acquired",
                        )
                    raise NotAllowed("Buy this persona to download it.", code="purchase_required")
            chosen = persona.find_version(version) if version else persona.latest
            if chosen is None:
                raise Missing("No such version.", code="version_not_found")
            files = chosen.files
            # A stat per file is disk I/O: kept off the event loop.
            if not await asyncio.to_thread(
                lambda: all(self.blobs.exists(f["sha256"]) for f in files)
            ):
                raise StorageUnavailable("A file of this version is missing from storage.")
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

        return await self.run(fn)

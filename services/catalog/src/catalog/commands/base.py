"""What every command needs (`Catalog`, one per app) and the loads they share."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import asyncpg
from shared.auth import Principal
from shared.eventstore import EventStore
from shared.images import DEFAULT_MAX_PIXELS, ImageStore
from shared.uow import UnitOfWork, run_command

from catalog.blobs import BlobStore
from catalog.domain import (
    Entitlement,
    FileRef,
    Persona,
    Review,
    entitlement_id,
)
from catalog.domain.errors import NotAllowed, persona_not_found, review_not_found
from catalog.uploads import StagedFile

T = TypeVar("T")


@dataclass
class CatalogBase:
    """What every command needs; `Catalog` (in `catalog.commands`) adds the commands."""

    pool: asyncpg.Pool
    store: EventStore
    blobs: BlobStore
    currencies: list[str]
    images: ImageStore
    max_image_pixels: int = DEFAULT_MAX_PIXELS

    async def run(self, fn: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        return await run_command(self.pool, self.store, fn)

    async def change_owned(
        self, user: Principal, persona_id: str, decide: Callable[[Persona], object]
    ) -> None:
        """One decision on the user's own persona: load it (404/403), decide, save."""

        async def fn(uow: UnitOfWork) -> None:
            persona = await load_owned(uow, persona_id, user)
            decide(persona)
            await uow.save(persona)

        await self.run(fn)

    async def check_owner(self, user: Principal, persona_id: str) -> None:
        """Refuse a stranger before their upload is read or decoded (the command checks again)."""

        async def fn(uow: UnitOfWork) -> None:
            await load_owned(uow, persona_id, user)

        await self.run(fn)


def file_refs(files: list[StagedFile]) -> list[FileRef]:
    return [
        FileRef(f.path, f.sha256, f.size, f.content_type, f.text_sha256, f.text_size) for f in files
    ]


def place_files(blobs: BlobStore, files: list[StagedFile]) -> None:
    for f in files:
        blobs.put(f.staged, f.sha256)
        if f.text_staged is not None and f.text_sha256 is not None:
            blobs.put(f.text_staged, f.text_sha256)


async def load_visible_persona(uow: UnitOfWork, persona_id: str, user: Principal | None) -> Persona:
    """The persona if this user may see it (`catalog.domain.visibility`); else 404."""
    if as_uuid(persona_id) is None:
        raise persona_not_found()
    persona = await uow.load(Persona, persona_id)
    # Holding matters only for a deleted persona: skip loading the entitlement otherwise.
    holds = (
        persona.deleted
        and user is not None
        and user.user_id != persona.creator_id
        and await is_entitled(uow, persona_id, user.user_id)
    )
    if not persona.visible_to(user, holds=holds):
        raise persona_not_found()
    return persona


async def load_owned(uow: UnitOfWork, persona_id: str, user: Principal) -> Persona:
    """404 when the persona does not exist or is hidden from this user; 403 when they can see
    it but it is not theirs (an approved persona of someone else)."""
    persona = await load_visible_persona(uow, persona_id, user)
    if persona.creator_id != user.user_id:
        raise NotAllowed("Only the persona's creator can do this.", code="not_creator")
    return persona


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None


async def is_entitled(uow: UnitOfWork, persona_id: str, user_id: str) -> bool:
    ent = await uow.load(Entitlement, entitlement_id(persona_id, user_id))
    return ent.active


async def load_review(uow: UnitOfWork, review_id: str) -> Review:
    if as_uuid(review_id) is None:
        raise review_not_found()
    review = await uow.load(Review, review_id)
    if not review.active:
        raise review_not_found()
    return review

"""What every command needs (`Catalog`, one per app) and the loads they share."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import asyncpg
from shared.auth import Principal
from shared.eventstore import EventStore
from shared.problems import Forbidden, NotFound
from shared.uow import UnitOfWork, run_command

from catalog.blobs import BlobStore
from catalog.domain import (
    APPROVED,
    Entitlement,
    FileRef,
    Persona,
    Review,
    entitlement_id,
)
from catalog.uploads import StagedFile

T = TypeVar("T")


@dataclass
class Catalog:
    """What every command needs; one per app (`app.state.catalog`)."""

    pool: asyncpg.Pool
    store: EventStore
    blobs: BlobStore
    currencies: list[str]

    async def run(self, fn: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        return await run_command(self.pool, self.store, fn)


def file_refs(files: list[StagedFile]) -> list[FileRef]:
    return [FileRef(f.path, f.sha256, f.size, f.content_type) for f in files]


def place_files(blobs: BlobStore, files: list[StagedFile]) -> None:
    for f in files:
        blobs.put(f.staged, f.sha256)


def persona_not_found() -> NotFound:
    return NotFound("No such persona.", code="persona_not_found")


async def load_visible_persona(uow: UnitOfWork, persona_id: str, user: Principal | None) -> Persona:
    """The persona if this user may see it in the market (or owns it); else 404."""
    if as_uuid(persona_id) is None:
        raise persona_not_found()
    persona = await uow.load(Persona, persona_id)
    if not persona.exists or persona.deleted:
        raise persona_not_found()
    if persona.status != APPROVED and not (
        user is not None and (user.user_id == persona.creator_id or user.is_admin)
    ):
        raise persona_not_found()
    return persona


async def load_owned(uow: UnitOfWork, persona_id: str, user: Principal) -> Persona:
    """404 when the persona does not exist or is hidden from this user; 403 when they can see
    it but it is not theirs (an approved persona of someone else)."""
    if as_uuid(persona_id) is None:
        raise persona_not_found()
    persona = await uow.load(Persona, persona_id)
    if not persona.exists or persona.deleted:
        raise persona_not_found()
    if persona.creator_id != user.user_id:
        if persona.status != APPROVED and not user.is_admin:
            raise persona_not_found()
        raise Forbidden("Only the persona's creator can do this.", code="not_creator")
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
        raise NotFound("No such review.", code="review_not_found")
    review = await uow.load(Review, review_id)
    if not review.active:
        raise NotFound("No such review.", code="review_not_found")
    return review

"""Creator commands: create, edit, submit, publish a version, delete."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from shared.auth import Principal
from shared.uow import UnitOfWork

from catalog.commands.base import (
    Catalog,
    file_refs,
    load_owned,
    place_files,
)
from catalog.domain import (
    Metadata,
    Persona,
)
from catalog.schemas import PersonaFields, PersonaPatch, parse_fields
from catalog.uploads import StagedFile

# ---------------------------------------------------------------- creator commands


async def create_persona(
    cat: Catalog,
    user: Principal,
    fields: PersonaFields,
    files: list[StagedFile],
    version: str,
    changelog: str,
    submit: bool,
) -> str:
    meta = fields.to_metadata(cat.currencies)
    persona_id = str(uuid.uuid4())

    async def fn(uow: UnitOfWork) -> str:
        persona = await uow.load(Persona, persona_id)
        persona.create(user.user_id, meta)
        if files:
            persona.publish_version(user.user_id, version, changelog, file_refs(files))
        if submit:
            persona.submit(user.user_id, user.email_verified)
        await asyncio.to_thread(place_files, cat.blobs, files)  # file moves: off the event loop
        await uow.save(persona)
        return persona_id

    return await cat.run(fn)


def merge_patch(current: Metadata, patch: PersonaPatch, currencies: list[str]) -> Metadata:
    data: dict[str, Any] = {
        "name": current.name,
        "short_description": current.short_description,
        "description": current.description,
        "category": current.category,
        "tags": current.tags,
        "price_cents": current.price_cents,
        "currency": current.currency,
        "usage_terms": current.usage_terms,
    }
    data.update(patch.model_dump(exclude_unset=True, exclude={"status"}, exclude_none=True))
    return parse_fields(data).to_metadata(currencies)


async def edit_persona(cat: Catalog, user: Principal, persona_id: str, patch: PersonaPatch) -> None:
    async def fn(uow: UnitOfWork) -> None:
        persona = await load_owned(uow, persona_id, user)
        assert persona.metadata is not None
        persona.edit(user.user_id, merge_patch(persona.metadata, patch, cat.currencies))
        if patch.status == "pending":
            persona.submit(user.user_id, user.email_verified)
        await uow.save(persona)

    await cat.run(fn)


async def submit_persona(cat: Catalog, user: Principal, persona_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        persona = await load_owned(uow, persona_id, user)
        persona.submit(user.user_id, user.email_verified)
        await uow.save(persona)

    await cat.run(fn)


async def check_owner(cat: Catalog, user: Principal, persona_id: str) -> None:
    """Refuse a stranger before their upload is read (the command checks again)."""

    async def fn(uow: UnitOfWork) -> None:
        await load_owned(uow, persona_id, user)

    await cat.run(fn)


async def publish_version(
    cat: Catalog,
    user: Principal,
    persona_id: str,
    version: str,
    changelog: str,
    files: list[StagedFile],
) -> str:
    async def fn(uow: UnitOfWork) -> str:
        persona = await load_owned(uow, persona_id, user)
        persona.publish_version(user.user_id, version, changelog, file_refs(files))
        await asyncio.to_thread(place_files, cat.blobs, files)  # file moves: off the event loop
        await uow.save(persona)
        latest = persona.latest
        assert latest is not None
        return latest.version

    return await cat.run(fn)


async def delete_persona(cat: Catalog, user: Principal, persona_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        persona = await load_owned(uow, persona_id, user)
        persona.delete(user.user_id)
        await uow.save(persona)

    await cat.run(fn)

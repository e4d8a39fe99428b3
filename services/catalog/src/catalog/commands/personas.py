"""Creator commands: create, edit, submit, publish a version, delete."""

from __future__ import annotations

import asyncio
import uuid

from shared.auth import Principal
from shared.uow import UnitOfWork

from catalog.commands.base import (
    CatalogBase,
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


def merge_patch(current: Metadata, patch: PersonaPatch, currencies: list[str]) -> Metadata:
    data = current.as_event_fields()
    data.update(patch.model_dump(exclude_unset=True, exclude={"status"}, exclude_none=True))
    return parse_fields(data).to_metadata(currencies)


class PersonaCommands(CatalogBase):
    """Creator commands: create, edit, submit, publish a version, delete."""

    async def create_persona(
        self,
        user: Principal,
        fields: PersonaFields,
        files: list[StagedFile],
        version: str,
        changelog: str,
        submit: bool,
    ) -> str:
        meta = fields.to_metadata(self.currencies)
        persona_id = str(uuid.uuid4())

        async def fn(uow: UnitOfWork) -> str:
            persona = await uow.load(Persona, persona_id)
            persona.create(user.user_id, meta)
            if files:
                persona.publish_version(user.user_id, version, changelog, file_refs(files))
            if submit:
                persona.submit(user.user_id, user.email_verified)
            await asyncio.to_thread(
                place_files, self.blobs, files
            )  # file moves: off the event loop
            await uow.save(persona)
            return persona_id

        return await self.run(fn)

    async def edit_persona(self, user: Principal, persona_id: str, patch: PersonaPatch) -> None:
        def decide(persona: Persona) -> None:
            assert persona.metadata is not None
            persona.edit(user.user_id, merge_patch(persona.metadata, patch, self.currencies))
            if patch.status == "pending":
                persona.submit(user.user_id, user.email_verified)

        await self.change_owned(user, persona_id, decide)

    async def submit_persona(self, user: Principal, persona_id: str) -> None:
        await self.change_owned(
            user, persona_id, lambda p: p.submit(user.user_id, user.email_verified)
        )

    async def publish_version(
        self,
        user: Principal,
        persona_id: str,
        version: str,
        changelog: str,
        files: list[StagedFile],
    ) -> tuple[str, bool]:
        """Add a version: (its number, whether it is live now). A new version of an approved
        persona waits for review unless its creator is trusted (README, "Lifecycle")."""

        async def fn(uow: UnitOfWork) -> tuple[str, bool]:
            persona = await load_owned(uow, persona_id, user)
            trusted = bool(
                await uow.conn.fetchval(
                    "SELECT 1 FROM trusted_creators WHERE creator_id = $1", persona.creator_id
                )
            )
            live = persona.publish_version(
                user.user_id, version, changelog, file_refs(files), trusted=trusted
            )
            await asyncio.to_thread(
                place_files, self.blobs, files
            )  # file moves: off the event loop
            await uow.save(persona)
            number = persona.latest.version if live and persona.latest else None
            if number is None:
                assert persona.proposed is not None
                number = persona.proposed[0].version
            return number, live

        return await self.run(fn)

    async def delete_persona(self, user: Principal, persona_id: str) -> None:
        await self.change_owned(user, persona_id, lambda p: p.delete(user.user_id))

"""Moderation and curation: approve/reject/suspend, reports and their resolution, collections."""

from __future__ import annotations

import uuid

from shared.auth import Principal
from shared.uow import UnitOfWork

from catalog.commands.base import (
    CatalogBase,
    as_uuid,
    load_review,
    load_visible_persona,
)
from catalog.domain import (
    Collection,
    CreatorStanding,
    Persona,
    Report,
    Review,
    collection_stream,
    creator_stream,
)
from catalog.domain.errors import (
    InvalidInput,
    persona_not_found,
    report_not_found,
)

# ---------------------------------------------------------------- collections


class ModerationCommands(CatalogBase):
    """Moderation and curation: approve/reject/suspend, reports, collections."""

    async def moderate(self, persona_id: str, action: str, reason: str = "") -> None:
        async def fn(uow: UnitOfWork) -> None:
            if as_uuid(persona_id) is None:
                raise persona_not_found()
            persona = await uow.load(Persona, persona_id)
            if action == "approve":
                persona.approve()
            elif action == "reject":
                persona.reject(reason)
            elif action == "suspend":
                persona.suspend(reason)
            else:
                raise ValueError(action)
            await uow.save(persona)

        await self.run(fn)

    async def moderate_version(
        self, persona_id: str, version: str, action: str, reason: str = ""
    ) -> None:
        """Approve (publish) or reject a version waiting for review."""

        async def fn(uow: UnitOfWork) -> None:
            if as_uuid(persona_id) is None:
                raise persona_not_found()
            persona = await uow.load(Persona, persona_id)
            if action == "approve":
                persona.approve_version(version)
            else:
                persona.reject_version(version, reason)
            await uow.save(persona)

        await self.run(fn)

    async def set_trusted(self, creator_id: str, trusted: bool) -> None:
        async def fn(uow: UnitOfWork) -> None:
            standing = await uow.load(CreatorStanding, creator_stream(creator_id))
            if standing.set_trusted(creator_id, trusted):
                await uow.save(standing)

        await self.run(fn)

    async def report(
        self,
        user: Principal,
        target_type: str,
        target_id: str,
        reason: str,
        details: str | None,
    ) -> tuple[str, bool]:
        """Open a report; the same reporter's open report on the same target is returned instead."""

        async def fn(uow: UnitOfWork) -> tuple[str, bool]:
            if target_type == "persona":
                persona = await load_visible_persona(uow, target_id, user)
                persona_id = persona.id
            else:
                review = await load_review(uow, target_id)
                persona_id = review.persona_id
            existing = await uow.conn.fetchval(
                "SELECT id FROM reports WHERE target_id = $1 AND reporter_id = $2 AND status = 'open'",
                as_uuid(target_id),
                user.user_id,
            )
            if existing is not None:
                return str(existing), False
            rep = await uow.load(Report, str(uuid.uuid4()))
            rep.open(target_type, target_id, user.user_id, reason, details, persona_id)
            await uow.save(rep)
            return rep.id, True

        return await self.run(fn)

    async def resolve_report(
        self, admin: Principal, report_id: str, action: str, note: str | None
    ) -> None:
        """Resolve a report; taking the target down resolves every open report on it too."""

        async def fn(uow: UnitOfWork) -> None:
            if as_uuid(report_id) is None:
                raise report_not_found()
            rep = await uow.load(Report, report_id)
            rep.resolve(admin.user_id, action, note)
            await uow.save(rep)
            if action != "take_down":
                return
            if rep.target_type == "persona":
                persona = await uow.load(Persona, rep.target_id)
                if persona.listed:
                    persona.suspend(note or "Taken down after a report.")
                    await uow.save(persona)
            else:
                review = await uow.load(Review, rep.target_id)
                if review.active:
                    review.delete(admin.user_id, moderator=True)
                    await uow.save(review)
            others = await uow.conn.fetch(
                "SELECT id FROM reports WHERE target_id = $1 AND status = 'open' AND id <> $2",
                as_uuid(rep.target_id),
                as_uuid(report_id),
            )
            for row in others:
                other = await uow.load(Report, str(row["id"]))
                other.resolve(admin.user_id, action, note)
                await uow.save(other)

        await self.run(fn)

    async def save_collection(
        self,
        slug: str,
        title: str | None,
        description: str | None,
        persona_ids: list[str] | None,
        *,
        create: bool,
    ) -> None:
        async def fn(uow: UnitOfWork) -> None:
            coll = await uow.load(Collection, collection_stream(slug))
            current = await uow.conn.fetchrow("SELECT * FROM collections WHERE slug = $1", slug)
            ids = persona_ids
            if ids is None:
                ids = [str(i) for i in current["persona_ids"]] if current else []
            parsed = [as_uuid(i) for i in ids]
            if any(p is None for p in parsed):
                raise InvalidInput("persona_ids", "Every persona id must be a UUID.")
            unique = list(dict.fromkeys(str(p) for p in parsed))
            known = await uow.conn.fetchval(
                "SELECT count(*) FROM personas WHERE id = ANY($1::uuid[])", unique
            )
            if known != len(unique):
                raise InvalidInput("persona_ids", "Some personas do not exist.")
            coll.save(
                slug,
                title if title is not None else (current["title"] if current else ""),
                description
                if description is not None
                else (current["description"] if current else ""),
                unique,
                create=create,
            )
            await uow.save(coll)

        await self.run(fn)

"""Application layer: each command is one unit of work (load streams, decide, append).

Uploaded files are staged before a command runs; they are moved into the blob store only after
every decision of the command has passed, so a refused request stores nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg
from shared.auth import Principal
from shared.eventstore import EventStore
from shared.problems import Forbidden, NotFound, Problem, field_error
from shared.uow import UnitOfWork, run_command

from catalog.blobs import BlobStore
from catalog.domain import (
    APPROVED,
    Collection,
    Entitlement,
    FileRef,
    Metadata,
    Persona,
    Report,
    Review,
    collection_stream,
    entitlement_id,
    review_id_for,
)
from catalog.schemas import PersonaFields, PersonaPatch, parse_fields
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


def _refs(files: list[StagedFile]) -> list[FileRef]:
    return [FileRef(f.path, f.sha256, f.size, f.content_type) for f in files]


def _place(blobs: BlobStore, files: list[StagedFile]) -> None:
    for f in files:
        blobs.put(f.staged, f.sha256)


def _not_found() -> NotFound:
    return NotFound("No such persona.", code="persona_not_found")


async def _load_visible_persona(
    uow: UnitOfWork, persona_id: str, user: Principal | None
) -> Persona:
    """The persona if this user may see it in the market (or owns it); else 404."""
    if _uuid(persona_id) is None:
        raise _not_found()
    persona = await uow.load(Persona, persona_id)
    if not persona.exists or persona.deleted:
        raise _not_found()
    if persona.status != APPROVED and not (
        user is not None and (user.user_id == persona.creator_id or user.is_admin)
    ):
        raise _not_found()
    return persona


async def _load_owned(uow: UnitOfWork, persona_id: str, user: Principal) -> Persona:
    """404 when the persona does not exist or is hidden from this user; 403 when they can see
    it but it is not theirs (an approved persona of someone else)."""
    if _uuid(persona_id) is None:
        raise _not_found()
    persona = await uow.load(Persona, persona_id)
    if not persona.exists or persona.deleted:
        raise _not_found()
    if persona.creator_id != user.user_id:
        if persona.status != APPROVED and not user.is_admin:
            raise _not_found()
        raise Forbidden("Only the persona's creator can do this.", code="not_creator")
    return persona


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None


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
            persona.publish_version(user.user_id, version, changelog, _refs(files))
        if submit:
            persona.submit(user.user_id, user.email_verified)
        await asyncio.to_thread(_place, cat.blobs, files)  # file moves: off the event loop
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
        persona = await _load_owned(uow, persona_id, user)
        assert persona.metadata is not None
        persona.edit(user.user_id, merge_patch(persona.metadata, patch, cat.currencies))
        if patch.status == "pending":
            persona.submit(user.user_id, user.email_verified)
        await uow.save(persona)

    await cat.run(fn)


async def submit_persona(cat: Catalog, user: Principal, persona_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        persona = await _load_owned(uow, persona_id, user)
        persona.submit(user.user_id, user.email_verified)
        await uow.save(persona)

    await cat.run(fn)


async def check_owner(cat: Catalog, user: Principal, persona_id: str) -> None:
    """Refuse a stranger before their upload is read (the command checks again)."""

    async def fn(uow: UnitOfWork) -> None:
        await _load_owned(uow, persona_id, user)

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
        persona = await _load_owned(uow, persona_id, user)
        persona.publish_version(user.user_id, version, changelog, _refs(files))
        await asyncio.to_thread(_place, cat.blobs, files)  # file moves: off the event loop
        await uow.save(persona)
        latest = persona.latest
        assert latest is not None
        return latest.version

    return await cat.run(fn)


async def delete_persona(cat: Catalog, user: Principal, persona_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        persona = await _load_owned(uow, persona_id, user)
        persona.delete(user.user_id)
        await uow.save(persona)

    await cat.run(fn)


# ---------------------------------------------------------------- moderation


async def moderate(cat: Catalog, persona_id: str, action: str, reason: str = "") -> None:
    async def fn(uow: UnitOfWork) -> None:
        if _uuid(persona_id) is None:
            raise _not_found()
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

    await cat.run(fn)


# ---------------------------------------------------------------- buyers


async def acquire_free(cat: Catalog, user: Principal, persona_id: str) -> str:
    """Give a user a free persona; idempotent. Returns the source of their access."""

    async def fn(uow: UnitOfWork) -> str:
        persona = await _load_visible_persona(uow, persona_id, user)
        if persona.creator_id == user.user_id:
            return "creator"
        ent = await uow.load(Entitlement, entitlement_id(persona_id, user.user_id))
        if ent.active:
            return next(iter(ent.grants.values()))
        if persona.status != APPROVED:
            raise _not_found()
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
        if _uuid(persona_id) is None:
            raise _not_found()
        persona = await uow.load(Persona, persona_id)
        if not persona.exists:
            raise _not_found()
        privileged = user.user_id == persona.creator_id or user.is_admin
        ent = await uow.load(Entitlement, entitlement_id(persona_id, user.user_id))
        if not privileged:
            # Buyers keep a deleted persona; nobody else sees it. A suspended one is taken down.
            visible = (persona.status == APPROVED and not persona.deleted) or (
                persona.deleted and persona.status == APPROVED and ent.active
            )
            if not visible:
                raise _not_found()
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
            _uuid(persona_id),
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


async def _entitled(uow: UnitOfWork, persona_id: str, user_id: str) -> bool:
    ent = await uow.load(Entitlement, entitlement_id(persona_id, user_id))
    return ent.active


# ---------------------------------------------------------------- reviews


async def post_review(
    cat: Catalog, user: Principal, persona_id: str, rating: int, body: str
) -> tuple[str, bool]:
    """Post the user's review of a persona, or edit it if they reviewed it before."""

    async def fn(uow: UnitOfWork) -> tuple[str, bool]:
        persona = await _load_visible_persona(uow, persona_id, user)
        if persona.status != APPROVED:
            raise Problem(
                "Only personas on the market can be reviewed.", status=409, code="not_listed"
            )
        if persona.creator_id == user.user_id:
            raise Forbidden("You cannot review your own persona.", code="own_persona")
        verified = await _entitled(uow, persona_id, user.user_id)
        review = await uow.load(Review, review_id_for(persona_id, user.user_id))
        created = review.post(persona_id, user.user_id, persona.creator_id, rating, body, verified)
        await uow.save(review)
        return review.id, created

    return await cat.run(fn)


async def _load_review(uow: UnitOfWork, review_id: str) -> Review:
    if _uuid(review_id) is None:
        raise NotFound("No such review.", code="review_not_found")
    review = await uow.load(Review, review_id)
    if not review.active:
        raise NotFound("No such review.", code="review_not_found")
    return review


async def edit_review(
    cat: Catalog, user: Principal, review_id: str, rating: int, body: str
) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await _load_review(uow, review_id)
        verified = await _entitled(uow, review.persona_id, review.author_id)
        review.edit(user.user_id, rating, body, verified)
        await uow.save(review)

    await cat.run(fn)


async def delete_review(cat: Catalog, user: Principal, review_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await _load_review(uow, review_id)
        review.delete(user.user_id, moderator=user.is_admin and user.user_id != review.author_id)
        await uow.save(review)

    await cat.run(fn)


async def vote_helpful(cat: Catalog, user: Principal, review_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await _load_review(uow, review_id)
        review.vote_helpful(user.user_id)
        await uow.save(review)

    await cat.run(fn)


async def respond_to_review(cat: Catalog, user: Principal, review_id: str, body: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await _load_review(uow, review_id)
        review.respond(user.user_id, body)
        await uow.save(review)

    await cat.run(fn)


# ---------------------------------------------------------------- reports


async def report(
    cat: Catalog,
    user: Principal,
    target_type: str,
    target_id: str,
    reason: str,
    details: str | None,
) -> tuple[str, bool]:
    """Open a report; the same reporter's open report on the same target is returned instead."""

    async def fn(uow: UnitOfWork) -> tuple[str, bool]:
        if target_type == "persona":
            persona = await _load_visible_persona(uow, target_id, user)
            persona_id = persona.id
        else:
            review = await _load_review(uow, target_id)
            persona_id = review.persona_id
        existing = await uow.conn.fetchval(
            "SELECT id FROM reports WHERE target_id = $1 AND reporter_id = $2 AND status = 'open'",
            _uuid(target_id),
            user.user_id,
        )
        if existing is not None:
            return str(existing), False
        rep = await uow.load(Report, str(uuid.uuid4()))
        rep.open(target_type, target_id, user.user_id, reason, details, persona_id)
        await uow.save(rep)
        return rep.id, True

    return await cat.run(fn)


async def resolve_report(
    cat: Catalog, admin: Principal, report_id: str, action: str, note: str | None
) -> None:
    """Resolve a report; taking the target down resolves every open report on it too."""

    async def fn(uow: UnitOfWork) -> None:
        if _uuid(report_id) is None:
            raise NotFound("No such report.", code="report_not_found")
        rep = await uow.load(Report, report_id)
        rep.resolve(admin.user_id, action, note)
        await uow.save(rep)
        if action != "take_down":
            return
        if rep.target_type == "persona":
            persona = await uow.load(Persona, rep.target_id)
            if persona.exists and not persona.deleted and persona.status == APPROVED:
                persona.suspend(note or "Taken down after a report.")
                await uow.save(persona)
        else:
            review = await uow.load(Review, rep.target_id)
            if review.active:
                review.delete(admin.user_id, moderator=True)
                await uow.save(review)
        others = await uow.conn.fetch(
            "SELECT id FROM reports WHERE target_id = $1 AND status = 'open' AND id <> $2",
            _uuid(rep.target_id),
            _uuid(report_id),
        )
        for row in others:
            other = await uow.load(Report, str(row["id"]))
            other.resolve(admin.user_id, action, note)
            await uow.save(other)

    await cat.run(fn)


# ---------------------------------------------------------------- collections


async def save_collection(
    cat: Catalog,
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
        parsed = [_uuid(i) for i in ids]
        if any(p is None for p in parsed):
            raise field_error("persona_ids", "Every persona id must be a UUID.")
        unique = list(dict.fromkeys(str(p) for p in parsed))
        known = await uow.conn.fetchval(
            "SELECT count(*) FROM personas WHERE id = ANY($1::uuid[])", unique
        )
        if known != len(unique):
            raise field_error("persona_ids", "Some personas do not exist.")
        coll.save(
            slug,
            title if title is not None else (current["title"] if current else ""),
            description if description is not None else (current["description"] if current else ""),
            unique,
            create=create,
        )
        await uow.save(coll)

    await cat.run(fn)

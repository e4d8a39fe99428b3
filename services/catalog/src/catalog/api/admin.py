"""Moderation: the pending queue, approve / reject / suspend, reports, curated collections."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Path
from shared.auth import AdminUser, Principal

from catalog import queries
from catalog.api.deps import CatalogDep, Limit, Pool, SettingsDep
from catalog.bundles import file_view
from catalog.commands import Catalog
from catalog.domain.errors import persona_not_found
from catalog.schemas import (
    CollectionIn,
    CollectionOut,
    CollectionPatch,
    PersonaOut,
    PersonaPage,
    ReasonIn,
    ReportPage,
    ResolveIn,
)
from catalog.schemas.moderation import (
    ReviewFilesOut,
    TrustIn,
    TrustOut,
    VersionReviewOut,
    VersionReviewPage,
)

router = APIRouter(tags=["admin"])
CreatorId = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("/api/admin/moderation", response_model=PersonaPage)
async def moderation_queue(
    admin: AdminUser, pool: Pool, limit: Limit = 20, cursor: str | None = None
) -> dict[str, Any]:
    """Personas waiting for review, oldest submission first."""
    return await queries.moderation_queue(pool, admin, limit, cursor)


async def _persona(pool: Pool, persona_id: str, admin: AdminUser) -> dict[str, Any]:
    row = await queries.persona_row(pool, persona_id, admin)
    if row is None:
        raise persona_not_found()
    return queries.persona_json(row, owner_view=True)


async def _moderate(
    cat: Catalog, pool: asyncpg.Pool, admin: Principal, persona_id: str, action: str, reason: str
) -> dict[str, Any]:
    await cat.moderate(persona_id, action, reason.strip())
    return await _persona(pool, persona_id, admin)


@router.post("/api/admin/personas/{persona_id}/approve", response_model=PersonaOut)
async def approve(persona_id: str, admin: AdminUser, cat: CatalogDep, pool: Pool) -> dict[str, Any]:
    return await _moderate(cat, pool, admin, persona_id, "approve", "")


@router.post("/api/admin/personas/{persona_id}/reject", response_model=PersonaOut)
async def reject(
    persona_id: str, body: ReasonIn, admin: AdminUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    return await _moderate(cat, pool, admin, persona_id, "reject", body.reason)


@router.post("/api/admin/personas/{persona_id}/suspend", response_model=PersonaOut)
async def suspend(
    persona_id: str, body: ReasonIn, admin: AdminUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    return await _moderate(cat, pool, admin, persona_id, "suspend", body.reason)


@router.get("/api/admin/moderation/versions", response_model=VersionReviewPage)
async def version_queue(
    admin: AdminUser, pool: Pool, limit: Limit = 20, cursor: str | None = None
) -> dict[str, Any]:
    """New versions of approved personas waiting for review, longest waiting first."""
    return await queries.version_queue(pool, limit, cursor)


async def _moderate_version(
    cat: Catalog, pool: asyncpg.Pool, persona_id: str, version: str, action: str, reason: str
) -> dict[str, Any]:
    waiting = await queries.version_in_review(pool, persona_id)
    await cat.moderate_version(persona_id, version, action, reason.strip())
    if waiting is None:  # the command refused it already; never reached
        raise persona_not_found()
    return waiting


@router.post(
    "/api/admin/personas/{persona_id}/versions/{version}/approve", response_model=VersionReviewOut
)
async def approve_version(
    persona_id: str, version: str, admin: AdminUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """Publish a version waiting for review: it becomes the latest, and its holders hear of it."""
    return await _moderate_version(cat, pool, persona_id, version, "approve", "")


@router.post(
    "/api/admin/personas/{persona_id}/versions/{version}/reject", response_model=VersionReviewOut
)
async def reject_version(
    persona_id: str, version: str, body: ReasonIn, admin: AdminUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """Turn a version down; the live version stays as it is."""
    return await _moderate_version(cat, pool, persona_id, version, "reject", body.reason)


@router.get("/api/admin/personas/{persona_id}/files", response_model=ReviewFilesOut)
async def review_files(
    persona_id: str,
    admin: AdminUser,
    pool: Pool,
    cat: CatalogDep,
    settings: SettingsDep,
    version: str | None = None,
) -> dict[str, Any]:
    """Every file of a version as text for the moderator (each cut at the preview length;
    images listed). Without `version`: the version waiting for review, else the latest."""
    found = await queries.review_files(pool, persona_id, version)
    if found is None:
        raise persona_not_found()
    number, files = found
    return {
        "version": number,
        "files": await asyncio.to_thread(
            lambda: [file_view(f, cat.blobs, settings.preview_chars) for f in files]
        ),
    }


@router.put("/api/admin/creators/{creator_id}/trust", response_model=TrustOut)
async def set_trust(
    creator_id: CreatorId, body: TrustIn, admin: AdminUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """Trusted creators' new versions go live without review (README, "Lifecycle")."""
    await cat.set_trusted(creator_id, body.trusted)
    return {"creator_id": creator_id, "trusted": await queries.is_trusted(pool, creator_id)}


@router.get("/api/admin/creators/{creator_id}/trust", response_model=TrustOut)
async def get_trust(creator_id: CreatorId, admin: AdminUser, pool: Pool) -> dict[str, Any]:
    return {"creator_id": creator_id, "trusted": await queries.is_trusted(pool, creator_id)}


@router.get("/api/admin/reports", response_model=ReportPage)
async def list_reports(
    admin: AdminUser,
    pool: Pool,
    status: Literal["open", "resolved"] = "open",
    limit: Limit = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    return await queries.reports(pool, status, limit, cursor)


@router.post("/api/admin/reports/{report_id}/resolve")
async def resolve_report(
    report_id: str, body: ResolveIn, admin: AdminUser, cat: CatalogDep
) -> dict[str, Any]:
    """`dismiss` closes the report; `take_down` suspends the persona or removes the review and
    closes every open report on it."""
    await cat.resolve_report(admin, report_id, body.action, body.note)
    return {"id": report_id, "status": "resolved", "action": body.action}


@router.post("/api/admin/collections", status_code=201, response_model=CollectionOut)
async def create_collection(
    body: CollectionIn, admin: AdminUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    await cat.save_collection(
        body.slug, body.title, body.description, body.persona_ids, create=True
    )
    found = await queries.collection(pool, body.slug, admin)
    assert found is not None
    return found


@router.patch("/api/admin/collections/{slug}", response_model=CollectionOut)
async def edit_collection(
    slug: str, body: CollectionPatch, admin: AdminUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    await cat.save_collection(slug, body.title, body.description, body.persona_ids, create=False)
    found = await queries.collection(pool, slug, admin)
    assert found is not None
    return found

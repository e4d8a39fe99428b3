"""Moderation: the pending queue, approve / reject / suspend, reports, curated collections."""

from __future__ import annotations

from typing import Any, Literal

import asyncpg
from fastapi import APIRouter
from shared.auth import AdminUser, Principal

from catalog import queries
from catalog.api.deps import CatalogDep, Limit, Pool
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

router = APIRouter(tags=["admin"])


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

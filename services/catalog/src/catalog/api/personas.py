"""Persona routes: the market, a persona's page, creating and editing, files, downloads."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from shared.auth import CurrentUser, OptionalUser, Principal
from shared.responses import json_response

from catalog import queries
from catalog.api.deps import (
    CREATOR_ONLY,
    MULTIPART_DOC,
    CatalogDep,
    Limit,
    Pool,
    SettingsDep,
    VisiblePersonaId,
    file_report,
)
from catalog.bundles import archive_name, preview, zip_stream
from catalog.domain.errors import Missing, persona_not_found
from catalog.schemas import (
    AcquireOut,
    CategoryPage,
    CollectionOut,
    CollectionPage,
    PersonaOut,
    PersonaPage,
    PersonaPatch,
    PreviewOut,
    ReportIn,
    TagPage,
    VersionOut,
    VersionPage,
    form_to_fields,
    parse_fields,
    wants_submit,
)
from catalog.uploads import UploadedForm, read_upload

router = APIRouter(tags=["personas"])

SortName = Literal["downloads", "rating", "newest", "price", "price_desc", "trending", "relevance"]


@router.get("/api/personas", response_model=PersonaPage)
async def list_personas(
    pool: Pool,
    viewer: OptionalUser,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[list[str] | None, Query()] = None,
    tag: Annotated[list[str] | None, Query()] = None,
    min_rating: Annotated[float | None, Query(ge=0, le=5)] = None,
    min_downloads: Annotated[int | None, Query(ge=0)] = None,
    max_downloads: Annotated[int | None, Query(ge=0)] = None,
    created_after: date | None = None,
    created_before: date | None = None,
    price: Literal["free", "paid"] | None = None,
    creator: Annotated[str | None, Query(max_length=100)] = None,
    sort: SortName | None = None,
    limit: Limit = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    """The market: approved personas only. `category` and `tag` repeat (any category, all
    tags); dates are inclusive days (UTC). Without `sort`, a query sorts by relevance and no
    query by downloads; `trending` by the scores analytics publishes."""
    cats = [c.strip().lower() for c in category or [] if c.strip()]
    tags = [t.strip().lower() for item in tag or [] for t in item.split(",") if t.strip()]
    params = queries.SearchParams(
        q=q,
        categories=cats,
        tags=tags,
        min_rating=min_rating,
        min_downloads=min_downloads,
        max_downloads=max_downloads,
        created_after=created_after,
        created_before=created_before,
        price=price,
        creator=creator,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )
    return await queries.search(pool, params, viewer)


async def _detail(pool: Any, persona_id: str, viewer: Principal | None) -> dict[str, Any]:
    found = await queries.persona_detail(pool, persona_id, viewer)  # one query, one round trip
    if found is None:
        raise persona_not_found()
    row, versions = found
    owner = viewer is not None and (viewer.user_id == row["creator_id"] or viewer.is_admin)
    out = queries.persona_json(row, owner_view=owner)
    out["versions"] = versions
    # Only its creator and admins learn that a new version waits for review.
    out["version_in_review"] = row["version_in_review"] if owner else None
    return out


@router.get("/api/personas/{persona_id}", response_model=PersonaOut)
async def get_persona(persona_id: str, pool: Pool, viewer: OptionalUser) -> Response:
    """A persona with its versions. Drafts, pending, rejected and suspended personas exist only
    for their creator (and admins): anyone else gets 404."""
    # The market's hottest read: written without re-validating what persona_json built.
    return json_response(await _detail(pool, persona_id, viewer))


async def _read_form(request: Request, cat: CatalogDep, settings: SettingsDep) -> UploadedForm:
    return await read_upload(request, cat.blobs, settings.upload_limits)


@router.post(
    "/api/personas", status_code=201, response_model=PersonaOut, openapi_extra=MULTIPART_DOC
)
async def create_persona(
    request: Request, user: CurrentUser, cat: CatalogDep, settings: SettingsDep, pool: Pool
) -> dict[str, Any]:
    """multipart/form-data: name, short_description, description, category, tags (repeat or
    comma-separated), price_cents, currency, usage_terms (JSON) or usage_personal /
    usage_commercial / usage_derivatives, optional version (default 1.0.0) and changelog, and
    `files` parts. `submit=true` (or `status=pending`) submits for review; else a draft."""
    form = await _read_form(request, cat, settings)
    try:
        fields = parse_fields(form_to_fields(form))
        persona_id = await cat.create_persona(
            user,
            fields,
            form.files,
            (form.get("version") or "1.0.0").strip(),
            (form.get("changelog") or "").strip()[:5000] or "Initial version",
            wants_submit(form),
        )
    finally:
        await asyncio.to_thread(form.discard)  # whatever was not moved into the blob store
    return await _detail(pool, persona_id, user)


@router.patch("/api/personas/{persona_id}", response_model=PersonaOut)
async def edit_persona(
    persona_id: str, patch: PersonaPatch, user: CurrentUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    await cat.edit_persona(user, persona_id, patch)
    return await _detail(pool, persona_id, user)


@router.post("/api/personas/{persona_id}/submit", response_model=PersonaOut)
async def submit_persona(
    persona_id: str, user: CurrentUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """Send a draft, rejected or suspended persona to the moderation queue (verified e-mail
    and at least one version needed)."""
    await cat.submit_persona(user, persona_id)
    return await _detail(pool, persona_id, user)


@router.delete("/api/personas/{persona_id}", status_code=204)
async def delete_persona(persona_id: str, user: CurrentUser, cat: CatalogDep) -> None:
    """Hide the persona from the market for good; people who hold it keep their access."""
    await cat.delete_persona(user, persona_id)


@router.post(
    "/api/personas/{persona_id}/versions",
    status_code=201,
    response_model=VersionOut,
    openapi_extra=MULTIPART_DOC,
    dependencies=[CREATOR_ONLY],
)
async def publish_version(
    persona_id: str,
    request: Request,
    user: CurrentUser,
    cat: CatalogDep,
    settings: SettingsDep,
    pool: Pool,
) -> dict[str, Any]:
    """multipart/form-data: `version` (semver, greater than the latest), `changelog`, `files`.
    On an approved persona the version waits for review (`status: in_review`) unless the
    creator is trusted; the version before it stays live meanwhile."""
    form = await _read_form(request, cat, settings)
    try:
        version, live = await cat.publish_version(
            user,
            persona_id,
            (form.get("version") or "").strip(),
            (form.get("changelog") or "").strip()[:5000],
            form.files,
        )
    finally:
        await asyncio.to_thread(form.discard)
    if not live:
        waiting = await queries.version_in_review(pool, persona_id)
        assert waiting is not None
        return {
            "version": waiting["version"],
            "changelog": waiting["changelog"],
            "created_at": waiting["submitted_at"],
            "downloads": 0,
            "files": waiting["files"],
            "status": "in_review",
        }
    row = await queries.version_row(pool, persona_id, version)
    assert row is not None
    return queries.version_json(row)


@router.get("/api/personas/{persona_id}/versions", response_model=VersionPage)
async def list_versions(
    persona_id: VisiblePersonaId, pool: Pool, limit: Limit = 20, cursor: str | None = None
) -> dict[str, Any]:
    return await queries.versions_page(pool, persona_id, limit, cursor)


@router.get("/api/personas/{persona_id}/preview", response_model=PreviewOut)
async def preview_persona(
    persona_id: VisiblePersonaId, pool: Pool, cat: CatalogDep, settings: SettingsDep
) -> dict[str, Any]:
    """The text of the latest version's sample files (samples/ or examples/ folders, files
    named sample*, example*, preview* or README*), truncated; images are listed only."""
    row = await queries.version_row(pool, persona_id, None)
    if row is None:
        return {"version": None, "files": []}
    return {
        "version": row["version"],
        "files": await asyncio.to_thread(preview, row["files"], cat.blobs, settings.preview_chars),
    }


@router.post("/api/personas/{persona_id}/acquire", response_model=AcquireOut)
async def acquire(persona_id: str, user: CurrentUser, cat: CatalogDep) -> dict[str, Any]:
    """Add a free persona to the library (idempotent). Paid ones answer 402: buy them."""
    source = await cat.acquire_free(user, persona_id)
    return {"persona_id": persona_id, "entitled": True, "source": source}


@router.get(
    "/api/personas/{persona_id}/download",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
async def download(
    persona_id: str,
    user: CurrentUser,
    cat: CatalogDep,
    version: Annotated[str | None, Query(max_length=40)] = None,
) -> StreamingResponse:
    """A zip of the version (latest by default) for a user who holds the persona. A download
    counts once per user, version and UTC day; the creator's own downloads do not count."""
    plan = await cat.download(user, persona_id, version)
    name = archive_name(plan.name, plan.version)
    return StreamingResponse(
        zip_stream(plan, cat.blobs),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/api/personas/{persona_id}/report", status_code=201)
async def report_persona(
    persona_id: str, body: ReportIn, user: CurrentUser, cat: CatalogDep, response: Response
) -> dict[str, Any]:
    return await file_report(cat, user, ("persona", persona_id), body, response)


# ---------------------------------------------------------------- browsing aids


@router.get("/api/categories", response_model=CategoryPage)
async def list_categories(pool: Pool) -> dict[str, Any]:
    """Every category with its number of personas on the market."""
    return await queries.categories(pool)


@router.get("/api/tags", response_model=TagPage)
async def list_tags(
    pool: Pool,
    q: Annotated[str | None, Query(max_length=30)] = None,
    limit: Limit = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Tags on the market, most used first; `q` filters by prefix."""
    return await queries.tags(pool, q, limit, cursor)


@router.get("/api/collections", response_model=CollectionPage)
async def list_collections(
    pool: Pool, limit: Limit = 20, cursor: str | None = None
) -> dict[str, Any]:
    return await queries.collections(pool, limit, cursor)


@router.get("/api/collections/{slug}", response_model=CollectionOut)
async def get_collection(slug: str, pool: Pool, viewer: OptionalUser) -> dict[str, Any]:
    found = await queries.collection(pool, slug, viewer)
    if found is None:
        raise Missing("No such collection.", code="collection_not_found")
    return found

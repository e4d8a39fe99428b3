"""Shared route helpers. Every dependency is `async def`: a plain `def` one sends each request
through the thread pool and back for nothing."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Query, Request, Response
from shared.auth import CurrentUser, OptionalUser, Principal
from shared.http import get_pool
from shared.images import read_image_body

from catalog import queries
from catalog.commands import Catalog
from catalog.domain.errors import persona_not_found
from catalog.schemas import ReportIn
from catalog.settings import CatalogSettings


async def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def get_settings(request: Request) -> CatalogSettings:
    settings: CatalogSettings = request.app.state.settings
    return settings


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
SettingsDep = Annotated[CatalogSettings, Depends(get_settings)]
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


async def visible_persona(persona_id: str, pool: Pool, viewer: OptionalUser) -> str:
    """The path's persona id, once the viewer may see that persona (else 404)."""
    if await queries.persona_row(pool, persona_id, viewer) is None:
        raise persona_not_found()
    return persona_id


async def creator_only(persona_id: str, user: CurrentUser, cat: CatalogDep) -> None:
    """Refuse anyone but the persona's creator before their upload is read (the command checks
    again): a route dependency of the upload routes (`dependencies=[CREATOR_ONLY]`)."""
    await cat.check_owner(user, persona_id)


async def creators_image(
    persona_id: str, request: Request, user: CurrentUser, cat: CatalogDep, settings: SettingsDep
) -> bytes:
    """The body of an image upload (cover, gallery), read only once the caller is the persona's
    creator."""
    await creator_only(persona_id, user, cat)
    return await read_image_body(request, settings.max_image_bytes)


VisiblePersonaId = Annotated[str, Depends(visible_persona)]
CREATOR_ONLY = Depends(creator_only)
CreatorsImage = Annotated[bytes, Depends(creators_image)]


MULTIPART_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            }
        },
    }
}

Limit = Annotated[int, Query(ge=1, le=100)]


async def file_report(
    cat: Catalog,
    user: Principal,
    target: tuple[str, str],
    body: ReportIn,
    response: Response,
) -> dict[str, Any]:
    """Report a persona or a review (`target` = its type and id): 201 for a new report, 200
    when the user's report on it is still open."""
    report_id, created = await cat.report(user, *target, body.reason, body.details)
    if not created:
        response.status_code = 200
    return {"id": report_id, "status": "open"}

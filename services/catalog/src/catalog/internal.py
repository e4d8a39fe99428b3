"""Service-to-service reads of persona files (generation builds system prompts from them).

Mounted under `/internal/...`, which the gateway never routes: only other services reach it, and
only with the shared service credential (`SERVICE_TOKEN`; the development default is refused in
production). Kept apart from the public API so the public routes stay what DESIGN §5 lists.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse
from pydantic_settings import BaseSettings, SettingsConfigDict
from shared.problems import NotFound, Unauthorized

from catalog import queries
from catalog.api.deps import CatalogDep, Pool
from catalog.domain.errors import persona_not_found

DEV_SERVICE_TOKEN = "dev-service-token-change-me"


class ServiceCredential(BaseSettings):
    """The one credential services present to each other (unprefixed, shared by every process)."""

    model_config = SettingsConfigDict(extra="ignore")

    service_token: str = DEV_SERVICE_TOKEN


def _expected(request: Request) -> str:
    # Tests and the composition root may put a credential on the app; else the environment.
    token: str | None = getattr(request.app.state, "service_token", None)
    token = token or ServiceCredential().service_token
    if token == DEV_SERVICE_TOKEN and request.app.state.settings.is_production:
        # Production never accepts the well-known development credential.
        raise Unauthorized("Service reads are not configured.", code="service_unauthorized")
    return token


async def require_service(
    request: Request, x_service_token: Annotated[str | None, Header()] = None
) -> None:
    if not x_service_token or not hmac.compare_digest(
        x_service_token.encode(), _expected(request).encode()
    ):
        raise Unauthorized("A service credential is required.", code="service_unauthorized")


router = APIRouter(
    prefix="/internal", include_in_schema=False, dependencies=[Depends(require_service)]
)


def readable(f: dict[str, Any]) -> dict[str, Any]:
    """A file as the internal routes hand it out: a document (.docx, .pdf, .odt) as its
    extracted text (text/plain, named by the text's sha256); every other file as it is."""
    out = {k: f[k] for k in ("path", "sha256", "size", "content_type")}
    if f.get("text_sha256"):
        out.update(
            sha256=f["text_sha256"],
            size=f.get("text_size") or 0,
            content_type="text/plain",
            source={"sha256": f["sha256"], "size": f["size"], "content_type": f["content_type"]},
        )
    return out


@router.get("/personas/{persona_id}/versions/{version}")
async def version_files(persona_id: str, version: str, pool: Pool) -> dict[str, Any]:
    """A version's file list (`latest` = the newest): path, sha256, size, content type; a
    document is listed as its extracted text (`source` = the original file)."""
    row = await queries.version_row(pool, persona_id, None if version == "latest" else version)
    if row is None:
        raise persona_not_found()
    return {
        "persona_id": persona_id,
        "version": row["version"],
        "files": [readable(f) for f in row["files"]],
    }


@router.get("/personas/{persona_id}/versions/{version}/files/{sha256}")
async def file_bytes(
    persona_id: str, version: str, sha256: str, pool: Pool, cat: CatalogDep
) -> StreamingResponse:
    """One file's bytes, only if it belongs to that version (never an arbitrary blob): a
    document's extracted text by the sha256 the list gives, or the original by its own."""
    row = await queries.version_row(pool, persona_id, version)
    found = None
    for f in row["files"] if row is not None else []:
        if f.get("text_sha256") == sha256:
            found = "text/plain; charset=utf-8"
        elif f["sha256"] == sha256:
            found = "application/octet-stream"
        if found:
            break
    if found is None:
        raise NotFound("No such file in this version.", code="file_not_found")
    return StreamingResponse(cat.blobs.iter_bytes(sha256), media_type=found)

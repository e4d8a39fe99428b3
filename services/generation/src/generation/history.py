"""Routes of the history: search, one generation, rerun, favourite, delete, export."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from shared.auth import CurrentUser
from shared.pagination import Page

from generation import queries
from generation.api import parse_id, stream_response
from generation.deps import GeneratorDep, Limit, Pool, running_tasks
from generation.errors import GenerationUnknown
from generation.generating import Request as GenRequest
from generation.queries import Filters
from generation.schemas import FavouriteIn, RerunIn

router = APIRouter()


def filters(
    q: Annotated[str | None, Query(max_length=200)] = None,
    persona_id: Annotated[str | None, Query(max_length=64)] = None,
    template_id: Annotated[str | None, Query(max_length=64)] = None,
    since: date | None = None,
    until: date | None = None,
    favourite: bool | None = None,
    status: Literal["running", "completed", "cancelled", "failed"] | None = None,
) -> Filters:
    return Filters(q, persona_id, template_id, since, until, favourite, status)


FiltersDep = Annotated[Filters, Depends(filters)]


@router.get("/api/generations")
async def history(
    pool: Pool,
    user: CurrentUser,
    f: FiltersDep,
    limit: Limit,
    cursor: str | None = None,
) -> Page[dict[str, Any]]:
    """Your generations, newest first; `q` searches the text, persona and template names."""
    return await queries.search(pool, user.user_id, f, limit, cursor)


EXPORT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


@router.get(
    "/api/generations/export",
    responses={
        200: {
            "content": {media: {} for media in EXPORT_TYPES.values()},
            "description": "the filtered history as a JSON array, CSV or Markdown, streamed",
        }
    },
)
async def export(
    pool: Pool, user: CurrentUser, f: FiltersDep, format: Literal["json", "csv", "md"] = "json"
) -> StreamingResponse:
    return StreamingResponse(
        queries.export(pool, user.user_id, f, format),
        media_type=EXPORT_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="generations.{format}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/api/generations/{generation_id}")
async def detail(generation_id: str, pool: Pool, user: CurrentUser) -> dict[str, Any]:
    found = await queries.one(pool, user.user_id, parse_id(generation_id))
    if found is None:
        raise GenerationUnknown("No such generation.")
    return found


# What a rerun takes from the generation as it was (the parameters may change).
RERUN_KEEPS = (
    "persona_id",
    "persona_version",
    "template_id",
    "template_version",
    "provider",
    "model",
    "max_tokens",
)


@router.post(
    "/api/generations/{generation_id}/rerun",
    responses={200: {"content": {"text/event-stream": {}}, "description": "start, token…, done"}},
)
async def rerun(
    generation_id: str,
    body: RerunIn,
    request: Request,
    pool: Pool,
    user: CurrentUser,
    gen: GeneratorDep,
) -> StreamingResponse:
    """The same persona version, template version, provider and model, with the parameters
    changed as given (the rest kept); streams like `POST /api/generations`."""
    row = await pool.fetchrow(
        "SELECT * FROM generations WHERE id = $1 AND user_id = $2 AND NOT deleted",
        parse_id(generation_id),
        user.user_id,
    )
    if row is None:
        raise GenerationUnknown("No such generation.")
    kept = {k: row[k] for k in RERUN_KEEPS}
    prep = await gen.prepare(
        GenRequest(
            user_id=user.user_id,
            params={**row["params"], **(body.params or {})},
            temperature=row["temperature"] if body.temperature is None else body.temperature,
            seed=row["seed"] if body.seed is None else body.seed,
            rerun_of=row["id"],
            **kept,
        )
    )
    return stream_response(gen, prep, running_tasks(request))


@router.put("/api/generations/{generation_id}/favourite")
async def favourite(
    generation_id: str, body: FavouriteIn, pool: Pool, user: CurrentUser
) -> dict[str, Any]:
    done = await pool.fetchval(
        "UPDATE generations SET favourite = $3 WHERE id = $1 AND user_id = $2 AND NOT deleted"
        " RETURNING id",
        parse_id(generation_id),
        user.user_id,
        body.favourite,
    )
    if done is None:
        raise GenerationUnknown("No such generation.")
    return {"id": generation_id, "favourite": body.favourite}


@router.delete("/api/generations/{generation_id}", status_code=204)
async def delete(generation_id: str, pool: Pool, user: CurrentUser) -> Response:
    """Deletes the text for good (a running one is stopped first). Usage counts stay: the daily
    budget is kept in the row's tokens, so a deleted row's tokens still count today."""
    gid = parse_id(generation_id)
    done = await pool.fetchval(
        "UPDATE generations SET cancel_requested = true, output = '', prompt = '',"
        " system_prompt = '', params = '{}'::jsonb, deleted = true"
        " WHERE id = $1 AND user_id = $2 AND NOT deleted RETURNING id",
        gid,
        user.user_id,
    )
    if done is None:
        raise GenerationUnknown("No such generation.")
    return Response(status_code=204)

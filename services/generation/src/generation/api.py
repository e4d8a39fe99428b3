"""Routes: providers, templates, generating (server-sent events), cancelling, try-out settings."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from shared.auth import CurrentUser
from shared.events import now
from shared.pagination import Page

from generation import templates
from generation.deps import SSE_HEADERS, GeneratorDep, Limit, Pool, SettingsDep, running_tasks, sse
from generation.errors import GenerationUnknown, NoAccess, PersonaUnknown
from generation.generating import Generator, Prepared, utc_day
from generation.generating import Request as GenRequest
from generation.personas import access
from generation.schemas import GenerateIn, TemplateIn, TryoutsIn

router = APIRouter()


@router.get("/api/providers")
async def providers(request: Request, user: CurrentUser) -> dict[str, Any]:
    """The models users may choose among (configured by the operator)."""
    return {"items": request.app.state.registry.public(), "next_cursor": None}


@router.get("/api/templates")
async def list_templates(
    pool: Pool, user: CurrentUser, limit: Limit, cursor: str | None = None
) -> Page[dict[str, Any]]:
    return await templates.listing(pool, user.user_id, limit, cursor)


@router.post("/api/templates", status_code=201)
async def create_template(
    body: TemplateIn, pool: Pool, user: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    return await templates.create(
        pool, user.user_id, body.model_dump(), settings.template_max_chars
    )


@router.get("/api/templates/{template_id}")
async def get_template(template_id: str, pool: Pool, user: CurrentUser) -> dict[str, Any]:
    return await templates.get(pool, template_id, user.user_id)


@router.put("/api/templates/{template_id}")
async def update_template(
    template_id: str, body: TemplateIn, pool: Pool, user: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    return await templates.update(
        pool, user.user_id, template_id, body.model_dump(), settings.template_max_chars
    )


@router.delete("/api/templates/{template_id}", status_code=204)
async def delete_template(template_id: str, pool: Pool, user: CurrentUser) -> Response:
    await templates.delete(pool, user.user_id, template_id)
    return Response(status_code=204)


def stream_response(
    gen: Generator, prep: Prepared, tasks: set[asyncio.Task[Any]]
) -> StreamingResponse:
    """Run the generation in its own task; the response relays its tokens. A client that goes
    away (the browser's Stop) ends the generation: the upstream stream is closed, the text so
    far kept and the generation marked cancelled."""
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()
    stop = asyncio.Event()

    async def emit(event: str, data: dict[str, Any]) -> None:
        queue.put_nowait((event, data))

    async def run() -> None:
        try:
            result = await gen.run(prep, emit, stop)
            if result["error"]:
                queue.put_nowait(
                    ("error", {"code": result["error_code"], "message": result["error"]})
                )
            queue.put_nowait(("done", result))
        finally:
            queue.put_nowait(None)

    task = asyncio.create_task(run())
    tasks.add(task)
    task.add_done_callback(tasks.discard)

    async def events() -> AsyncIterator[bytes]:
        try:
            yield sse(
                "start",
                {
                    "id": str(prep.id),
                    "provider": prep.provider.name,
                    "model": prep.model,
                    "persona_version": prep.persona_version,
                    "template_version": prep.template["version"],
                    "tryout": prep.tryout,
                },
            )
            while (item := await queue.get()) is not None:
                yield sse(*item)
        finally:
            stop.set()

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post(
    "/api/generations",
    responses={200: {"content": {"text/event-stream": {}}, "description": "start, token…, done"}},
)
async def generate(
    body: GenerateIn, request: Request, user: CurrentUser, gen: GeneratorDep
) -> StreamingResponse:
    """Streams `start`, then `token` events (`{text}`), then `done` (`{status, tokens...}`);
    a provider failure adds an `error` event (`{code, message}`) before `done`."""
    # Every field of the body is a field of the request, under the same name.
    prep = await gen.prepare(GenRequest(user_id=user.user_id, **body.model_dump()))
    return stream_response(gen, prep, running_tasks(request))


@router.post("/api/generations/prompt")
async def prompt(body: GenerateIn, user: CurrentUser, gen: GeneratorDep) -> dict[str, Any]:
    """The rendered system prompt and prompt (as chat messages), without generating: the page
    sends them from the browser to the user's own model ("Use the model on my own computer").
    Only for the persona's owner or an entitled user, who may download its files anyway."""
    return await gen.prompt_only(
        GenRequest(
            user_id=user.user_id,
            persona_id=body.persona_id,
            template_id=body.template_id,
            params=body.params,
        )
    )


def parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise GenerationUnknown("No such generation.") from None


@router.post("/api/generations/{generation_id}/cancel", status_code=202)
async def cancel(generation_id: str, pool: Pool, user: CurrentUser) -> dict[str, Any]:
    """Asks the process streaming it to stop (it checks twice a second); the text so far stays."""
    row = await pool.fetchrow(
        "UPDATE generations SET cancel_requested = true WHERE id = $1 AND user_id = $2"
        " RETURNING status",
        parse_id(generation_id),
        user.user_id,
    )
    if row is None:
        raise GenerationUnknown("No such generation.")
    return {"id": generation_id, "status": row["status"], "cancel_requested": True}


@router.put("/api/generations/tryouts/{persona_id}")
async def set_tryouts(
    persona_id: str, body: TryoutsIn, pool: Pool, user: CurrentUser
) -> dict[str, Any]:
    """The persona's creator lets signed-in non-owners try it a few times a day (output only)."""
    creator = await pool.fetchval(
        "SELECT creator_id FROM personas WHERE persona_id = $1", persona_id
    )
    if creator is None:
        raise PersonaUnknown("No such persona.")
    if creator != user.user_id:
        raise NoAccess("Only the persona's creator can change its try-outs.")
    await pool.execute(
        "UPDATE personas SET tryouts = $2 WHERE persona_id = $1", persona_id, body.allowed
    )
    return {"persona_id": persona_id, "tryouts": body.allowed}


@router.get("/api/generations/tryouts/{persona_id}")
async def get_tryouts(
    persona_id: str, pool: Pool, user: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    """Whether try-outs are on, how many a day, and for the caller: whether they may generate
    with it fully (owner or entitled) and how many try-outs they have left today (UTC)."""
    row = await pool.fetchrow(
        "SELECT tryouts, deleted FROM personas WHERE persona_id = $1", persona_id
    )
    if row is None:
        raise PersonaUnknown("No such persona.")
    full, _ = await access(pool, persona_id, user.user_id)
    used = await pool.fetchval(
        "SELECT count(*) FROM generations WHERE user_id = $1 AND persona_id = $2 AND tryout"
        " AND created_at >= $3",
        user.user_id,
        persona_id,
        utc_day(now()),
    )
    return {
        "persona_id": persona_id,
        "tryouts": row["tryouts"] and not row["deleted"],
        "per_day": settings.tryouts_per_day,
        "full_access": full is not None,
        "used_today": used,
        "remaining_today": max(0, settings.tryouts_per_day - used),
    }

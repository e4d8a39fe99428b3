"""Generating: check access and limits, render, stream from the provider, record the outcome.

Used the same way by the API (tokens go to the browser as server-sent events) and by workers
(batch items, schedules). A generation row is written before the model is called, so a crash
leaves a visible `running` row rather than nothing; the outcome (output so far, tokens, timings,
status, error in plain words) is written once at the end, with `GenerationCompleted` in the same
transaction when it completed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from shared.contracts.generation import GenerationCompleted
from shared.events import now
from shared.eventstore import EventStore
from shared.metrics import observe_generation

from generation import templates
from generation.errors import LimitReached, NoAccess, PersonaUnknown
from generation.personas import Access, CatalogFiles, access, require_full_access
from generation.providers import (
    Delta,
    Provider,
    ProviderRegistry,
    Usage,
    provider_error,
    stream_chat,
)
from generation.rendering import Prompt, render, validate_params
from generation.settings import GenerationSettings

Emit = Callable[[str, dict[str, Any]], Awaitable[None]]
CANCEL_POLL_S = 0.5


@dataclass
class Request:
    user_id: str
    persona_id: str
    template_id: str
    params: dict[str, Any]
    provider: str | None = None
    model: str | None = None
    temperature: float = 0.7
    seed: int | None = None
    max_tokens: int | None = None
    template_version: int | None = None
    persona_version: str | None = None
    rerun_of: uuid.UUID | None = None
    batch_id: uuid.UUID | None = None
    batch_item: int | None = None
    schedule_id: uuid.UUID | None = None
    schedule_due: datetime | None = None

    @property
    def source(self) -> str:
        return "batch" if self.batch_id else "schedule" if self.schedule_id else "interactive"


@dataclass
class Prepared:
    id: uuid.UUID
    request: Request
    persona: Access
    persona_version: str
    template: dict[str, Any]
    provider: Provider
    model: str
    max_tokens: int
    messages: list[dict[str, str]]
    tryout: bool
    created_at: datetime = field(default_factory=now)


def _seconds_to_midnight(at: datetime) -> int:
    tomorrow = (at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((tomorrow - at).total_seconds()) + 1


@dataclass
class Generator:
    pool: asyncpg.Pool
    store: EventStore
    settings: GenerationSettings
    registry: ProviderRegistry
    files: CatalogFiles

    async def _access(self, req: Request) -> tuple[Access, bool]:
        acc, tryouts = await access(self.pool, req.persona_id, req.user_id)
        if acc is not None:
            return acc, False
        row = await self.pool.fetchrow(
            "SELECT * FROM personas WHERE persona_id = $1", req.persona_id
        )
        if row is None:
            raise PersonaUnknown("No such persona.")
        if not tryouts or req.source != "interactive":
            raise NoAccess("You can generate with a persona once you own it.")
        guest = Access(req.persona_id, row["name"], row["creator_id"], row["latest_version"], False)
        return guest, True

    async def prompt_only(self, req: Request) -> dict[str, Any]:
        """The messages a generation would send, for the user's own model on their computer.
        Only for those who may see the persona's files (owner or entitled): never a try-out."""
        persona = await require_full_access(self.pool, req.persona_id, req.user_id)
        p = await self._compose(req, persona.persona_id, persona.version, None)
        return {
            "persona_id": persona.persona_id,
            "persona_version": p.persona_version,
            "template_id": p.template["id"],
            "template_version": p.template["version"],
            "params": p.params,
            "system_prompt": p.system,
            "prompt": p.prompt,
            "messages": p.messages,
        }

    async def prepare(self, req: Request) -> Prepared:
        """Everything that can be refused is refused here, before any streaming starts."""
        persona, tryout = await self._access(req)
        provider, model = self.registry.choose(req.provider, req.model)
        p = await self._compose(
            req, persona.persona_id, req.persona_version or persona.version, req.template_version
        )
        max_tokens = min(
            req.max_tokens or self.settings.default_max_tokens, provider.config.max_tokens
        )
        prep = Prepared(
            id=uuid.uuid4(),
            request=req,
            persona=persona,
            persona_version=p.persona_version,
            template=p.template,
            provider=provider,
            model=model,
            max_tokens=max_tokens,
            messages=p.messages,
            tryout=tryout,
        )
        await self._insert(prep, p.params, p.system, p.prompt)
        return prep

    async def _compose(
        self,
        req: Request,
        persona_id: str,
        persona_version: str | None,
        template_version: int | None,
    ) -> Prompt:
        template = await templates.get(self.pool, req.template_id, req.user_id, template_version)
        params = validate_params(template["params_schema"], req.params)
        prompt = render(
            template["body"],
            params,
            max_chars=self.settings.prompt_max_chars,
            timeout_s=self.settings.render_timeout_s,
        )
        version, system = await self.files.system_prompt(
            persona_id, persona_version, self.settings.persona_max_chars
        )
        return Prompt(template, params, version, system, prompt)

    async def _insert(self, p: Prepared, params: dict[str, Any], system: str, prompt: str) -> None:
        req = p.request
        async with self.pool.acquire() as conn, conn.transaction():
            # One user's concurrent requests take turns here, so the limits hold under a burst.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", req.user_id)
            await self._check_limits(conn, p)
            await conn.execute(
                "INSERT INTO generations (id, user_id, persona_id, persona_version, persona_name,"
                " template_id, template_version, template_name, params, system_prompt, prompt,"
                " provider, model, temperature, seed, max_tokens, status, tryout, rerun_of,"
                " batch_id, batch_item, schedule_id, schedule_due, created_at) VALUES ($1, $2, $3,"
                " $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'running', $17, $18,"
                " $19, $20, $21, $22, $23)",
                p.id,
                req.user_id,
                req.persona_id,
                p.persona_version,
                p.persona.name,
                p.template["id"],
                p.template["version"],
                p.template["name"],
                params,
                system,
                prompt,
                p.provider.name,
                p.model,
                req.temperature,
                req.seed,
                p.max_tokens,
                p.tryout,
                req.rerun_of,
                req.batch_id,
                req.batch_item,
                req.schedule_id,
                req.schedule_due,
                p.created_at,
            )

    async def _check_limits(self, conn: asyncpg.Connection, p: Prepared) -> None:
        req, at = p.request, p.created_at
        if p.tryout:
            used = await conn.fetchval(
                "SELECT count(*) FROM generations WHERE user_id = $1 AND persona_id = $2"
                " AND tryout AND created_at >= $3",
                req.user_id,
                req.persona_id,
                utc_day(at),
            )
            if used >= self.settings.tryouts_per_day:
                raise LimitReached(
                    f"You have used today's {self.settings.tryouts_per_day} try-outs of this"
                    " persona. Get it to keep generating, or come back tomorrow.",
                    _seconds_to_midnight(at),
                    "tryouts_used",
                )
        if req.source == "interactive":
            await self._check_rate(conn, p)
        await self._check_budget(conn, p)

    async def _check_rate(self, conn: asyncpg.Connection, p: Prepared) -> None:
        req, at = p.request, p.created_at
        recent = await conn.fetch(
            "SELECT created_at FROM generations WHERE user_id = $1 AND batch_id IS NULL"
            " AND schedule_id IS NULL AND created_at > $2 ORDER BY created_at",
            req.user_id,
            at - timedelta(minutes=1),
        )
        if len(recent) >= self.settings.rate_per_minute:
            wait = 60 - (at - recent[0]["created_at"]).total_seconds()
            raise LimitReached(
                f"You can start {self.settings.rate_per_minute} generations a minute."
                " Please wait a moment.",
                int(wait) + 1,
                "generation_rate_limited",
            )

    async def _check_budget(self, conn: asyncpg.Connection, p: Prepared) -> None:
        req, at = p.request, p.created_at
        used = await conn.fetchval(
            "SELECT coalesce(sum(tokens_in + tokens_out), 0) FROM generations WHERE user_id = $1"
            " AND created_at >= $2",
            req.user_id,
            utc_day(at),
        )
        if used >= self.settings.daily_token_budget:
            raise LimitReached(
                "You have used today's generation budget. It starts again at midnight (UTC).",
                _seconds_to_midnight(at),
                "token_budget_used",
            )

    async def run(
        self, p: Prepared, emit: Emit | None = None, stop: asyncio.Event | None = None
    ) -> dict[str, Any]:
        """Stream the answer; `stop` (or a cancel request on the row) ends it, keeping the text."""
        stop = stop or asyncio.Event()
        out: list[str] = []
        usage: list[Usage] = []
        started = time.monotonic()
        first: list[float] = []

        async def consume() -> None:
            stream = stream_chat(
                p.provider,
                p.model,
                p.messages,
                temperature=p.request.temperature,
                seed=p.request.seed,
                max_tokens=p.max_tokens,
            )
            try:
                async for item in stream:
                    if isinstance(item, Delta):
                        if not first:
                            first.append(time.monotonic())
                        out.append(item.text)
                        if emit is not None:
                            await emit("token", {"text": item.text})
                    else:
                        usage.append(item)
            finally:
                await stream.aclose()

        consumer = asyncio.create_task(consume())
        watcher = asyncio.create_task(self._watch(p.id, stop))
        try:
            await asyncio.wait({consumer, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (consumer, watcher):
                if not task.done():
                    task.cancel()
            await asyncio.gather(consumer, watcher, return_exceptions=True)
        error = None
        if consumer.cancelled():
            status = "cancelled"
        elif consumer.exception() is not None:
            status, error = "failed", provider_error(consumer.exception())  # type: ignore[arg-type]
        else:
            status = "completed"
        ended = time.monotonic()
        text = "".join(out)
        tokens_out = usage[0].tokens_out if usage else len(out)  # one delta ≈ one token
        tokens_in = usage[0].tokens_in if usage else sum(len(m["content"]) for m in p.messages) // 4
        result: dict[str, Any] = {
            "id": str(p.id),
            "status": status,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "ttft_ms": int((first[0] - started) * 1000) if first else None,
            "tokens_per_s": round(len(out) / (ended - first[0]), 2)
            if first and ended > first[0]
            else None,
            "error_code": error.code if error else None,
            "error": error.message if error else None,
        }
        observe_generation(
            self.settings.service_name,
            p.provider.name,
            status,
            first[0] - started if first else None,
            result["tokens_per_s"],
        )
        await self._record(p, text, result)
        return result

    async def _watch(self, gen_id: uuid.UUID, stop: asyncio.Event) -> None:
        """Returns when the caller stops or someone asks to cancel this generation."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CANCEL_POLL_S)
                return
            if await self.pool.fetchval(
                "SELECT cancel_requested FROM generations WHERE id = $1", gen_id
            ):
                return

    async def _record(self, p: Prepared, text: str, r: dict[str, Any]) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE generations SET output = CASE WHEN deleted THEN '' ELSE $2 END, status = $3, tokens_in = $4, tokens_out = $5,"
                " ttft_ms = $6, tokens_per_s = $7, error_code = $8, error = $9, finished_at = $10"
                " WHERE id = $1",
                p.id,
                text,
                r["status"],
                r["tokens_in"],
                r["tokens_out"],
                r["ttft_ms"],
                r["tokens_per_s"],
                r["error_code"],
                r["error"],
                now(),
            )
            if r["status"] == "completed":
                event = GenerationCompleted(
                    generation_id=str(p.id),
                    user_id=p.request.user_id,
                    persona_id=p.persona.persona_id,
                    persona_version=p.persona_version,
                    creator_id=p.persona.creator_id,
                    template_id=p.template["id"],
                    template_version=p.template["version"],
                    provider=p.provider.name,
                    model=p.model,
                    tokens_in=r["tokens_in"],
                    tokens_out=r["tokens_out"],
                    tryout=p.tryout,
                    source=p.request.source,
                )
                await self.store.append(conn, "generation", f"generation-{p.id}", 0, [event])


def utc_day(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)

"""Batch and schedule routes: the work is checked here, run by workers (worker.py, jobs.py)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg
from croniter import croniter
from fastapi import APIRouter, Request
from pydantic import Field
from shared.auth import CurrentUser
from shared.events import now
from shared.pagination import Key, Keyset, Page

from generation import templates
from generation.deps import Limit, Pool
from generation.errors import BadRequest, GenerationUnknown
from generation.personas import require_full_access
from generation.queries import keyset_page
from generation.rendering import TemplateProblem, validate_params
from generation.schemas import Settings
from generation.worker import next_run

router = APIRouter()
MAX_ITEMS = 100
_BATCHES = Keyset(Key("b.created_at", "created_at", "ts"), Key("b.id", "id", "uuid"))


class BatchIn(Settings):
    persona_id: str = Field(min_length=1, max_length=64)
    template_id: str = Field(min_length=1, max_length=64)
    params: dict[str, Any] = Field(default_factory=dict)
    variants: int | None = Field(None, ge=1, le=MAX_ITEMS)  # N variants of `params` (seed + i)
    csv: str | None = Field(None, max_length=200_000)  # or one row of parameters per line


class ScheduleIn(Settings):
    persona_id: str = Field(min_length=1, max_length=64)
    template_id: str = Field(min_length=1, max_length=64)
    params: dict[str, Any] = Field(default_factory=dict)
    run_at: datetime | None = None  # once (naive = in `timezone`)
    cron: str | None = Field(None, max_length=100)  # or repeating
    timezone: str = Field("UTC", max_length=64)


def _csv_rows(text: str, schema: dict[str, Any], base: dict[str, Any]) -> list[dict[str, Any]]:
    """Each row's parameters, typed by the schema; every bad row reported with its line number."""
    reader = csv.DictReader(io.StringIO(text.strip()))
    props = schema.get("properties", {})
    unknown = [h for h in reader.fieldnames or [] if h not in props]
    if not reader.fieldnames or unknown:
        raise BadRequest("The CSV header must name the template's parameters.",
                         [{"field": "csv.line 1", "message": f"unknown columns: {unknown}"}])  # fmt: skip
    rows, errors = [], []
    for row in reader:
        line = reader.line_num
        values: dict[str, Any] = dict(base)
        for name, raw in row.items():
            if raw is None or raw == "":
                continue
            kind = props[name]["type"]
            try:
                values[name] = (
                    int(raw) if kind == "integer" else float(raw) if kind == "number"
                    else raw.strip().lower() in ("1", "true", "yes") if kind == "boolean" else raw
                )  # fmt: skip
            except ValueError:
                errors.append({"field": f"csv.line {line}.{name}", "message": "not a number"})
        try:
            rows.append(validate_params(schema, values))
        except TemplateProblem as exc:
            errors += [{"field": f"csv.line {line}.{e['field'][7:] or 'row'}", "message": e["message"]}
                       for e in exc.errors]  # fmt: skip
    if errors:
        raise BadRequest("Some CSV rows are not valid; nothing was started.", errors)
    if not rows or len(rows) > MAX_ITEMS:
        raise BadRequest(f"A batch has 1 to {MAX_ITEMS} rows.")
    return rows


def _spec(body: Settings, persona_id: str, template: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "persona_id": persona_id,
        "template_id": template["id"],
        "template_version": template["version"],
        "provider": body.provider,
        "model": body.model,
        "temperature": body.temperature,
        "seed": body.seed,
        "max_tokens": body.max_tokens,
        **more,
    }


async def _checked(
    request: Request, pool: Any, user_id: str, body: BatchIn | ScheduleIn
) -> dict[str, Any]:
    await require_full_access(pool, body.persona_id, user_id)
    request.app.state.registry.choose(body.provider, body.model)
    return await templates.get(pool, body.template_id, user_id)


@router.post("/api/generations/batch", status_code=202)
async def start_batch(
    body: BatchIn, request: Request, pool: Pool, user: CurrentUser
) -> dict[str, Any]:
    """N variants of one set of parameters, or one generation per CSV row; all checked first."""
    template = await _checked(request, pool, user.user_id, body)
    if (body.variants is None) == (body.csv is None):
        raise BadRequest("Give either `variants` or `csv`.")
    if body.csv is not None:
        rows = _csv_rows(body.csv, template["params_schema"], body.params)
    else:
        rows = [validate_params(template["params_schema"], body.params)] * (body.variants or 1)
    batch_id = uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO batches (id, user_id, spec, total, status, created_at)"
            " VALUES ($1, $2, $3, $4, 'running', $5)",
            batch_id, user.user_id, _spec(body, body.persona_id, template), len(rows), now(),
        )  # fmt: skip
        await conn.executemany(
            "INSERT INTO batch_items (batch_id, idx, params, status) VALUES ($1, $2, $3, 'pending')",
            [(batch_id, i, row) for i, row in enumerate(rows)],
        )
    return await batch_progress(str(batch_id), pool, user)


@router.get("/api/generations/batch")
async def list_batches(
    pool: Pool, user: CurrentUser, limit: Limit, cursor: str | None = None
) -> Page[dict[str, Any]]:
    """Your batches, newest first, each with its persona, template and `done`/`total`."""
    select = (
        "SELECT b.id::text AS id, b.status, b.total, (SELECT count(*) FROM batch_items i"
        "  WHERE i.batch_id = b.id AND i.status IN ('done', 'failed', 'cancelled')) AS done,"
        " b.spec->>'persona_id' AS persona_id, b.spec->>'template_id' AS template_id,"
        " b.created_at FROM batches b"
    )
    return await keyset_page(
        pool, select, "b.user_id = $1", [user.user_id], cursor, limit, dict, _BATCHES
    )


def _uuid(value: str, unknown: str = "No such batch.") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise GenerationUnknown(unknown) from None


async def _close(
    conn: asyncpg.Connection,
    key: uuid.UUID,
    user_id: str,
    unknown: str,
    close: str,
    drop_pending: str,
) -> None:
    """Close a batch or schedule of this user (`close` returns its id; none: `unknown`, a 404)
    and cancel its pending items, in the caller's transaction."""
    if await conn.fetchval(close, key, user_id) is None:
        raise GenerationUnknown(unknown)
    await conn.execute(drop_pending, key)


@router.get("/api/generations/batch/{batch_id}")
async def batch_progress(batch_id: str, pool: Pool, user: CurrentUser) -> dict[str, Any]:
    """`done`/`total`, counts per status and each item (at most 100) with its generation."""
    bid = _uuid(batch_id)
    # Items first: the batch turns done in the transaction that finishes its last item, so a
    # later read of the batch row can never lag behind the items already read.
    items = await pool.fetch(
        "SELECT idx, status, generation_id, error FROM batch_items WHERE batch_id = $1 ORDER BY idx",
        bid,
    )
    batch = await pool.fetchrow(
        "SELECT * FROM batches WHERE id = $1 AND user_id = $2", bid, user.user_id
    )
    if batch is None:
        raise GenerationUnknown("No such batch.")
    counts: dict[str, int] = {}
    for i in items:
        counts[i["status"]] = counts.get(i["status"], 0) + 1
    finished = sum(counts.get(s, 0) for s in ("done", "failed", "cancelled"))
    return {
        "id": batch_id,
        "status": batch["status"],
        "total": batch["total"],
        "done": finished,
        "counts": counts,
        "items": [
            {
                "index": i["idx"],
                "status": i["status"],
                "error": i["error"],
                "generation_id": str(i["generation_id"]) if i["generation_id"] else None,
            }
            for i in items
        ],
    }


@router.post("/api/generations/batch/{batch_id}/cancel")
async def cancel_batch(batch_id: str, pool: Pool, user: CurrentUser) -> dict[str, Any]:
    """Pending items are dropped; running ones are stopped (their text so far is kept)."""
    bid = _uuid(batch_id)
    async with pool.acquire() as conn, conn.transaction():
        await _close(
            conn, bid, user.user_id, "No such batch.",
            "UPDATE batches SET status = CASE WHEN status = 'running' THEN 'cancelled' ELSE status END"
            " WHERE id = $1 AND user_id = $2 RETURNING id",
            "UPDATE batch_items SET status = 'cancelled' WHERE batch_id = $1 AND status = 'pending'",
        )  # fmt: skip
        await conn.execute(
            "UPDATE generations SET cancel_requested = true WHERE batch_id = $1 AND status = 'running'",
            bid,
        )
    return await batch_progress(batch_id, pool, user)


@router.post("/api/schedules", status_code=201)
async def create_schedule(
    body: ScheduleIn, request: Request, pool: Pool, user: CurrentUser
) -> dict[str, Any]:
    template = await _checked(request, pool, user.user_id, body)
    params = validate_params(template["params_schema"], body.params)
    try:
        tz = ZoneInfo(body.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(
            "Unknown time zone.", [{"field": "timezone", "message": "unknown time zone"}]
        ) from None
    if (body.run_at is None) == (body.cron is None):
        raise BadRequest("Give either `run_at` (once) or `cron` (repeating).")
    if body.cron is not None:
        if not croniter.is_valid(body.cron):
            raise BadRequest(
                "Not a cron expression.", [{"field": "cron", "message": "not a cron expression"}]
            )
        first = next_run(body.cron, body.timezone)
    else:
        assert body.run_at is not None
        first = body.run_at if body.run_at.tzinfo else body.run_at.replace(tzinfo=tz)
        if first < now():
            raise BadRequest(
                "That time has passed.", [{"field": "run_at", "message": "in the past"}]
            )
    sid = uuid.uuid4()
    await pool.execute(
        "INSERT INTO schedules (id, user_id, spec, cron, timezone, next_run_at, status, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)",
        sid, user.user_id, _spec(body, body.persona_id, template, params=params),
        body.cron, body.timezone, first, now(),
    )  # fmt: skip
    return _schedule(await pool.fetchrow("SELECT * FROM schedules WHERE id = $1", sid))


def _schedule(r: Any) -> dict[str, Any]:
    return {
        "id": str(r["id"]), "status": r["status"], "cron": r["cron"], "timezone": r["timezone"],
        "next_run_at": r["next_run_at"], "last_run_at": r["last_run_at"], "spec": r["spec"],
        "created_at": r["created_at"],
    }  # fmt: skip


@router.get("/api/schedules")
async def list_schedules(
    pool: Pool,
    user: CurrentUser,
    limit: Limit,
    cursor: str | None = None,
    status: Literal["active", "done"] | None = None,
) -> Page[dict[str, Any]]:
    args: list[Any] = [user.user_id]
    cond = "user_id = $1 AND status <> 'deleted'"
    if status:
        args.append(status)
        cond += f" AND status = ${len(args)}"
    return await keyset_page(pool, "SELECT * FROM schedules", cond, args, cursor, limit, _schedule)


@router.delete("/api/schedules/{schedule_id}", status_code=204)
async def delete_schedule(schedule_id: str, pool: Pool, user: CurrentUser) -> None:
    sid = _uuid(schedule_id, "No such schedule.")
    async with pool.acquire() as conn, conn.transaction():
        await _close(
            conn, sid, user.user_id, "No such schedule.",
            "UPDATE schedules SET status = 'deleted', next_run_at = NULL"
            " WHERE id = $1 AND user_id = $2 AND status <> 'deleted' RETURNING id",
            "UPDATE schedule_runs SET status = 'cancelled' WHERE schedule_id = $1"
            " AND status = 'pending'",
        )  # fmt: skip

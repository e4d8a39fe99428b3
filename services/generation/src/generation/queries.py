"""Read side of the history: search, one generation, exports (streamed from a cursor)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
from shared.pagination import Key, Keyset, Page

from generation.personas import access

SUMMARY = (
    "id, user_id, persona_id, persona_version, persona_name, template_id, template_version,"
    " template_name, params, provider, model, temperature, seed, max_tokens, output, tokens_in,"
    " tokens_out, ttft_ms, tokens_per_s, status, error_code, error, favourite, tryout, rerun_of,"
    " batch_id, batch_item, schedule_id, created_at, finished_at"
)


@dataclass
class Filters:
    q: str | None = None
    persona_id: str | None = None
    template_id: str | None = None
    since: date | None = None  # inclusive, UTC days
    until: date | None = None  # inclusive
    favourite: bool | None = None
    status: str | None = None

    def where(self, user_id: str) -> tuple[str, list[Any]]:
        conds, args = ["user_id = $1", "NOT deleted"], [user_id]

        def add(sql: str, value: Any) -> None:
            args.append(value)
            conds.append(sql.replace("?", f"${len(args)}"))

        if self.q:
            add("search @@ websearch_to_tsquery('simple', ?)", self.q)
        if self.persona_id:
            add("persona_id = ?", self.persona_id)
        if self.template_id:
            add("template_id = ?", self.template_id)
        if self.since:
            add("created_at >= ?", datetime.combine(self.since, time(), UTC))
        if self.until and self.until < date.max:  # the last day there is bounds nothing
            add("created_at < ?", datetime.combine(self.until + timedelta(days=1), time(), UTC))
        if self.favourite is not None:
            add("favourite = ?", self.favourite)
        if self.status:
            add("status = ?", self.status)
        return " AND ".join(conds), args


def summary(r: asyncpg.Record | dict[str, Any]) -> dict[str, Any]:
    out = {k: r[k] for k in SUMMARY.replace(" ", "").split(",")}
    for k in ("id", "rerun_of", "batch_id", "schedule_id"):
        out[k] = str(out[k]) if out[k] is not None else None
    return out


# Newest first: every list of generations, batches and schedules pages this way.
NEWEST = Keyset(Key("created_at", "created_at", "ts"), Key("id", "id", "uuid"))


async def keyset_page(
    pool: asyncpg.Pool,
    select: str,
    cond: str,
    args: list[Any],
    cursor: str | None,
    limit: int,
    view: Callable[[asyncpg.Record], dict[str, Any]],
    keyset: Keyset = NEWEST,
) -> Page[dict[str, Any]]:
    """One page of `select` (a `SELECT ... FROM ...`) where `cond` holds, past the cursor, in
    the keyset's order; `args` are `cond`'s `$n` values, `view` makes each row an item."""
    cond += keyset.after(cursor, args)
    args.append(limit + 1)
    rows = await pool.fetch(
        f"{select} WHERE {cond} ORDER BY {keyset.order_by} LIMIT ${len(args)}", *args
    )
    return keyset.page([view(r) for r in rows], limit)


async def search(
    pool: asyncpg.Pool, user_id: str, f: Filters, limit: int, cursor: str | None
) -> Page[dict[str, Any]]:
    where, args = f.where(user_id)
    select = f"SELECT {SUMMARY} FROM generations"
    return await keyset_page(pool, select, where, args, cursor, limit, summary)


async def one(pool: asyncpg.Pool, user_id: str, gen_id: uuid.UUID) -> dict[str, Any] | None:
    """A generation of this user; the prompts only while they may see the persona's files."""
    row = await pool.fetchrow(
        f"SELECT {SUMMARY}, system_prompt, prompt FROM generations WHERE id = $1 AND user_id = $2"
        " AND NOT deleted",
        gen_id,
        user_id,
    )
    if row is None:
        return None
    out = summary(row)
    acc, _ = await access(pool, row["persona_id"], user_id)
    out["prompt_visible"] = acc is not None and not row["tryout"]
    if out["prompt_visible"]:
        out["system_prompt"] = row["system_prompt"]
        out["prompt"] = row["prompt"]
    if row["rerun_of"] is not None:
        before = await pool.fetchval(
            "SELECT params FROM generations WHERE id = $1 AND user_id = $2",
            row["rerun_of"],
            user_id,
        )
        if before is not None:
            out["params_diff"] = params_diff(before, row["params"])
    return out


def params_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What a rerun changed: `{name: {"from": old, "to": new}}`."""
    return {
        k: {"from": before.get(k), "to": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


EXPORT_FIELDS = [
    "id", "created_at", "status", "persona_name", "persona_version", "template_name",
    "template_version", "params", "provider", "model", "temperature", "seed", "tokens_in",
    "tokens_out", "favourite", "output", "error",
]  # fmt: skip


def _export_row(r: asyncpg.Record) -> dict[str, Any]:
    out = {k: r[k] for k in EXPORT_FIELDS}
    out["id"] = str(out["id"])
    out["created_at"] = out["created_at"].isoformat()
    return out


def export(pool: asyncpg.Pool, user_id: str, f: Filters, fmt: str) -> AsyncIterator[bytes]:
    """The filtered history, written as it is read (a server-side cursor, 200 rows at a time).
    The filters are turned into SQL here, before the answer starts: a bad one is a 4xx answer,
    not a 200 broken off after its first bytes."""
    where, args = f.where(user_id)
    return _export(pool, where, args, fmt)


async def _export(
    pool: asyncpg.Pool, where: str, args: list[Any], fmt: str
) -> AsyncIterator[bytes]:
    first = True
    if fmt == "json":
        yield b"["
    elif fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerow(EXPORT_FIELDS)
        yield buf.getvalue().encode()
    else:
        yield b"# Generations\n"
    async with pool.acquire() as conn, conn.transaction():
        async for r in conn.cursor(
            f"SELECT {', '.join(EXPORT_FIELDS)} FROM generations WHERE {where}"
            " ORDER BY created_at DESC, id DESC",
            *args,
            prefetch=200,
        ):
            row = _export_row(r)
            if fmt == "json":
                yield (b"" if first else b",") + b"\n" + json.dumps(row).encode()
            elif fmt == "csv":
                buf = io.StringIO()
                csv.writer(buf).writerow([_cell(v) for v in row.values()])
                yield buf.getvalue().encode()
            else:
                yield _markdown(row).encode()
            first = False
    if fmt == "json":
        yield b"\n]\n"


def _cell(value: Any) -> Any:
    """Spreadsheets run cells starting with = + - @ as formulas: those are quoted as text."""
    if isinstance(value, dict):
        value = json.dumps(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _markdown(row: dict[str, Any]) -> str:
    params = ", ".join(f"{k}: {v}" for k, v in row["params"].items())
    text = row["output"] or f"*({row['status']}: {row['error'] or 'no text'})*"
    return (
        f"\n## {row['template_name']} with {row['persona_name']} ({row['created_at'][:16]})\n\n"
        f"*{params}* — {row['model']}, {row['status']}\n\n{text}\n"
    )

"""Work for the workers: batch items and scheduled runs, claimed with FOR UPDATE SKIP LOCKED.

Both are leased: a claimed item carries the worker's `claim` and a `claimed_until` the worker
keeps pushing forward while it generates. An item whose lease ran out (its worker was killed) is
taken over; the dead worker's unfinished generation for it is replaced, a completed one is kept.
The unique indexes on `generations (batch_id, batch_item)` and `(schedule_id, schedule_due)` make
two generations for one item impossible, and only the current claimant may finish an item — so
each item ends up generated exactly once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Kind:
    table: str
    keys: tuple[str, str]  # the item's primary key
    gen_keys: tuple[str, str]  # the same two values, as named on `generations`
    parent: str  # the table holding user_id and spec
    parent_key: str
    open_parent: str  # the parent is still wanted


BATCH = Kind("batch_items", ("batch_id", "idx"), ("batch_id", "batch_item"), "batches",
             "batch_id", "p.status = 'running'")  # fmt: skip
SCHEDULED = Kind("schedule_runs", ("schedule_id", "due_at"), ("schedule_id", "schedule_due"),
                 "schedules", "schedule_id", "p.status <> 'deleted'")  # fmt: skip


@dataclass
class Item:
    kind: Kind
    key: tuple[Any, Any]
    claim: uuid.UUID
    attempts: int
    user_id: str
    spec: dict[str, Any]
    params: dict[str, Any]


async def claim(pool: asyncpg.Pool, kind: Kind, lease_s: float) -> Item | None:
    a, b = kind.keys
    order = "p.created_at, i.idx" if kind is BATCH else "i.due_at"
    token = uuid.uuid4()
    row = await pool.fetchrow(
        f"UPDATE {kind.table} t SET status = 'running', claim = $1, attempts = t.attempts + 1,"
        f" claimed_until = now() + make_interval(secs => $2)"
        f" FROM (SELECT i.{a}, i.{b} FROM {kind.table} i JOIN {kind.parent} p ON p.id = i.{a}"
        f"   WHERE {kind.open_parent} AND (i.status = 'pending'"
        f"   OR (i.status = 'running' AND i.claimed_until < now()))"
        f"   ORDER BY {order} LIMIT 1 FOR UPDATE OF i SKIP LOCKED) pick"
        f" WHERE t.{a} = pick.{a} AND t.{b} = pick.{b}"
        f" RETURNING t.{a}, t.{b}, t.attempts" + (", t.params" if kind is BATCH else ""),
        token,
        lease_s,
    )
    if row is None:
        return None
    parent = await pool.fetchrow(f"SELECT user_id, spec FROM {kind.parent} WHERE id = $1", row[a])
    spec = dict(parent["spec"])
    params = row["params"] if kind is BATCH else spec.get("params", {})
    return Item(kind, (row[a], row[b]), token, row["attempts"], parent["user_id"], spec, params)


async def extend(pool: asyncpg.Pool, item: Item, lease_s: float) -> bool:
    a, b = item.kind.keys
    done = await pool.fetchval(
        f"UPDATE {item.kind.table} SET claimed_until = now() + make_interval(secs => $4)"
        f" WHERE {a} = $1 AND {b} = $2 AND claim = $3 AND status = 'running' RETURNING 1",
        *item.key,
        item.claim,
        lease_s,
    )
    return done is not None


async def previous(pool: asyncpg.Pool, item: Item) -> asyncpg.Record | None:
    """A generation an earlier claim made for this item (its worker died before finishing it)."""
    a, b = item.kind.gen_keys
    return await pool.fetchrow(
        f"SELECT id, status FROM generations WHERE {a} = $1 AND {b} = $2", *item.key
    )


async def forget(pool: asyncpg.Pool, item: Item, gen_id: uuid.UUID) -> None:
    await pool.execute("DELETE FROM generations WHERE id = $1 AND status <> 'completed'", gen_id)


async def finish(
    pool: asyncpg.Pool, item: Item, status: str, gen_id: uuid.UUID | None, error: str | None
) -> None:
    a, b = item.kind.keys
    async with pool.acquire() as conn, conn.transaction():
        if item.kind is BATCH:
            # Two workers finishing a batch's last two items at once would each still see the
            # other's item running and neither would mark the batch done: finishing takes turns.
            await conn.execute("SELECT 1 FROM batches WHERE id = $1 FOR UPDATE", item.key[0])
        await conn.execute(
            f"UPDATE {item.kind.table} SET status = $4, generation_id = $5, error = $6,"
            f" claimed_until = NULL WHERE {a} = $1 AND {b} = $2 AND claim = $3",
            *item.key,
            item.claim,
            status,
            gen_id,
            error,
        )
        if item.kind is BATCH:
            await conn.execute(
                "UPDATE batches SET status = 'done' WHERE id = $1 AND status = 'running'"
                " AND NOT EXISTS (SELECT 1 FROM batch_items WHERE batch_id = $1"
                " AND status IN ('pending', 'running'))",
                item.key[0],
            )


async def due_schedule(pool: asyncpg.Pool, next_run: Any) -> bool:
    """Turn one due schedule into a pending run and move it to its next time. The missed-run
    rule: after downtime, a schedule runs once for the first time it missed, then continues
    from now (the other missed times are skipped, never queued up)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "SELECT * FROM schedules WHERE status = 'active' AND next_run_at <= now()"
            " ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        if row is None:
            return False
        await conn.execute(
            "INSERT INTO schedule_runs (schedule_id, due_at, status) VALUES ($1, $2, 'pending')"
            " ON CONFLICT DO NOTHING",
            row["id"],
            row["next_run_at"],
        )
        nxt: datetime | None = next_run(row["cron"], row["timezone"]) if row["cron"] else None
        await conn.execute(
            "UPDATE schedules SET next_run_at = $2, last_run_at = next_run_at,"
            " status = CASE WHEN $2::timestamptz IS NULL THEN 'done' ELSE status END WHERE id = $1",
            row["id"],
            nxt,
        )
        return True

"""A small service built with the kernel's app factory, the target of the bad-input properties:
its routes hand every value straight to PostgreSQL, as a careless endpoint would."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from shared.http import ServiceSpec, create_service_app, get_pool
from shared.pagination import decode_cursor, page_of
from shared.settings import ServiceSettings
from shared.testing.servers import serve_app

router = APIRouter()
MIGRATION = """
CREATE TABLE things (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    meta jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
"""


class Thing(BaseModel):
    name: str
    tags: list[str] = []
    meta: dict[str, Any] = {}


@router.post("/api/personas/things", status_code=201)
async def create_thing(thing: Thing, request: Request) -> dict[str, str]:
    pool = await get_pool(request)
    row = await pool.fetchrow(
        "INSERT INTO things (name, tags, meta) VALUES ($1, $2, $3) RETURNING id",
        thing.name,
        thing.tags,
        thing.meta,
    )
    return {"id": str(row["id"])}


@router.get("/api/personas/things")
async def list_things(
    request: Request,
    q: str | None = None,
    min_downloads: int | None = None,
    created_before: datetime | None = None,
    until: date | None = None,  # inclusive: the day after it, as a careless endpoint works it out
    cursor: str | None = None,
    limit: int = 20,
) -> dict[str, Any]:
    pool = await get_pool(request)
    if until is not None:
        created_before = datetime.combine(until + timedelta(days=1), time(), UTC)
    after = decode_cursor(cursor, ("ts", "uuid"))
    rows = await pool.fetch(
        "SELECT id, name, created_at FROM things"
        " WHERE ($1::text IS NULL OR name = $1) AND ($2::bigint IS NULL OR $2 > 0)"
        " AND ($3::timestamptz IS NULL OR created_at < $3)"
        " AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::uuid))"
        " ORDER BY created_at DESC, id DESC LIMIT $6",
        q,
        min_downloads,
        created_before,
        after[0] if after else None,
        after[1] if after else None,
        min(max(limit, 1), 100) + 1,
    )
    size = min(max(limit, 1), 100)
    page = page_of(
        [dict(r) for r in rows], size, lambda r: [r["created_at"].isoformat(), str(r["id"])]
    )
    return page.model_dump(mode="json")


@router.get("/api/personas/things/{name}")
async def get_thing(name: str, request: Request) -> dict[str, Any]:
    pool = await get_pool(request)
    found = await pool.fetchval("SELECT count(*) FROM things WHERE name = $1", name)
    return {"name": name, "count": found}


@router.post("/api/personas/things/{name}/raw")
async def raw_body(name: str, request: Request) -> dict[str, int]:
    """Reads whatever body comes (a streaming route: counted, not buffered, by the guard)."""
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
    return {"size": size}


@contextlib.asynccontextmanager
async def probe_service(
    database_url: str, amqp_url: str, bus_namespace: str, tmp: Path
) -> AsyncIterator[str]:
    migrations = tmp / f"probe-{uuid.uuid4().hex[:6]}"
    migrations.mkdir()
    (migrations / "001_things.sql").write_text(MIGRATION)
    settings = ServiceSettings(
        service_name="probe",
        database_url=database_url,
        amqp_url=amqp_url,
        bus_namespace=bus_namespace,
    )
    spec = ServiceSpec(
        name="probe",
        settings=settings,
        routers=[router],
        migrations=migrations,
        verify_tokens=False,
        body_limits={"POST /api/personas/things/{name}/raw": 4 * 1024 * 1024},
    )
    async with serve_app(create_service_app(spec)) as url:
        yield url

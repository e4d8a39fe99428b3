"""The reference for catalog's persona detail: a minimal FastAPI + asyncpg endpoint, one query on
the same table, nothing else (no auth, no middleware).

    BENCH_DATABASE_URL=postgresql://localhost/catalog_bench uvicorn minimal_endpoint:app
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

import asyncpg
from fastapi import FastAPI
from fastapi.responses import Response

pool: asyncpg.Pool | None = None


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(os.environ["BENCH_DATABASE_URL"], min_size=2, max_size=10)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/api/personas/{persona_id}")
async def persona(persona_id: str) -> Response:
    assert pool is not None
    row = await pool.fetchval("SELECT to_jsonb(p)::text FROM personas p WHERE id = $1", persona_id)
    if row is None:
        return Response(status_code=404)
    return Response(row, media_type="application/json")

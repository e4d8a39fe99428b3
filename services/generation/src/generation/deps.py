"""Route helpers shared by the API modules."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from shared.pagination import limit_param

from generation.generating import Generator
from generation.settings import GenerationSettings


def get_generator(request: Request) -> Generator:
    gen: Generator = request.app.state.generator
    return gen


def get_db(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def get_settings(request: Request) -> GenerationSettings:
    settings: GenerationSettings = request.app.state.settings
    return settings


def running_tasks(request: Request) -> set[asyncio.Task[Any]]:
    tasks: set[asyncio.Task[Any]] = request.app.state.generation_tasks
    return tasks


GeneratorDep = Annotated[Generator, Depends(get_generator)]
Pool = Annotated[asyncpg.Pool, Depends(get_db)]
SettingsDep = Annotated[GenerationSettings, Depends(get_settings)]
Limit = Annotated[int, Depends(limit_param)]


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n".encode()


SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}

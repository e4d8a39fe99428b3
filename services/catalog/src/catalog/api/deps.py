"""Shared route helpers. Every dependency is `async def`: a plain `def` one sends each request
through the thread pool and back for nothing."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Query, Request
from shared.problems import NotFound

from catalog.commands import Catalog
from catalog.settings import CatalogSettings


async def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def get_settings(request: Request) -> CatalogSettings:
    settings: CatalogSettings = request.app.state.settings
    return settings


async def get_db(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
SettingsDep = Annotated[CatalogSettings, Depends(get_settings)]
Pool = Annotated[asyncpg.Pool, Depends(get_db)]


def persona_not_found() -> NotFound:
    return NotFound("No such persona.", code="persona_not_found")


MULTIPART_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            }
        },
    }
}

Limit = Annotated[int, Query(ge=1, le=100)]

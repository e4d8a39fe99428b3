"""Composition root: settings, providers (the demo model when none is configured), consumers,
catalog file reads, routes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from shared.http import ServiceSpec, create_service_app

from generation import api, batches, history
from generation.consumers import subscriptions
from generation.errors import ERRORS
from generation.generating import Generator
from generation.personas import CatalogFiles
from generation.providers import ProviderRegistry
from generation.settings import GenerationSettings

MIGRATIONS = Path(__file__).parent / "migrations"


async def start_generator(app: FastAPI, settings: GenerationSettings) -> Generator:
    registry = ProviderRegistry(settings)
    await registry.start()
    files = CatalogFiles(app.state.pool, settings.catalog_url, settings.service_token)
    app.state.registry = registry
    app.state.files = files
    app.state.generator = Generator(app.state.pool, app.state.store, settings, registry, files)
    return app.state.generator


def build_spec(settings: GenerationSettings | None = None) -> ServiceSpec:
    settings = settings or GenerationSettings()

    async def start(app: FastAPI) -> None:
        app.state.generation_tasks = set()
        await start_generator(app, settings)

    async def stop(app: FastAPI) -> None:
        tasks: set[asyncio.Task[Any]] = app.state.generation_tasks
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.state.files.close()

    return ServiceSpec(
        name=settings.service_name,
        settings=settings,
        routers=[api.router, batches.router, history.router],
        migrations=MIGRATIONS,
        subscriptions=subscriptions,
        errors=ERRORS,
        on_start=[start],
        on_stop=[stop],
        title="Generation service",
    )


def create_app(settings: GenerationSettings | None = None) -> FastAPI:
    return create_service_app(build_spec(settings))

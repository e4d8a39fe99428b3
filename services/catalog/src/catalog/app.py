"""Composition root: settings, event store, projections, consumers, blob store, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from shared.http import ServiceSpec, create_service_app
from shared.images import ImageStore

from catalog.api import routers
from catalog.blobs import LocalBlobStore
from catalog.commands import Catalog
from catalog.consumers import subscriptions
from catalog.errors import ERRORS
from catalog.projections import projections
from catalog.settings import CatalogSettings
from catalog.trending import trending
from catalog.uploads import body_ceiling

MIGRATIONS = Path(__file__).parent / "migrations"


def build_spec(settings: CatalogSettings | None = None) -> ServiceSpec:
    settings = settings or CatalogSettings()

    async def start(app: FastAPI) -> None:
        blobs = LocalBlobStore(settings.blob_dir)
        blobs.root.mkdir(parents=True, exist_ok=True)
        app.state.blobs = blobs
        app.state.catalog = Catalog(
            pool=app.state.pool,
            store=app.state.store,
            blobs=blobs,
            currencies=[c.lower() for c in settings.currencies],
            images=ImageStore(settings.image_root),
            max_image_pixels=settings.max_image_pixels,
        )

    return ServiceSpec(
        name="catalog",
        settings=settings,
        routers=routers,
        migrations=MIGRATIONS,
        projections=projections,
        subscriptions=[*subscriptions, trending],
        errors=ERRORS,
        on_start=[start],
        # Uploads stream and check each file themselves; the kernel only caps the whole body.
        body_limits={
            **dict.fromkeys(
                ("POST /api/personas", "POST /api/personas/{id}/versions"),
                body_ceiling(settings.upload_limits),
            ),
            # Past the image limit the pipeline answers 413 `image_too_large` itself; far past
            # it the kernel stops the body at once.
            **dict.fromkeys(
                ("PUT /api/personas/{id}/cover", "POST /api/personas/{id}/versions/{v}/gallery"),
                settings.max_image_bytes + 64 * 1024,
            ),
        },
        title="Catalog service",
    )


def create_app(settings: CatalogSettings | None = None) -> FastAPI:
    return create_service_app(build_spec(settings))

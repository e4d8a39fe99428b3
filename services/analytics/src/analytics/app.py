"""Composition root: settings, the stream consumer and routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from shared.http import ServiceSpec, create_service_app

from analytics import trending
from analytics.api import routers
from analytics.consumers import subscription
from analytics.errors import ERRORS
from analytics.settings import AnalyticsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_spec(settings: AnalyticsSettings | None = None, *, refresher: bool = True) -> ServiceSpec:
    """`refresher=False` leaves trending to the caller (tests refresh at a chosen time)."""
    settings = settings or AnalyticsSettings()
    return ServiceSpec(
        name=settings.service_name,
        settings=settings,
        routers=routers,
        migrations=MIGRATIONS,
        streams=[subscription()],
        errors=ERRORS,
        background=[trending.refresh_loop] if refresher else [],
        title="Analytics service",
    )


def create_app(settings: AnalyticsSettings | None = None, *, refresher: bool = True) -> FastAPI:
    return create_service_app(build_spec(settings, refresher=refresher))

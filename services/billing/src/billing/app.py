"""Composition root: settings, Stripe client, routes, projections and consumers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from shared.http import ServiceSpec, create_service_app

from billing.api import router
from billing.commands import BillingService
from billing.consumers import catalog_personas
from billing.projections import projections
from billing.settings import BillingSettings
from billing.stripe_gateway import StripeGateway

MIGRATIONS = Path(__file__).parent / "migrations"


def build_spec(settings: BillingSettings | None = None) -> ServiceSpec:
    settings = settings or BillingSettings()

    async def start(app: FastAPI) -> None:
        gateway = StripeGateway(settings)
        app.state.stripe = gateway
        app.state.billing = BillingService(app.state.pool, app.state.store, gateway, settings)

    async def stop(app: FastAPI) -> None:
        gateway: StripeGateway | None = getattr(app.state, "stripe", None)
        if gateway is not None:
            await gateway.close()

    return ServiceSpec(
        name="billing",
        settings=settings,
        routers=[router],
        migrations=MIGRATIONS,
        projections=projections,
        subscriptions=[catalog_personas],
        on_start=[start],
        on_stop=[stop],
        title="Billing service",
    )


def create_app(settings: BillingSettings | None = None) -> FastAPI:
    return create_service_app(build_spec(settings))

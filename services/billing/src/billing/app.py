"""Composition root: settings, Stripe client, routes, projections, consumers and errors."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from shared.http import ServiceSpec, create_service_app

from billing.api import router
from billing.consumers import catalog_personas, identity_users
from billing.errors import ERRORS
from billing.projections import projections
from billing.service import Billing
from billing.settings import BillingSettings
from billing.stripe_gateway import StripeGateway

MIGRATIONS = Path(__file__).parent / "migrations"


def build_spec(settings: BillingSettings | None = None) -> ServiceSpec:
    settings = settings or BillingSettings()

    async def start(app: FastAPI) -> None:
        app.state.billing = Billing(
            app.state.pool, app.state.store, StripeGateway(settings), settings
        )

    async def stop(app: FastAPI) -> None:
        billing: Billing | None = getattr(app.state, "billing", None)
        if billing is not None:
            await billing.stripe.close()

    return ServiceSpec(
        name="billing",
        settings=settings,
        routers=[router],
        migrations=MIGRATIONS,
        projections=projections,
        subscriptions=[catalog_personas, identity_users],
        errors=ERRORS,
        on_start=[start],
        on_stop=[stop],
        title="Billing service",
    )


def create_app(settings: BillingSettings | None = None) -> FastAPI:
    return create_service_app(build_spec(settings))

"""Composition root: settings, Stripe client, consumers, sweeper and routes."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from fastapi import FastAPI
from shared.events import now as utc_now
from shared.http import ServiceSpec, create_service_app

from payouts import api
from payouts.commands import Clock, Payouts, run_sweeper
from payouts.consumers import ledger_subscription
from payouts.projections import projections
from payouts.settings import PayoutsSettings
from payouts.stripe_connect import StripeConnect

MIGRATIONS = Path(__file__).parent / "migrations"


def build_spec(
    settings: PayoutsSettings | None = None,
    *,
    clock: Clock | None = None,
    sweeper: bool = True,
) -> ServiceSpec:
    """`clock` replaces "now" (tests move time past the holding period without sleeping);
    `sweeper=False` leaves unsettled payouts alone (tests run the sweep themselves)."""
    settings = settings or PayoutsSettings()

    async def start(app: FastAPI) -> None:
        client = StripeConnect(settings)
        svc = Payouts(
            pool=app.state.pool,
            store=app.state.store,
            settings=settings,
            stripe=client,
            clock=clock or utc_now,
        )
        app.state.payouts = svc
        app.state.sweeper = asyncio.create_task(run_sweeper(svc)) if sweeper else None

    async def stop(app: FastAPI) -> None:
        task: asyncio.Task[None] | None = app.state.sweeper
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await app.state.payouts.stripe.close()

    return ServiceSpec(
        name=settings.service_name,
        settings=settings,
        routers=[api.router],
        migrations=MIGRATIONS,
        projections=projections,
        subscriptions=[ledger_subscription(settings.holding_days)],
        on_start=[start],
        on_stop=[stop],
        title="Payouts service",
    )


def create_app(
    settings: PayoutsSettings | None = None,
    *,
    clock: Clock | None = None,
    sweeper: bool = True,
) -> FastAPI:
    return create_service_app(build_spec(settings, clock=clock, sweeper=sweeper))

"""Composition root: settings, Stripe client, consumers, sweeper and routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from shared.events import now as utc_now
from shared.http import ServiceSpec, create_service_app
from shared.metrics import PAYOUT_AMOUNT_CENTS_BY_STATUS, PAYOUTS_BY_STATUS, sample_by_status

from payouts import api
from payouts.commands import run_sweeper
from payouts.consumers import ledger_subscription
from payouts.errors import ERRORS
from payouts.projections import projections
from payouts.service import Clock, Payouts
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
        app.state.payouts = Payouts(
            pool=app.state.pool,
            store=app.state.store,
            settings=settings,
            stripe=StripeConnect(settings),
            clock=clock or utc_now,
        )

    async def sweep(app: FastAPI) -> None:
        await run_sweeper(app.state.payouts)

    async def stop(app: FastAPI) -> None:
        await app.state.payouts.stripe.close()

    return ServiceSpec(
        name=settings.service_name,
        settings=settings,
        routers=[api.router],
        migrations=MIGRATIONS,
        projections=projections,
        subscriptions=[ledger_subscription(settings.holding_days)],
        errors=ERRORS,
        on_start=[start],
        on_stop=[stop],
        background=[sweep] if sweeper else [],
        metrics=[sample_payouts],
        title="Payouts service",
    )


async def sample_payouts(app: FastAPI) -> None:
    """`payouts_by_status` and their amounts, on the kernel's metrics timer."""
    await sample_by_status(
        app,
        "payouts",
        ("requested", "paid", "failed"),
        PAYOUTS_BY_STATUS,
        PAYOUT_AMOUNT_CENTS_BY_STATUS,
    )


def create_app(
    settings: PayoutsSettings | None = None,
    *,
    clock: Clock | None = None,
    sweeper: bool = True,
) -> FastAPI:
    return create_service_app(build_spec(settings, clock=clock, sweeper=sweeper))

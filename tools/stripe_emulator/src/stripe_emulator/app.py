"""FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import stripe
from fastapi import FastAPI, Request
from fastapi.responses import Response

from . import api_balance, api_checkout, api_connect, api_emulator, api_payments, pages
from .api_common import Emulator, error_response
from .errors import StripeError
from .ids import new_id
from .settings import Settings
from .store import Store
from .webhooks import WebhookDispatcher


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    webhooks = WebhookDispatcher(settings)
    # Events carry the API version of the SDK we ship with: the one our services use.
    store = Store(api_version=str(stripe.api_version), publisher=webhooks)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await webhooks.close()

    app = FastAPI(
        title="Stripe emulator",
        lifespan=lifespan,
        docs_url="/_emulator/docs",
        redoc_url=None,
        openapi_url="/_emulator/openapi.json",
    )
    app.state.emulator = Emulator(settings, store, webhooks)
    for module in (api_checkout, api_payments, api_connect, api_balance, api_emulator, pages):
        app.include_router(module.router)

    @app.api_route(
        "/v1/{rest:path}",
        methods=["GET", "POST", "DELETE", "PUT", "PATCH"],
        include_in_schema=False,
    )
    async def unrecognized(request: Request, rest: str) -> Response:
        return error_response(
            StripeError(
                404,
                f"Unrecognized request URL ({request.method}: /v1/{rest}). The emulator covers "
                "only part of the Stripe API; see tools/stripe_emulator/README.md.",
            ),
            new_id("req", 14),
        )

    return app

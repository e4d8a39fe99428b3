"""PaymentIntents, Charges, Refunds and Disputes routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from . import disputes, refunds
from .api_common import Resource, read_routes, run

router = APIRouter()
PAYMENTS = ("charge", "payment_intent")
read_routes(
    router,
    Resource(
        "payment_intent",
        "/v1/payment_intents",
        "stripe.params.PaymentIntentListParams",
        ("customer",),
        "intent",
    ),
    Resource(
        "charge",
        "/v1/charges",
        "stripe.params.ChargeListParams",
        ("payment_intent", "transfer_group", "customer"),
        "charge",
    ),
    Resource("refund", "/v1/refunds", "stripe.params.RefundListParams", PAYMENTS, "refund"),
    Resource("dispute", "/v1/disputes", "stripe.params.DisputeListParams", PAYMENTS, "dispute"),
)


@router.post("/v1/refunds")
async def create_refund(request: Request) -> Response:
    return await run(request, lambda c: refunds.create_refund(c.store, c.params, c.req))


@router.post("/v1/refunds/{refund}")
async def update_refund(request: Request, refund: str) -> Response:
    return await run(request, lambda c: refunds.update_refund(c.store, refund, c.params, c.req))


@router.post("/v1/disputes/{dispute}")
async def update_dispute(request: Request, dispute: str) -> Response:
    return await run(request, lambda c: disputes.update_dispute(c.store, dispute, c.params, c.req))


@router.post("/v1/disputes/{dispute}/close")
async def accept_dispute(request: Request, dispute: str) -> Response:
    """Closing a dispute via the API means accepting it: the platform loses it."""
    return await run(request, lambda c: disputes.close_dispute(c.store, dispute, "lost", c.req))

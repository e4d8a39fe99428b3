"""PaymentIntents, Charges, Refunds and Disputes routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from . import disputes, refunds
from .api_common import get_op, list_op, run

router = APIRouter()


@router.get("/v1/payment_intents")
async def list_payment_intents(request: Request) -> Response:
    return await run(
        request,
        list_op(
            "payment_intent",
            "/v1/payment_intents",
            "stripe.params.PaymentIntentListParams",
            {"customer": "customer"},
        ),
    )


@router.get("/v1/payment_intents/{intent}")
async def retrieve_payment_intent(request: Request, intent: str) -> Response:
    return await run(request, get_op("payment_intent", intent, "intent"))


@router.get("/v1/charges")
async def list_charges(request: Request) -> Response:
    fields = {
        "payment_intent": "payment_intent",
        "transfer_group": "transfer_group",
        "customer": "customer",
    }
    return await run(
        request, list_op("charge", "/v1/charges", "stripe.params.ChargeListParams", fields)
    )


@router.get("/v1/charges/{charge}")
async def retrieve_charge(request: Request, charge: str) -> Response:
    return await run(request, get_op("charge", charge, "charge"))


@router.post("/v1/refunds")
async def create_refund(request: Request) -> Response:
    return await run(request, lambda c: refunds.create_refund(c.store, c.params, c.req))


@router.get("/v1/refunds")
async def list_refunds(request: Request) -> Response:
    fields = {"charge": "charge", "payment_intent": "payment_intent"}
    return await run(
        request, list_op("refund", "/v1/refunds", "stripe.params.RefundListParams", fields)
    )


@router.get("/v1/refunds/{refund}")
async def retrieve_refund(request: Request, refund: str) -> Response:
    return await run(request, get_op("refund", refund, "refund"))


@router.post("/v1/refunds/{refund}")
async def update_refund(request: Request, refund: str) -> Response:
    return await run(request, lambda c: refunds.update_refund(c.store, refund, c.params, c.req))


@router.get("/v1/disputes")
async def list_disputes(request: Request) -> Response:
    fields = {"charge": "charge", "payment_intent": "payment_intent"}
    return await run(
        request, list_op("dispute", "/v1/disputes", "stripe.params.DisputeListParams", fields)
    )


@router.get("/v1/disputes/{dispute}")
async def retrieve_dispute(request: Request, dispute: str) -> Response:
    return await run(request, get_op("dispute", dispute, "dispute"))


@router.post("/v1/disputes/{dispute}")
async def update_dispute(request: Request, dispute: str) -> Response:
    return await run(request, lambda c: disputes.update_dispute(c.store, dispute, c.params, c.req))


@router.post("/v1/disputes/{dispute}/close")
async def accept_dispute(request: Request, dispute: str) -> Response:
    """Closing a dispute via the API means accepting it: the platform loses it."""
    return await run(request, lambda c: disputes.close_dispute(c.store, dispute, "lost", c.req))

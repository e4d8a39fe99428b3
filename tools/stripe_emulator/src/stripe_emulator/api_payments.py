"""PaymentIntents, Charges, Refunds and Disputes routes."""

from __future__ import annotations

from fastapi import APIRouter

from . import disputes, refunds
from .api_common import Resource, read_routes, write_routes

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


write_routes(
    router,
    {
        "/v1/refunds": lambda c: refunds.create_refund(c.store, c.params, c.req),
        "/v1/refunds/{refund}": lambda c, refund: refunds.update_refund(
            c.store, refund, c.params, c.req
        ),
        "/v1/disputes/{dispute}": lambda c, dispute: disputes.update_dispute(
            c.store, dispute, c.params, c.req
        ),
        # Closing a dispute via the API means accepting it: the platform loses it.
        "/v1/disputes/{dispute}/close": lambda c, dispute: disputes.close_dispute(
            c.store, dispute, "lost", c.req
        ),
    },
)

"""HTTP routes: thin, validate, call the commands or the queries. Domain errors become
problem+json in `billing.errors`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from shared.auth import AdminUser, CurrentUser
from shared.logging import get_logger
from shared.money import split
from shared.pagination import Page, limit_param
from shared.problems import NotFound
from shared.stripe_edge import read_event

from billing import queries, refunds
from billing.checkout import start_checkout
from billing.domain import Missing, Status
from billing.schemas import (
    AdminTransaction,
    CheckoutRequest,
    CheckoutResponse,
    FeeQuote,
    Purchase,
    RefundRequest,
    admin_view,
    purchase_view,
)
from billing.service import Billing
from billing.stripe_events import RetryLater, handle_stripe_event

log = get_logger(__name__)
router = APIRouter()


async def get_billing(request: Request) -> Billing:
    billing: Billing = request.app.state.billing
    return billing


Svc = Annotated[Billing, Depends(get_billing)]
Limit = Annotated[int, Depends(limit_param)]


# -- the fee rule -----------------------------------------------------------------------


@router.get(
    "/api/payments/fee-quote",
    response_model=FeeQuote,
    summary="What a creator earns at a price: the platform fee and the creator's share",
)
async def fee_quote(
    svc: Svc,
    amount: Annotated[int, Query(ge=0, le=100_000_000, description="price in minor units")],
    currency: Annotated[str, Query(pattern="^[A-Za-z]{3}$")] = "usd",
) -> FeeQuote:
    """Public: the same split, at the same rate, that billing stores on every sale."""
    rate = svc.settings.platform_fee_bps
    fee, revenue = split(amount, rate)
    return FeeQuote(
        amount=amount,
        currency=currency.lower(),
        platform_fee=fee,
        creator_revenue=revenue,
        fee_rate_bps=rate,
    )


# -- buyer routes -----------------------------------------------------------------------


@router.post(
    "/api/payments/create-checkout",
    response_model=CheckoutResponse,
    summary="Start buying a persona: returns the Stripe Checkout page to send the buyer to",
)
async def create_checkout(body: CheckoutRequest, user: CurrentUser, svc: Svc) -> CheckoutResponse:
    link = await start_checkout(svc, user.user_id, body.persona_id)
    return CheckoutResponse(
        checkout_url=link.checkout_url,
        session_id=link.session_id,
        transaction_id=link.transaction_id,
    )


@router.get(
    "/api/payments/history",
    response_model=Page[Purchase],
    summary="The signed-in buyer's purchases, newest first, with receipts",
)
async def history(
    user: CurrentUser, svc: Svc, limit: Limit, cursor: str | None = Query(None)
) -> Page[Purchase]:
    page = await queries.purchase_history(svc.pool, user.user_id, limit, cursor)
    return page.map(purchase_view)


@router.get(
    "/api/payments/sessions/{session_id}",
    response_model=Purchase,
    summary="The purchase behind a Checkout Session (the success page polls this)",
)
async def purchase_for_session(session_id: str, user: CurrentUser, svc: Svc) -> Purchase:
    row = await queries.transaction_by_session(svc.pool, session_id)
    if row is None or row["buyer_id"] != user.user_id:
        raise NotFound("There is no such checkout.", code="checkout_not_found")
    return purchase_view(row)


# -- Stripe -----------------------------------------------------------------------------


@router.post(
    "/api/payments/webhook",
    summary="Stripe webhook endpoint (signature-verified; no bearer token)",
    responses={400: {"description": "bad or stale signature"}, 503: {"description": "retry later"}},
)
async def stripe_webhook(request: Request, svc: Svc) -> JSONResponse:
    settings = svc.settings
    event = await read_event(request, settings.webhook_secret, settings.stripe_webhook_tolerance_s)
    try:
        outcome = await handle_stripe_event(svc, event)
    except RetryLater as exc:
        log.warning("webhook deferred", event_id=event.id, reason=str(exc))
        return JSONResponse({"received": False, "retry": True}, status_code=503)
    return JSONResponse({"received": True, "outcome": outcome})


# -- admin ------------------------------------------------------------------------------


@router.get(
    "/api/admin/payments",
    response_model=Page[AdminTransaction],
    summary="All transactions, newest first (admin)",
)
async def admin_list(
    admin: AdminUser,
    svc: Svc,
    limit: Limit,
    cursor: str | None = Query(None),
    status: Status | None = Query(None),
    buyer_id: str | None = Query(None, max_length=100),
    persona_id: str | None = Query(None, max_length=100),
    creator_id: str | None = Query(None, max_length=100),
) -> Page[AdminTransaction]:
    page = await queries.admin_transactions(
        svc.pool,
        limit,
        cursor,
        status=status.value if status else None,
        buyer_id=buyer_id,
        persona_id=persona_id,
        creator_id=creator_id,
    )
    return page.map(admin_view)


@router.get(
    "/api/admin/payments/{transaction_id}",
    response_model=AdminTransaction,
    summary="One transaction with its split, refunds and dispute (admin)",
)
async def admin_get(transaction_id: str, admin: AdminUser, svc: Svc) -> AdminTransaction:
    row = await queries.transaction(svc.pool, transaction_id)
    if row is None:
        raise Missing("There is no such payment.", "payment_not_found")
    return admin_view(row)


@router.post(
    "/api/admin/payments/{transaction_id}/refund",
    response_model=AdminTransaction,
    summary="Refund a purchase in full or in part (admin; send Idempotency-Key to retry safely)",
)
async def admin_refund(
    transaction_id: str,
    admin: AdminUser,
    svc: Svc,
    body: RefundRequest | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
) -> AdminTransaction:
    body = body or RefundRequest()
    await refunds.refund(
        svc,
        transaction_id,
        admin_id=admin.user_id,
        amount=body.amount,
        reason=body.reason,
        idempotency_key=idempotency_key,
    )
    row = await queries.transaction(svc.pool, transaction_id)
    assert row is not None
    return admin_view(row)

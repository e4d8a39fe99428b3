"""HTTP routes: thin, validate, call the service or the queries."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
import stripe
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from shared.auth import AdminUser, CurrentUser
from shared.http import get_pool
from shared.logging import get_logger
from shared.pagination import Page, decode_cursor, encode_cursor, limit_param
from shared.problems import NotFound, Problem

from billing import queries
from billing.commands import BillingService, RetryLater
from billing.domain import DomainError, Status
from billing.settings import BillingSettings
from billing.stripe_gateway import StripeUnavailable

log = get_logger(__name__)
router = APIRouter()

MAX_WEBHOOK_BYTES = 1_000_000


def get_service(request: Request) -> BillingService:
    service: BillingService = request.app.state.billing
    return service


Service = Annotated[BillingService, Depends(get_service)]
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


def _problem(exc: DomainError) -> Problem:
    return Problem(
        str(exc), status=exc.status, code=exc.code, title=_TITLES.get(exc.status, "Refused")
    )


_TITLES = {403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Invalid input"}


def _provider_down() -> Problem:
    return Problem(
        "The payment provider is not reachable right now; please try again in a moment.",
        status=502,
        code="payment_provider_unavailable",
        title="Payment provider unavailable",
    )


# -- models -----------------------------------------------------------------------------


class CheckoutRequest(BaseModel):
    persona_id: str = Field(min_length=1, max_length=100)


class CheckoutResponse(BaseModel):
    checkout_url: str
    session_id: str
    transaction_id: str


class ReceiptRefund(BaseModel):
    id: str
    amount: int
    created_at: datetime


class Receipt(BaseModel):
    number: str
    paid_at: datetime | None
    description: str
    subtotal: int
    tax: int
    total: int
    currency: str
    payment_method: str | None = Field(description='e.g. "visa •••• 4242"')
    refunded_amount: int
    refunds: list[ReceiptRefund]
    stripe_receipt_url: str | None


class Purchase(BaseModel):
    id: str
    persona_id: str
    persona_name: str
    amount: int = Field(description="the persona's price, in minor units, without tax")
    currency: str
    tax: int
    total: int = Field(description="what the buyer paid: amount + tax")
    status: Status
    created_at: datetime
    completed_at: datetime | None
    refunded_amount: int
    receipt: Receipt | None


class Dispute(BaseModel):
    id: str
    status: str
    amount: int
    creator_amount: int


class AdminRefund(BaseModel):
    id: str
    amount: int
    creator_amount: int
    reason: str | None = None
    requested_by: str | None = None
    created_at: datetime


class AdminTransaction(BaseModel):
    id: str
    status: Status
    buyer_id: str
    persona_id: str
    persona_name: str
    creator_id: str
    amount: int
    currency: str
    tax: int
    total: int
    fee_rate_bps: int
    platform_fee: int
    creator_revenue: int
    refunded_amount: int
    creator_refunded: int
    refundable: int
    refunds: list[AdminRefund]
    dispute: Dispute | None
    failure_reason: str | None
    stripe_session_id: str
    stripe_payment_intent: str | None
    stripe_charge: str | None
    created_at: datetime
    completed_at: datetime | None
    updated_at: datetime


class RefundRequest(BaseModel):
    amount: int | None = Field(
        default=None, ge=1, description="minor units; omit to refund everything still refundable"
    )
    reason: Literal["requested_by_customer", "duplicate", "fraudulent"] | None = None


def _payment_method(row: dict[str, Any]) -> str | None:
    if row["card_brand"] and row["card_last4"]:
        return f"{row['card_brand']} •••• {row['card_last4']}"
    return None


def _receipt(row: dict[str, Any]) -> Receipt | None:
    if row["completed_at"] is None:
        return None
    return Receipt(
        number=f"CP-{row['created_at']:%Y%m%d}-{row['id'][:8].upper()}",
        paid_at=row["completed_at"],
        description=row["persona_name"] or "Persona",
        subtotal=row["amount"],
        tax=row["tax"],
        total=row["amount_total"],
        currency=row["currency"],
        payment_method=_payment_method(row),
        refunded_amount=row["refunded_amount"],
        refunds=[
            ReceiptRefund(**{k: r[k] for k in ("id", "amount", "created_at")})
            for r in row["refunds"]
        ],
        stripe_receipt_url=row["receipt_url"],
    )


def purchase_view(row: dict[str, Any]) -> Purchase:
    return Purchase(
        id=row["id"],
        persona_id=row["persona_id"],
        persona_name=row["persona_name"],
        amount=row["amount"],
        currency=row["currency"],
        tax=row["tax"],
        total=row["amount_total"],
        status=Status(row["status"]),
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        refunded_amount=row["refunded_amount"],
        receipt=_receipt(row),
    )


def admin_view(row: dict[str, Any]) -> AdminTransaction:
    paid = row["completed_at"] is not None
    disputed = row["dispute_status"] in ("open", "lost")
    return AdminTransaction(
        id=row["id"],
        status=Status(row["status"]),
        buyer_id=row["buyer_id"],
        persona_id=row["persona_id"],
        persona_name=row["persona_name"],
        creator_id=row["creator_id"],
        amount=row["amount"],
        currency=row["currency"],
        tax=row["tax"],
        total=row["amount_total"],
        fee_rate_bps=row["fee_rate_bps"],
        platform_fee=row["platform_fee"],
        creator_revenue=row["creator_revenue"],
        refunded_amount=row["refunded_amount"],
        creator_refunded=row["creator_refunded"],
        refundable=max(0, row["amount_total"] - row["refunded_amount"])
        if paid and not disputed
        else 0,
        refunds=[AdminRefund(**r) for r in row["refunds"]],
        dispute=Dispute(
            id=row["dispute_id"],
            status=row["dispute_status"],
            amount=row["dispute_amount"],
            creator_amount=row["dispute_creator_amount"],
        )
        if row["dispute_id"]
        else None,
        failure_reason=row["failure_reason"],
        stripe_session_id=row["session_id"],
        stripe_payment_intent=row["payment_intent"],
        stripe_charge=row["charge_id"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        updated_at=row["updated_at"],
    )


def _keyset(cursor: str | None) -> tuple[datetime, str] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        created_at, tx_id = values
        return datetime.fromisoformat(str(created_at)), str(tx_id)
    except (ValueError, TypeError) as exc:
        raise Problem("The cursor is not valid.", code="invalid_cursor") from exc


def _page(rows: list[dict[str, Any]], limit: int, view: Any) -> dict[str, Any]:
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = (
        encode_cursor([rows[-1]["created_at"].isoformat(), rows[-1]["id"]])
        if more and rows
        else None
    )
    return {"items": [view(r) for r in rows], "next_cursor": cursor}


# -- buyer routes -----------------------------------------------------------------------


@router.post(
    "/api/payments/create-checkout",
    response_model=CheckoutResponse,
    summary="Start buying a persona: returns the Stripe Checkout page to send the buyer to",
)
async def create_checkout(
    body: CheckoutRequest, user: CurrentUser, service: Service
) -> CheckoutResponse:
    try:
        link = await service.start_checkout(user.user_id, body.persona_id)
    except DomainError as exc:
        raise _problem(exc) from exc
    except (StripeUnavailable, stripe.StripeError) as exc:
        log.error("checkout could not be created", error=str(exc))
        raise _provider_down() from exc
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
    user: CurrentUser,
    pool: Pool,
    limit: int = Depends(limit_param),
    cursor: str | None = Query(None),
) -> dict[str, Any]:
    async with pool.acquire() as conn:
        rows = await queries.purchase_history(conn, user.user_id, limit, _keyset(cursor))
    return _page(rows, limit, purchase_view)


@router.get(
    "/api/payments/sessions/{session_id}",
    response_model=Purchase,
    summary="The purchase behind a Checkout Session (the success page polls this)",
)
async def purchase_for_session(session_id: str, user: CurrentUser, pool: Pool) -> Purchase:
    async with pool.acquire() as conn:
        row = await queries.transaction_by_session(conn, session_id)
    if row is None or row["buyer_id"] != user.user_id:
        raise NotFound("There is no such checkout.", code="checkout_not_found")
    return purchase_view(row)


# -- Stripe -----------------------------------------------------------------------------


@router.post(
    "/api/payments/webhook",
    summary="Stripe webhook endpoint (signature-verified; no bearer token)",
    responses={400: {"description": "bad or stale signature"}, 503: {"description": "retry later"}},
)
async def stripe_webhook(request: Request, service: Service) -> JSONResponse:
    settings: BillingSettings = request.app.state.settings
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_WEBHOOK_BYTES:
            raise Problem("Payload too large.", status=413, code="payload_too_large")
    try:
        payload = bytes(raw).decode("utf-8")
        stripe.WebhookSignature.verify_header(
            payload,
            request.headers.get("stripe-signature"),
            settings.stripe_webhook_secret,
            settings.stripe_webhook_tolerance_s,
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        log.warning("webhook refused", reason=type(exc).__name__)
        raise Problem(
            "The webhook signature is missing, wrong or too old.",
            status=400,
            code="invalid_signature",
        ) from exc
    if not isinstance(event, dict):
        raise Problem("The webhook body is not an event.", status=400, code="invalid_event")
    try:
        outcome = await service.handle_stripe_event(event)
    except RetryLater as exc:
        log.warning("webhook deferred", event_id=event.get("id"), reason=str(exc))
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
    pool: Pool,
    limit: int = Depends(limit_param),
    cursor: str | None = Query(None),
    status: Status | None = Query(None),
    buyer_id: str | None = Query(None, max_length=100),
    persona_id: str | None = Query(None, max_length=100),
    creator_id: str | None = Query(None, max_length=100),
) -> dict[str, Any]:
    async with pool.acquire() as conn:
        rows = await queries.admin_transactions(
            conn,
            limit,
            _keyset(cursor),
            status=status.value if status else None,
            buyer_id=buyer_id,
            persona_id=persona_id,
            creator_id=creator_id,
        )
    return _page(rows, limit, admin_view)


@router.get(
    "/api/admin/payments/{transaction_id}",
    response_model=AdminTransaction,
    summary="One transaction with its split, refunds and dispute (admin)",
)
async def admin_get(transaction_id: str, admin: AdminUser, pool: Pool) -> AdminTransaction:
    async with pool.acquire() as conn:
        row = await queries.transaction(conn, transaction_id)
    if row is None:
        raise NotFound("There is no such payment.", code="payment_not_found")
    return admin_view(row)


@router.post(
    "/api/admin/payments/{transaction_id}/refund",
    response_model=AdminTransaction,
    summary="Refund a purchase in full or in part (admin; send Idempotency-Key to retry safely)",
)
async def admin_refund(
    transaction_id: str,
    admin: AdminUser,
    service: Service,
    pool: Pool,
    body: RefundRequest | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
) -> AdminTransaction:
    body = body or RefundRequest()
    try:
        await service.refund(
            transaction_id,
            admin_id=admin.user_id,
            amount=body.amount,
            reason=body.reason,
            idempotency_key=idempotency_key,
        )
    except DomainError as exc:
        raise _problem(exc) from exc
    except (StripeUnavailable, stripe.StripeError) as exc:
        log.error("refund failed at Stripe", error=str(exc))
        raise _provider_down() from exc
    async with pool.acquire() as conn:
        row = await queries.transaction(conn, transaction_id)
    assert row is not None
    return admin_view(row)

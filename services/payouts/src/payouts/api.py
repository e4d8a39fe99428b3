"""HTTP routes: thin; validate, check who asks, call commands or queries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import stripe
from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, Field
from shared.auth import CurrentUser
from shared.logging import get_logger
from shared.pagination import Page, limit_param
from shared.problems import Problem, Unprocessable

from payouts import commands, queries
from payouts.commands import Payouts
from payouts.domain import ACCOUNT_BLOCKERS, Blocker, PayoutRefused, payout_blockers
from payouts.statements import Statement, to_csv, to_pdf

log = get_logger(__name__)
router = APIRouter()

CurrencyCode = Annotated[str | None, Query(pattern="^[A-Za-z]{3}$", description="ISO 4217")]


def get_payouts(request: Request) -> Payouts:
    svc: Payouts = request.app.state.payouts
    return svc


Svc = Annotated[Payouts, Depends(get_payouts)]


class RefusedProblem(Problem):
    """A payout refusal: the reason first, with its figures as extension members."""

    status, code, title = 409, "payout_refused", "Payout not possible"

    def __init__(self, refused: PayoutRefused, status: int = 409) -> None:
        primary = refused.primary
        super().__init__(primary.message, status=status, code=primary.code)
        self.extensions: dict[str, Any] = {
            **primary.extra,
            "blockers": [b.to_dict() for b in refused.blockers],
        }

    def body(self, instance: str | None = None) -> dict[str, Any]:
        return {**super().body(instance), **self.extensions}


class StripeUnavailable(Problem):
    status, code, title = 502, "stripe_unavailable", "Stripe is not reachable"


# -- response shapes (all money in integer minor units) ---------------------------------------


class OnboardingOut(BaseModel):
    url: str
    expires_at: int
    stripe_account: str
    onboarded: bool


class MonthOut(BaseModel):
    month: str
    gross: int
    fees: int
    refunds: int
    net: int


class BlockerOut(BaseModel):
    model_config = {"extra": "allow"}
    code: str
    message: str


class EarningsOut(BaseModel):
    currency: str
    pending: int
    available: int
    paid: int
    lifetime: int
    balance: int = Field(description="available + pending - in flight; negative = owed")
    in_flight: int
    by_month: list[MonthOut]
    payout_blockers: list[BlockerOut]
    can_request_payout: bool
    onboarded: bool
    minimum_payout: int
    holding_days: int
    next_available_at: datetime | None
    currencies: list[str]


class TransactionOut(BaseModel):
    id: str
    type: str
    description: str
    transaction_id: str | None
    payout_id: str | None
    reference: str | None
    persona_id: str | None
    gross: int
    fee: int
    amount: int = Field(description="signed effect on the balance")
    currency: str
    status: str | None
    reason: str | None
    available_at: datetime | None
    created_at: datetime


class PayoutOut(BaseModel):
    id: str
    amount: int
    currency: str
    status: Literal["requested", "paid", "failed"]
    reason: str | None
    failure_code: str | None
    reversed_amount: int
    stripe_transfer: str | None
    created_at: datetime
    settled_at: datetime | None


class PayoutIn(BaseModel):
    model_config = {"extra": "forbid"}
    amount: int | None = Field(
        default=None, ge=1, description="cents; omitted: the whole available balance"
    )
    currency: str | None = Field(default=None, pattern="^[A-Za-z]{3}$")


# -- routes --------------------------------------------------------------------------------------


@router.post("/api/payouts/onboarding", response_model=OnboardingOut)
async def start_onboarding(user: CurrentUser, svc: Svc) -> dict[str, Any]:
    """Create (once) the creator's Stripe Express account and return an onboarding link."""
    try:
        return await commands.start_onboarding(svc, user.user_id)
    except stripe.StripeError as exc:
        log.warning("onboarding failed at Stripe", error=repr(exc))
        raise StripeUnavailable(
            "Stripe could not start onboarding right now; please try again in a minute."
        ) from exc


@router.get("/api/earnings", response_model=EarningsOut)
async def earnings(user: CurrentUser, svc: Svc, currency: CurrencyCode = None) -> dict[str, Any]:
    now = svc.now()
    settings = svc.settings
    account = await commands.refresh_account(svc, user.user_id)
    cur = (
        currency or await queries.main_currency(svc.pool, user.user_id, settings.default_currency)
    ).lower()
    bal = await queries.balance(svc.pool, user.user_id, cur, now)
    blockers = payout_blockers(bal, account, settings.minimum_cents, settings.holding_days)
    can_request = not blockers
    failed = await queries.last_failed_payout(svc.pool, user.user_id, cur)
    if failed is not None:
        blockers.append(
            Blocker(
                "transfer_failed",
                str(failed["reason"]),
                {"payout_id": failed["id"], "amount": failed["amount"]},
            )
        )
    start, end = queries.trailing_window(now)
    months = await queries.months(svc.pool, user.user_id, cur, start, end)
    currencies = sorted(
        {cur}
        | {
            r["currency"]
            for r in await svc.pool.fetch(
                "SELECT DISTINCT currency FROM earning_txns WHERE creator_id = $1", user.user_id
            )
        }
    )
    return {
        "currency": cur,
        "pending": bal.pending,
        "available": bal.available,
        "paid": bal.paid,
        "lifetime": bal.lifetime,
        "balance": bal.total,
        "in_flight": bal.in_flight,
        "by_month": [m.to_dict() for m in months],
        "payout_blockers": [b.to_dict() for b in blockers],
        "can_request_payout": can_request,
        "onboarded": account.onboarded,
        "minimum_payout": settings.minimum_cents,
        "holding_days": settings.holding_days,
        "next_available_at": bal.next_available_at,
        "currencies": currencies,
    }


@router.get("/api/earnings/transactions", response_model=Page[TransactionOut])
async def earning_transactions(
    user: CurrentUser,
    svc: Svc,
    limit: int = Depends(limit_param),
    cursor: str | None = None,
    currency: CurrencyCode = None,
) -> Page[dict[str, Any]]:
    return await queries.transactions(
        svc.pool, user.user_id, svc.now(), limit, cursor, currency.lower() if currency else None
    )


@router.post("/api/payouts", response_model=PayoutOut, status_code=201)
async def request_payout(
    user: CurrentUser,
    svc: Svc,
    response: Response,
    body: PayoutIn | None = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> dict[str, Any]:
    """Pay out the available balance (or `amount` of it) to the creator's Stripe account.

    Refusals are 409 (422 for an `amount` below the minimum) with the reason's `code`, a message
    saying what is missing, and every blocker in `blockers`. A transfer Stripe refuses gives the
    payout back with status `failed` and its reason; the money is back in the balance.
    """
    body = body or PayoutIn()
    currency = (
        body.currency
        or await queries.main_currency(svc.pool, user.user_id, svc.settings.default_currency)
    ).lower()
    payout_id = commands.payout_id_for(user.user_id, idempotency_key)
    try:
        item, created = await commands.request_payout(
            svc, user.user_id, payout_id=payout_id, currency=currency, amount=body.amount
        )
    except PayoutRefused as refused:
        explicit_too_small = (
            body.amount is not None
            and refused.primary.code == "below_minimum"
            and body.amount < svc.settings.minimum_cents
            and not any(b.code in ACCOUNT_BLOCKERS for b in refused.blockers)
        )
        raise RefusedProblem(refused, status=422 if explicit_too_small else 409) from None
    if not created:
        response.status_code = 200
    return item


@router.get("/api/payouts", response_model=Page[PayoutOut])
async def list_payouts(
    user: CurrentUser, svc: Svc, limit: int = Depends(limit_param), cursor: str | None = None
) -> Page[dict[str, Any]]:
    return await queries.payouts(svc.pool, user.user_id, limit, cursor)


@router.get(
    "/api/earnings/statements/{year}",
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
async def annual_statement(
    user: CurrentUser,
    svc: Svc,
    year: Annotated[int, Path(ge=2000, le=2100)],
    format: Literal["csv", "pdf"] = "csv",
    currency: CurrencyCode = None,
) -> Response:
    """Gross sales, fees, refunds, net earnings and payouts month by month for one year."""
    now = svc.now()
    if year > now.year:
        raise Unprocessable(f"There is no statement for {year} yet.", code="future_year")
    cur = (
        currency
        or await queries.main_currency(svc.pool, user.user_id, svc.settings.default_currency)
    ).lower()
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    months = await queries.months(svc.pool, user.user_id, cur, start, end)
    statement = Statement(
        creator_id=user.user_id, year=year, currency=cur, months=months, generated_at=now
    )
    if format == "pdf":
        return Response(
            to_pdf(statement),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{statement.filename}.pdf"'},
        )
    return Response(
        to_csv(statement),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{statement.filename}.csv"'},
    )


MAX_WEBHOOK_BYTES = 1_000_000


@router.post("/api/payouts/webhook", include_in_schema=True)
async def stripe_webhook(
    request: Request,
    svc: Svc,
    stripe_signature: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    """Stripe Connect events (no JWT): the signature is checked on the raw body."""
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_WEBHOOK_BYTES:  # unauthenticated: never buffer an unbounded body
            raise Problem("Payload too large.", status=413, code="payload_too_large")
    try:
        stripe.Webhook.construct_event(
            bytes(raw), stripe_signature, svc.settings.connect_webhook_secret
        )
        event = json.loads(raw)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise Problem(
            "The Stripe signature is missing or does not match.", code="invalid_signature"
        ) from exc
    outcome = await commands.handle_stripe_event(svc, event)
    log.info("stripe event", event_type=event.get("type"), outcome=outcome)
    return {"status": outcome}

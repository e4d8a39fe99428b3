"""HTTP routes: thin; validate, check who asks, call commands or queries. Domain errors become
problem+json in `payouts.errors`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from shared.auth import CurrentUser
from shared.logging import get_logger
from shared.pagination import Page, limit_param
from shared.problems import Unprocessable
from shared.stripe_edge import read_event

from payouts import commands, queries
from payouts.domain import Blocker, payout_blockers
from payouts.schemas import EarningsOut, OnboardingOut, PayoutIn, PayoutOut, TransactionOut
from payouts.service import Payouts
from payouts.statements import Statement, to_csv, to_pdf
from payouts.stripe_events import handle_stripe_event

log = get_logger(__name__)
router = APIRouter()

CurrencyCode = Annotated[str | None, Query(pattern="^[A-Za-z]{3}$", description="ISO 4217")]


async def get_payouts(request: Request) -> Payouts:
    svc: Payouts = request.app.state.payouts
    return svc


Svc = Annotated[Payouts, Depends(get_payouts)]
Limit = Annotated[int, Depends(limit_param)]


# -- routes --------------------------------------------------------------------------------------


@router.post("/api/payouts/onboarding", response_model=OnboardingOut)
async def start_onboarding(user: CurrentUser, svc: Svc) -> dict[str, Any]:
    """Create (once) the creator's Stripe Express account and return an onboarding link."""
    return await commands.start_onboarding(svc, user.user_id)


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
    currencies = sorted({cur} | set(await queries.currencies(svc.pool, user.user_id)))
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
    limit: Limit,
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
    item, created = await commands.request_payout(
        svc, user.user_id, payout_id=payout_id, currency=currency, amount=body.amount
    )
    if not created:
        response.status_code = 200
    return item


@router.get("/api/payouts", response_model=Page[PayoutOut])
async def list_payouts(
    user: CurrentUser, svc: Svc, limit: Limit, cursor: str | None = None
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


@router.post("/api/payouts/webhook", include_in_schema=True)
async def stripe_webhook(request: Request, svc: Svc) -> dict[str, str]:
    """Stripe Connect events (no JWT): the signature is checked on the raw body."""
    settings = svc.settings
    event = await read_event(request, settings.webhook_secret, settings.stripe_webhook_tolerance_s)
    outcome = await handle_stripe_event(svc, event)
    log.info("stripe event", event_type=event.type, outcome=outcome)
    return {"status": outcome}

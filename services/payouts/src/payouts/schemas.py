"""Payouts' view models (all money in integer minor units) and how rows become them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import asyncpg
from pydantic import BaseModel, Field
from shared.money import format_money


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


# -- rows to views ------------------------------------------------------------------------

_ENTRY_LABELS = {
    "sale": "Sale",
    "refund": "Refund",
    "dispute": "Dispute opened",
    "dispute_won": "Dispute won",
    "payout": "Payout",
    "payout_returned": "Payout failed: money returned",
    "payout_reversed": "Transfer reversed: money returned",
}


def entry_item(r: asyncpg.Record, now: datetime) -> dict[str, Any]:
    kind = r["kind"]
    if kind == "sale":
        status = "pending" if r["available_at"] and r["available_at"] > now else "available"
    elif kind == "payout":
        status = r["payout_status"]
    else:
        status = "settled"
    return {
        "id": str(r["position"]),
        "type": kind,
        "description": _ENTRY_LABELS.get(kind, kind),
        "transaction_id": r["transaction_id"],
        "payout_id": r["payout_id"],
        "reference": r["reference"],
        "persona_id": r["persona_id"],
        "gross": r["gross"],
        "fee": r["fee"],
        "amount": r["amount"],
        "currency": r["currency"],
        "status": status,
        "reason": r["reason"],
        "available_at": r["available_at"],
        "created_at": r["occurred_at"],
    }


IN_PROGRESS_REASON = (
    "The transfer to your Stripe account is being made; if Stripe is unreachable it is retried "
    "automatically."
)


def payout_item(r: asyncpg.Record) -> dict[str, Any]:
    reason = r["reason"]
    status = r["status"]
    amount, currency = int(r["amount"]), r["currency"]
    if status == "requested":
        reason = IN_PROGRESS_REASON
    elif status == "failed" and r["reversed_amount"] >= amount:
        reason = (
            f"The transfer was reversed ({reason}); {format_money(amount, currency)} is back in "
            "your balance."
        )
    elif status == "failed":
        reason = (
            f"The transfer failed: {(reason or 'Stripe refused it').rstrip('.')}. "
            f"{format_money(amount, currency)} is back in your balance."
        )
    elif r["reversed_amount"] > 0:
        reason = (
            f"{format_money(int(r['reversed_amount']), currency)} of this transfer was reversed "
            f"({reason}) and is back in your balance."
        )
    return {
        "id": r["payout_id"],
        "amount": amount,
        "currency": currency,
        "status": status,
        "reason": reason,
        "failure_code": r["failure_code"],
        "reversed_amount": int(r["reversed_amount"]),
        "stripe_transfer": r["stripe_transfer"],
        "created_at": r["created_at"],
        "settled_at": r["settled_at"],
    }

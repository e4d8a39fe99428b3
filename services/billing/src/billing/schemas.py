"""Billing's view models (what the API answers) and how rows become them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from billing.domain import Status


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


# Columns both views show as the row holds them; the admin view adds its own.
_SALE_COLUMNS = (
    "id",
    "persona_id",
    "persona_name",
    "amount",
    "currency",
    "tax",
    "refunded_amount",
    "created_at",
    "completed_at",
)
_ADMIN_COLUMNS = (
    "buyer_id",
    "creator_id",
    "fee_rate_bps",
    "platform_fee",
    "creator_revenue",
    "creator_refunded",
    "failure_reason",
    "updated_at",
)


def _sale(row: dict[str, Any], *extra: str) -> dict[str, Any]:
    """The row's sale as both views name it (plus the `extra` columns, unrenamed)."""
    shown = {c: row[c] for c in (*_SALE_COLUMNS, *extra)}
    return {**shown, "status": Status(row["status"]), "total": row["amount_total"]}


def purchase_view(row: dict[str, Any]) -> Purchase:
    return Purchase(**_sale(row), receipt=_receipt(row))


def admin_view(row: dict[str, Any]) -> AdminTransaction:
    paid = row["completed_at"] is not None
    disputed = row["dispute_status"] in ("open", "lost")
    return AdminTransaction(
        **_sale(row, *_ADMIN_COLUMNS),
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
        stripe_session_id=row["session_id"],
        stripe_payment_intent=row["payment_intent"],
        stripe_charge=row["charge_id"],
    )


class FeeQuote(BaseModel):
    """What a price splits into under the fee rule every sale uses (`shared.money.split` at
    `BILLING_PLATFORM_FEE_BPS`): the creator earns `creator_revenue`."""

    amount: int
    currency: str
    platform_fee: int
    creator_revenue: int
    fee_rate_bps: int

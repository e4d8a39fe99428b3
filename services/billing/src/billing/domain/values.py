"""Billing's values and domain errors: statuses, what Stripe reported, refusals. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "COUNTED_REFUND_STATUSES",
    "DISPUTE_CLOSED",
    "DISPUTE_KEPT",
    "OWNING_STATUSES",
    "DomainError",
    "InvalidAmount",
    "Missing",
    "NotAllowed",
    "NotPaidYet",
    "Payment",
    "RecordedRefund",
    "Sale",
    "Status",
    "StripeDispute",
    "StripeRefund",
]


class Status(StrEnum):
    PENDING = "pending"  # sent to Checkout, not paid
    PROCESSING = "processing"  # Checkout done, an asynchronous payment is settling
    COMPLETED = "completed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"  # a chargeback is open
    CHARGED_BACK = "charged_back"  # the chargeback was lost
    FAILED = "failed"
    EXPIRED = "expired"


# The buyer holds the persona in these states (a partial refund keeps access; so does an open
# dispute until it is lost).
OWNING_STATUSES = frozenset({Status.COMPLETED, Status.PARTIALLY_REFUNDED, Status.DISPUTED})
# Refund statuses that move money back to the buyer (Stripe counts pending ones in
# `amount_refunded` too); failed and canceled refunds never do.
COUNTED_REFUND_STATUSES = frozenset({"succeeded", "pending", "requires_action"})
# Dispute outcomes in which the platform keeps the money (inquiries close as `warning_closed`).
DISPUTE_KEPT = frozenset({"won", "warning_closed"})
DISPUTE_CLOSED = DISPUTE_KEPT | {"lost"}


class DomainError(Exception):
    """A decision refused (a conflict with the current state); `code` is its stable problem
    code. `billing.errors` says how each kind is shown over HTTP."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Missing(DomainError):
    """What was asked about does not exist."""


class NotAllowed(DomainError):
    """This user may not do it."""


class InvalidAmount(DomainError):
    """The request itself asks for something impossible (more than can be refunded)."""


class NotPaidYet(Exception):
    """A refund or dispute arrived for a sale we have not yet seen paid: reconcile first."""


@dataclass(frozen=True)
class Sale:
    """What is sold to whom, at the price snapshotted when the checkout starts."""

    buyer_id: str
    persona_id: str
    creator_id: str
    persona_name: str
    amount: int
    currency: str


@dataclass(frozen=True)
class Payment:
    """Stripe's word that the buyer paid (from a Checkout Session, plus its charge if known)."""

    session_id: str
    payment_intent: str | None
    amount_subtotal: int | None
    tax: int
    amount_total: int
    charge_id: str | None = None
    receipt_url: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None


@dataclass(frozen=True)
class StripeRefund:
    refund_id: str
    amount: int
    status: str
    reason: str | None = None
    request_key: str | None = None
    requested_by: str | None = None


@dataclass(frozen=True)
class StripeDispute:
    dispute_id: str
    amount: int
    status: str
    reason: str | None = None


@dataclass(frozen=True)
class RecordedRefund:
    refund_id: str
    amount: int
    creator_amount: int
    request_key: str | None

"""Billing's domain: the Transaction aggregate and the values it decides with. Pure, no I/O."""

from billing.domain.transaction import Transaction
from billing.domain.values import (
    COUNTED_REFUND_STATUSES,
    DISPUTE_CLOSED,
    DISPUTE_KEPT,
    OWNING_STATUSES,
    DomainError,
    InvalidAmount,
    Missing,
    NotAllowed,
    NotPaidYet,
    Payment,
    RecordedRefund,
    Sale,
    Status,
    StripeDispute,
    StripeRefund,
)

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
    "Transaction",
]

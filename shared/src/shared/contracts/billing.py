"""Events published by billing (routing keys `billing.<Type>`). Money in integer minor units."""

from __future__ import annotations

from shared.events import Event


class CheckoutStarted(Event):
    transaction_id: str
    buyer_id: str
    persona_id: str
    creator_id: str
    amount: int
    currency: str
    session_id: str


class PurchaseCompleted(Event):
    """Paid in full. Catalog grants the entitlement; payouts credits `creator_revenue`."""

    transaction_id: str
    buyer_id: str
    persona_id: str
    creator_id: str
    amount: int
    currency: str
    platform_fee: int
    creator_revenue: int
    fee_rate_bps: int
    tax: int = 0
    stripe_payment_intent: str | None = None
    stripe_charge: str | None = None


class PurchaseFailed(Event):
    transaction_id: str
    buyer_id: str
    persona_id: str
    reason: str


class PurchaseRefunded(Event):
    """`amount` refunded of the gross; `creator_amount` is the creator's share to reverse.
    `full` ends the buyer's access."""

    transaction_id: str
    refund_id: str
    buyer_id: str
    persona_id: str
    creator_id: str
    amount: int
    creator_amount: int
    currency: str
    full: bool


class DisputeOpened(Event):
    transaction_id: str
    dispute_id: str
    buyer_id: str
    persona_id: str
    creator_id: str
    amount: int
    creator_amount: int
    currency: str


class DisputeClosed(Event):
    transaction_id: str
    dispute_id: str
    creator_id: str
    status: str  # won | lost
    amount: int
    creator_amount: int
    currency: str

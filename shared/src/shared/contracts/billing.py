"""Events published by billing (routing keys `billing.<Type>`). Money in integer minor units."""

from __future__ import annotations

from datetime import datetime

from shared.events import Event


class CheckoutStarted(Event):
    """A buyer was sent to Stripe Checkout. The price and split are snapshotted here."""

    transaction_id: str
    buyer_id: str
    persona_id: str
    creator_id: str
    amount: int
    currency: str
    session_id: str
    persona_name: str = ""
    fee_rate_bps: int = 0
    platform_fee: int = 0
    creator_revenue: int = 0
    tax_enabled: bool = False
    checkout_url: str | None = None
    expires_at: datetime | None = None


class PaymentProcessing(Event):
    """Checkout finished but the payment settles later (async methods); nothing granted yet."""

    transaction_id: str
    buyer_id: str
    persona_id: str
    stripe_payment_intent: str | None = None


class CheckoutExpired(Event):
    """The Checkout Session expired unpaid; the buyer may start again."""

    transaction_id: str
    buyer_id: str
    persona_id: str


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
    persona_name: str = ""
    session_id: str | None = None
    amount_total: int = 0  # what the buyer paid: amount + tax
    receipt_url: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None


class PurchaseFailed(Event):
    transaction_id: str
    buyer_id: str
    persona_id: str
    reason: str


class PurchaseRefunded(Event):
    """`amount` refunded of the gross; `creator_amount` is the creator's share to reverse.
    `full` ends the buyer's access.

    `amount` is what goes back to the buyer (tax included, proportionally); `refunded_total` is
    the running total after this refund. `request_key` identifies the admin request that issued
    it (None when the refund was made outside the platform, e.g. in the Stripe dashboard)."""

    transaction_id: str
    refund_id: str
    buyer_id: str
    persona_id: str
    creator_id: str
    amount: int
    creator_amount: int
    currency: str
    full: bool
    refunded_total: int = 0
    reason: str | None = None
    requested_by: str | None = None
    request_key: str | None = None


class DisputeOpened(Event):
    """A chargeback: `creator_amount` of the creator's earning is held back until it closes."""

    transaction_id: str
    dispute_id: str
    buyer_id: str
    persona_id: str
    creator_id: str
    amount: int
    creator_amount: int
    currency: str
    reason: str | None = None


class DisputeClosed(Event):
    """`won`: the held `creator_amount` is the creator's again; `lost`: it stays reversed."""

    transaction_id: str
    dispute_id: str
    creator_id: str
    status: str  # won | lost
    amount: int
    creator_amount: int
    currency: str
    buyer_id: str = ""
    persona_id: str = ""

"""Events published by payouts (routing keys `payouts.<Type>`). Money in integer minor units.

Every ledger event is on the creator's ledger stream (`stream_type` "creator_ledger", stream id
`ledger-<creator_id>`); account events on `account-<creator_id>`. Fields added after the first
version have defaults, so older stored events still read.
"""

from __future__ import annotations

from datetime import datetime

from shared.events import Event


class CreatorEarningRecorded(Event):
    """A sale credited the creator `amount` (their share), available from `available_at`."""

    creator_id: str
    transaction_id: str
    amount: int
    currency: str
    available_at: datetime
    gross_amount: int = 0  # the price the split was made on (pre-tax)
    platform_fee: int = 0
    tax: int = 0  # collected on top of the price
    persona_id: str | None = None
    effective_at: datetime | None = None  # when billing completed the sale


class EarningReversed(Event):
    """A refund or dispute took `amount` of the creator's share back."""

    creator_id: str
    transaction_id: str
    amount: int
    currency: str
    reason: str  # refund | dispute
    reference: str | None = None  # refund or dispute id
    gross_amount: int = 0  # the pre-tax part of the buyer money refunded or disputed
    effective_at: datetime | None = None  # when billing refunded or the dispute opened


class EarningReinstated(Event):
    """A dispute was won: the share it had taken back is credited again."""

    creator_id: str
    transaction_id: str
    amount: int
    currency: str
    reference: str  # dispute id
    gross_amount: int = 0
    effective_at: datetime | None = None


class PayoutRequested(Event):
    """Funds reserved for a transfer; they leave the available balance at once."""

    payout_id: str
    creator_id: str
    amount: int
    currency: str
    destination: str | None = None  # the connected Stripe account


class PayoutPaid(Event):
    payout_id: str
    creator_id: str
    amount: int
    currency: str
    stripe_transfer: str


class PayoutFailed(Event):
    """The transfer was refused; the reserved funds are back in the balance."""

    payout_id: str
    creator_id: str
    amount: int
    currency: str
    reason: str
    code: str | None = None


class PayoutReversed(Event):
    """Stripe reversed (part of) a paid transfer; `amount` is back in the balance."""

    payout_id: str
    creator_id: str
    amount: int
    currency: str
    stripe_transfer: str
    reason: str


class PayoutAccountCreated(Event):
    """A Stripe Connect Express account was made for the creator."""

    creator_id: str
    stripe_account: str


class PayoutAccountUpdated(Event):
    """Stripe's view of the connected account changed (onboarding finished, payouts paused)."""

    creator_id: str
    stripe_account: str
    details_submitted: bool
    payouts_enabled: bool
    transfers_active: bool

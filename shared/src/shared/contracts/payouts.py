"""Events published by payouts (routing keys `payouts.<Type>`). Money in integer minor units."""

from __future__ import annotations

from datetime import datetime

from shared.events import Event


class CreatorEarningRecorded(Event):
    creator_id: str
    transaction_id: str
    amount: int
    currency: str
    available_at: datetime


class EarningReversed(Event):
    creator_id: str
    transaction_id: str
    amount: int
    currency: str
    reason: str  # refund | dispute


class PayoutRequested(Event):
    payout_id: str
    creator_id: str
    amount: int
    currency: str


class PayoutPaid(Event):
    payout_id: str
    creator_id: str
    amount: int
    currency: str
    stripe_transfer: str


class PayoutFailed(Event):
    payout_id: str
    creator_id: str
    amount: int
    currency: str
    reason: str

"""A creator's balance in one currency: each sale's earning, each payout, and the sums. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "FAILED",
    "PAID",
    "REQUESTED",
    "Balance",
    "Clawback",
    "PayoutState",
    "TxnEarning",
    "balance_of",
]

REQUESTED, PAID, FAILED = "requested", "paid", "failed"


@dataclass
class TxnEarning:
    """One sale's effect on the creator: their share, and what was taken back since."""

    currency: str
    earned: int = 0
    reversed: int = 0  # refunds and disputes, net of disputes won
    # Unknown until the sale itself is seen; a reversal that arrives first counts at once.
    available_at: datetime | None = None
    sale_seen: bool = False
    gross: int = 0  # pre-tax price
    tax: int = 0

    def pre_tax(self, buyer_money: int) -> int:
        """The pre-tax part of an amount refunded or disputed (billing includes tax pro rata)."""
        total = self.gross + self.tax
        if not self.sale_seen or self.tax <= 0 or total <= 0:
            return buyer_money
        return (buyer_money * self.gross + total // 2) // total

    @property
    def net(self) -> int:
        return self.earned - self.reversed


@dataclass(frozen=True)
class Clawback:
    """What a refund or dispute concerns on one sale: the creator's share taken back (or, for a
    dispute won, returned), from `gross_amount` of buyer money (0: unknown, the share alone)."""

    transaction_id: str
    amount: int
    currency: str
    gross_amount: int = 0
    effective_at: datetime | None = None


@dataclass
class PayoutState:
    payout_id: str
    amount: int
    currency: str
    status: str = REQUESTED
    reversed: int = 0
    destination: str | None = None
    stripe_transfer: str | None = None
    reason: str | None = None

    @property
    def committed(self) -> int:
        """What this payout takes out of the balance: all of it unless it failed or came back."""
        return self.amount - self.reversed if self.status in (REQUESTED, PAID) else 0


@dataclass(frozen=True)
class Balance:
    """A creator's position in one currency at one moment (all integer minor units)."""

    currency: str
    matured: int = 0  # net earnings past their holding period
    pending: int = 0  # net earnings still held
    committed: int = 0  # paid out or on its way, net of reversed transfers
    paid: int = 0  # paid out, net of reversed transfers
    in_flight: int = 0  # requested, transfer not settled yet
    lifetime: int = 0  # every net earning ever (matured + pending)
    # (available_at, amount) of held earnings, earliest first.
    releases: tuple[tuple[datetime, int], ...] = ()

    @property
    def total(self) -> int:
        """The whole balance: negative when refunds of paid-out money exceed what is held."""
        return self.matured + self.pending - self.committed

    @property
    def available(self) -> int:
        return max(0, min(self.matured - self.committed, self.total))

    @property
    def debt(self) -> int:
        """How far paid-out money exceeds matured earnings (refunds after a payout)."""
        return max(0, self.committed - self.matured)

    @property
    def next_available_at(self) -> datetime | None:
        return next((when for when, amount in self.releases if amount > 0), None)

    def eligible_at(self, minimum: int) -> datetime | None:
        """When held earnings will lift the available balance to `minimum`, if they will."""
        running = self.matured - self.committed
        for when, amount in self.releases:
            running += amount
            if running >= minimum:
                return when
        return None


def balance_of(
    txns: Iterable[TxnEarning], payouts: Iterable[PayoutState], currency: str, now: datetime
) -> Balance:
    matured = pending = 0
    releases: dict[datetime, int] = {}
    for t in txns:
        if t.currency != currency:
            continue
        if t.available_at is None or t.available_at <= now:
            matured += t.net
        else:
            pending += t.net
            releases[t.available_at] = releases.get(t.available_at, 0) + t.net
    committed = paid = in_flight = 0
    for p in payouts:
        if p.currency != currency:
            continue
        committed += p.committed
        if p.status == PAID:
            paid += p.amount - p.reversed
        elif p.status == REQUESTED:
            in_flight += p.amount
    return Balance(
        currency=currency,
        matured=matured,
        pending=pending,
        committed=committed,
        paid=paid,
        in_flight=in_flight,
        lifetime=matured + pending,
        releases=tuple(sorted(releases.items())),
    )

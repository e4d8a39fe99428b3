"""The creator ledger and the connected account: pure aggregates and payout rules, no I/O.

One ledger stream per creator (`ledger-<creator_id>`) holds every currency; balances are kept
per currency. Each sale is tracked per transaction (its creator share, what refunds and disputes
took back, and when it leaves the holding period), each payout by id. Everything that moves money
out (a payout request) appends to this one stream at the version it was decided on, so two
requests can never both spend the same balance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.aggregate import Aggregate
from shared.contracts.payouts import (
    CreatorEarningRecorded,
    EarningReinstated,
    EarningReversed,
    PayoutAccountCreated,
    PayoutAccountUpdated,
    PayoutFailed,
    PayoutPaid,
    PayoutRequested,
    PayoutReversed,
)

LEDGER_PREFIX = "ledger-"
ACCOUNT_PREFIX = "account-"

REQUESTED, PAID, FAILED = "requested", "paid", "failed"


def ledger_stream(creator_id: str) -> str:
    return f"{LEDGER_PREFIX}{creator_id}"


def account_stream(creator_id: str) -> str:
    return f"{ACCOUNT_PREFIX}{creator_id}"


# -- money formatting for messages -------------------------------------------------------

ZERO_DECIMAL = {"jpy", "krw", "vnd", "clp", "isk", "huf", "twd", "ugx", "xaf", "xof"}
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def format_money(cents: int, currency: str) -> str:
    """`2500, "usd"` -> `$25.00`, with integers only."""
    cur = currency.lower()
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    if cur in ZERO_DECIMAL:
        number = f"{cents:,}"
    else:
        whole, minor = divmod(cents, 100)
        number = f"{whole:,}.{minor:02d}"
    symbol = _SYMBOLS.get(cur)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {cur.upper()}"


def format_day(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


# -- balances ------------------------------------------------------------------------------


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


# -- why money is not moving ------------------------------------------------------------------


@dataclass(frozen=True)
class AccountStatus:
    exists: bool = False
    stripe_account: str | None = None
    details_submitted: bool = False
    payouts_enabled: bool = False
    transfers_active: bool = False

    @property
    def onboarded(self) -> bool:
        return self.exists and self.payouts_enabled and self.transfers_active


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


ACCOUNT_BLOCKERS = {"not_onboarded", "onboarding_incomplete", "payouts_disabled"}


def payout_blockers(
    balance: Balance, account: AccountStatus, minimum: int, holding_days: int | None = None
) -> list[Blocker]:
    """Everything that stops a payout now, most fundamental first."""
    cur = balance.currency
    out: list[Blocker] = []
    if not account.exists:
        out.append(Blocker("not_onboarded", "Connect a Stripe account to receive payouts."))
    elif not account.onboarded:
        if account.details_submitted:
            out.append(
                Blocker(
                    "payouts_disabled",
                    "Stripe has not enabled payouts on your connected account yet; check your "
                    "Stripe dashboard for anything it still needs.",
                )
            )
        else:
            out.append(
                Blocker(
                    "onboarding_incomplete",
                    "Finish setting up your Stripe account to receive payouts.",
                )
            )
    if balance.debt > 0:
        out.append(
            Blocker(
                "negative_balance",
                f"Refunds of sales already paid out leave you owing "
                f"{format_money(balance.debt, cur)}; it is taken from your next earnings.",
                {"amount": balance.debt},
            )
        )
    available = balance.available
    if available < minimum:
        missing = minimum - available
        below = Blocker(
            "below_minimum",
            f"Your available balance of {format_money(available, cur)} is below the "
            f"{format_money(minimum, cur)} minimum payout: "
            f"{format_money(missing, cur)} more is needed.",
            {"available": available, "minimum": minimum, "amount_missing": missing},
        )
        eligible = balance.eligible_at(minimum)
        nxt = balance.next_available_at
        holding: Blocker | None = None
        if balance.pending > 0 and nxt is not None:
            period = f"the {holding_days}-day holding period" if holding_days else "holding"
            when = eligible or nxt
            message = (
                f"{format_money(balance.pending, cur)} is in {period} so refunds can still be "
                f"made; "
                + (
                    f"you can request a payout on {format_day(when)}."
                    if eligible
                    else f"the next part becomes available on {format_day(nxt)}."
                )
            )
            holding = Blocker(
                "in_holding",
                message,
                {
                    "amount": balance.pending,
                    "available_at": nxt.isoformat(),
                    "eligible_at": eligible.isoformat() if eligible else None,
                },
            )
        # Held money that will reach the minimum is the real reason; otherwise the shortfall is.
        if holding is not None and eligible is not None:
            out += [holding, below]
        else:
            out += [below] + ([holding] if holding else [])
    return out


class PayoutRefused(Exception):
    """A payout request that cannot go ahead; `blockers[0]` is the reason to show first."""

    def __init__(self, blockers: Sequence[Blocker]) -> None:
        super().__init__(blockers[0].message)
        self.blockers = list(blockers)

    @property
    def primary(self) -> Blocker:
        return self.blockers[0]


# -- the creator ledger -------------------------------------------------------------------------


class CreatorLedger(Aggregate):
    stream_type = "creator_ledger"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.creator_id = stream_id.removeprefix(LEDGER_PREFIX)
        self.txns: dict[str, TxnEarning] = {}
        self.refunds: set[str] = set()
        self.disputes: dict[str, str] = {}  # dispute id -> "open" (funds taken back) | "won"
        self.payouts: dict[str, PayoutState] = {}

    # reads

    def currencies(self) -> list[str]:
        seen = {t.currency for t in self.txns.values()} | {
            p.currency for p in self.payouts.values()
        }
        return sorted(seen)

    def balance(self, currency: str, now: datetime) -> Balance:
        return balance_of(self.txns.values(), self.payouts.values(), currency, now)

    def unsettled(self) -> list[PayoutState]:
        return [p for p in self.payouts.values() if p.status == REQUESTED]

    # decisions: each returns whether it recorded anything, so a redelivery is a no-op

    def record_sale(
        self,
        *,
        transaction_id: str,
        amount: int,
        currency: str,
        available_at: datetime,
        gross_amount: int = 0,
        platform_fee: int = 0,
        tax: int = 0,
        persona_id: str | None = None,
        effective_at: datetime | None = None,
    ) -> bool:
        if amount < 0:
            raise ValueError("an earning cannot be negative")
        existing = self.txns.get(transaction_id)
        if existing is not None and existing.sale_seen:
            return False
        self._record(
            CreatorEarningRecorded(
                creator_id=self.creator_id,
                transaction_id=transaction_id,
                amount=amount,
                currency=currency.lower(),
                available_at=available_at,
                gross_amount=gross_amount,
                platform_fee=platform_fee,
                tax=tax,
                persona_id=persona_id,
                effective_at=effective_at,
            )
        )
        return True

    def record_refund(
        self,
        *,
        transaction_id: str,
        refund_id: str,
        amount: int,
        currency: str,
        gross_amount: int = 0,
        effective_at: datetime | None = None,
    ) -> bool:
        if refund_id in self.refunds:
            return False
        return self._reverse(
            "refund", refund_id, transaction_id, amount, currency, gross_amount, effective_at
        )

    def record_dispute_opened(
        self,
        *,
        transaction_id: str,
        dispute_id: str,
        amount: int,
        currency: str,
        gross_amount: int = 0,
        effective_at: datetime | None = None,
    ) -> bool:
        if dispute_id in self.disputes:
            return False
        return self._reverse(
            "dispute", dispute_id, transaction_id, amount, currency, gross_amount, effective_at
        )

    def _reverse(
        self,
        reason: str,
        reference: str,
        transaction_id: str,
        amount: int,
        currency: str,
        gross_amount: int,
        effective_at: datetime | None,
    ) -> bool:
        """Take the creator's share of a refund or an opened dispute back, once per reference."""
        if amount < 0:
            return False
        self._record(
            EarningReversed(
                creator_id=self.creator_id,
                transaction_id=transaction_id,
                amount=amount,
                currency=currency.lower(),
                reason=reason,
                reference=reference,
                gross_amount=self._pre_tax(transaction_id, gross_amount),
                effective_at=effective_at,
            )
        )
        return True

    def record_dispute_closed(
        self,
        *,
        transaction_id: str,
        dispute_id: str,
        status: str,
        amount: int,
        currency: str,
        gross_amount: int = 0,
        effective_at: datetime | None = None,
    ) -> bool:
        state = self.disputes.get(dispute_id)
        if status == "won":
            if state != "open":
                return False  # nothing was taken back, or it was already given back
            self._record(
                EarningReinstated(
                    creator_id=self.creator_id,
                    transaction_id=transaction_id,
                    amount=amount,
                    currency=currency.lower(),
                    reference=dispute_id,
                    gross_amount=self._pre_tax(transaction_id, gross_amount),
                    effective_at=effective_at,
                )
            )
            return True
        if status == "lost" and state is None:
            # The opening was never seen: take the share back now.
            return self.record_dispute_opened(
                transaction_id=transaction_id,
                dispute_id=dispute_id,
                amount=amount,
                currency=currency,
                gross_amount=gross_amount,
                effective_at=effective_at,
            )
        return False

    def request_payout(
        self,
        *,
        payout_id: str,
        currency: str,
        now: datetime,
        minimum: int,
        account: AccountStatus,
        amount: int | None = None,
        holding_days: int | None = None,
    ) -> PayoutState:
        """Reserve funds for a transfer, or refuse with the reasons. Same id twice: the first."""
        existing = self.payouts.get(payout_id)
        if existing is not None:
            return existing
        currency = currency.lower()
        balance = self.balance(currency, now)
        blockers = payout_blockers(balance, account, minimum, holding_days)
        if any(b.code in ACCOUNT_BLOCKERS for b in blockers):
            raise PayoutRefused(blockers)
        if amount is None:
            if balance.available < minimum:
                raise PayoutRefused(blockers)
            amount = balance.available
        elif amount < minimum:
            raise PayoutRefused(
                [
                    Blocker(
                        "below_minimum",
                        f"A payout must be at least {format_money(minimum, currency)}.",
                        {
                            "available": balance.available,
                            "minimum": minimum,
                            "amount_missing": minimum - amount,
                        },
                    )
                ]
            )
        elif amount > balance.available:
            if balance.available < minimum:
                raise PayoutRefused(blockers)
            raise PayoutRefused(
                [
                    Blocker(
                        "insufficient_available",
                        f"You asked for {format_money(amount, currency)} but only "
                        f"{format_money(balance.available, currency)} is available.",
                        {"available": balance.available, "requested": amount},
                    ),
                    *blockers,
                ]
            )
        self._record(
            PayoutRequested(
                payout_id=payout_id,
                creator_id=self.creator_id,
                amount=amount,
                currency=currency,
                destination=account.stripe_account,
            )
        )
        return self.payouts[payout_id]

    def settle_paid(self, payout_id: str, stripe_transfer: str) -> bool:
        p = self.payouts.get(payout_id)
        if p is None or p.status != REQUESTED:
            return False
        self._record(
            PayoutPaid(
                payout_id=payout_id,
                creator_id=self.creator_id,
                amount=p.amount,
                currency=p.currency,
                stripe_transfer=stripe_transfer,
            )
        )
        return True

    def settle_failed(self, payout_id: str, reason: str, code: str | None = None) -> bool:
        p = self.payouts.get(payout_id)
        if p is None or p.status != REQUESTED:
            return False
        self._record(
            PayoutFailed(
                payout_id=payout_id,
                creator_id=self.creator_id,
                amount=p.amount,
                currency=p.currency,
                reason=reason,
                code=code,
            )
        )
        return True

    def record_transfer_reversal(
        self, payout_id: str, stripe_transfer: str, amount_reversed_total: int, reason: str
    ) -> bool:
        """Stripe says `amount_reversed_total` of the payout's transfer has come back so far."""
        p = self.payouts.get(payout_id)
        if p is None or p.status == FAILED:
            return False
        changed = self.settle_paid(payout_id, stripe_transfer)  # the reversal proves it was made
        new = min(amount_reversed_total, p.amount) - p.reversed
        if new <= 0:
            return changed
        self._record(
            PayoutReversed(
                payout_id=payout_id,
                creator_id=self.creator_id,
                amount=new,
                currency=p.currency,
                stripe_transfer=stripe_transfer,
                reason=reason,
            )
        )
        return True

    def _pre_tax(self, transaction_id: str, buyer_money: int) -> int:
        txn = self.txns.get(transaction_id)
        return txn.pre_tax(buyer_money) if txn is not None else buyer_money

    # folds

    def _txn(self, transaction_id: str, currency: str) -> TxnEarning:
        return self.txns.setdefault(transaction_id, TxnEarning(currency=currency))

    def when_CreatorEarningRecorded(self, e: CreatorEarningRecorded) -> None:
        t = self._txn(e.transaction_id, e.currency)
        t.earned += e.amount
        t.available_at = e.available_at
        t.sale_seen = True
        t.gross = e.gross_amount
        t.tax = e.tax

    def when_EarningReversed(self, e: EarningReversed) -> None:
        self._txn(e.transaction_id, e.currency).reversed += e.amount
        if e.reference:
            if e.reason == "refund":
                self.refunds.add(e.reference)
            elif e.reason == "dispute":
                self.disputes[e.reference] = "open"

    def when_EarningReinstated(self, e: EarningReinstated) -> None:
        self._txn(e.transaction_id, e.currency).reversed -= e.amount
        self.disputes[e.reference] = "won"

    def when_PayoutRequested(self, e: PayoutRequested) -> None:
        self.payouts[e.payout_id] = PayoutState(
            payout_id=e.payout_id, amount=e.amount, currency=e.currency, destination=e.destination
        )

    def when_PayoutPaid(self, e: PayoutPaid) -> None:
        p = self.payouts[e.payout_id]
        p.status = PAID
        p.stripe_transfer = e.stripe_transfer

    def when_PayoutFailed(self, e: PayoutFailed) -> None:
        p = self.payouts[e.payout_id]
        p.status = FAILED
        p.reason = e.reason

    def when_PayoutReversed(self, e: PayoutReversed) -> None:
        p = self.payouts[e.payout_id]
        p.reversed += e.amount
        if p.reversed >= p.amount:
            p.status = FAILED
            p.reason = e.reason


# -- the connected Stripe account ----------------------------------------------------------------


class PayoutAccount(Aggregate):
    stream_type = "payout_account"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.creator_id = stream_id.removeprefix(ACCOUNT_PREFIX)
        self.stripe_account: str | None = None
        self.details_submitted = False
        self.payouts_enabled = False
        self.transfers_active = False

    @property
    def status(self) -> AccountStatus:
        return AccountStatus(
            exists=self.stripe_account is not None,
            stripe_account=self.stripe_account,
            details_submitted=self.details_submitted,
            payouts_enabled=self.payouts_enabled,
            transfers_active=self.transfers_active,
        )

    def open(self, stripe_account: str) -> bool:
        if self.stripe_account is not None:
            return False
        self._record(
            PayoutAccountCreated(creator_id=self.creator_id, stripe_account=stripe_account)
        )
        return True

    def update_status(
        self, *, details_submitted: bool, payouts_enabled: bool, transfers_active: bool
    ) -> bool:
        if self.stripe_account is None:
            return False
        if (details_submitted, payouts_enabled, transfers_active) == (
            self.details_submitted,
            self.payouts_enabled,
            self.transfers_active,
        ):
            return False
        self._record(
            PayoutAccountUpdated(
                creator_id=self.creator_id,
                stripe_account=self.stripe_account,
                details_submitted=details_submitted,
                payouts_enabled=payouts_enabled,
                transfers_active=transfers_active,
            )
        )
        return True

    def when_PayoutAccountCreated(self, e: PayoutAccountCreated) -> None:
        self.stripe_account = e.stripe_account

    def when_PayoutAccountUpdated(self, e: PayoutAccountUpdated) -> None:
        self.details_submitted = e.details_submitted
        self.payouts_enabled = e.payouts_enabled
        self.transfers_active = e.transfers_active

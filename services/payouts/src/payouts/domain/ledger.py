"""The creator ledger: one stream per creator (`ledger-<creator_id>`) holding every currency.

Each sale is tracked per transaction (its creator share, what refunds and disputes took back, and
when it leaves the holding period), each payout by id. Everything that moves money out (a payout
request) appends to this one stream at the version it was decided on, so two requests can never
both spend the same balance. Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.aggregate import Aggregate
from shared.contracts.payouts import (
    CreatorEarningRecorded,
    EarningReinstated,
    EarningReversed,
    PayoutFailed,
    PayoutPaid,
    PayoutRequested,
    PayoutReversed,
)
from shared.money import format_money

from payouts.domain.balances import (
    FAILED,
    PAID,
    REQUESTED,
    Balance,
    Clawback,
    PayoutState,
    TxnEarning,
    balance_of,
)
from payouts.domain.blockers import (
    ACCOUNT_BLOCKERS,
    AccountStatus,
    Blocker,
    PayoutRefused,
    payout_blockers,
)

__all__ = [
    "ACCOUNT_PREFIX",
    "LEDGER_PREFIX",
    "CreatorLedger",
    "account_stream",
    "ledger_stream",
]

LEDGER_PREFIX = "ledger-"
ACCOUNT_PREFIX = "account-"


def ledger_stream(creator_id: str) -> str:
    return f"{LEDGER_PREFIX}{creator_id}"


def account_stream(creator_id: str) -> str:
    return f"{ACCOUNT_PREFIX}{creator_id}"


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

    def record_refund(self, refund_id: str, taken: Clawback) -> bool:
        return refund_id not in self.refunds and self._reverse("refund", refund_id, taken)

    def record_dispute_opened(self, dispute_id: str, taken: Clawback) -> bool:
        return dispute_id not in self.disputes and self._reverse("dispute", dispute_id, taken)

    def _reverse(self, reason: str, reference: str, taken: Clawback) -> bool:
        """Take the creator's share of a refund or an opened dispute back, once per reference."""
        if taken.amount < 0:
            return False
        self._record(EarningReversed(**self._clawback(taken, reference), reason=reason))
        return True

    def record_dispute_closed(self, dispute_id: str, status: str, taken: Clawback) -> bool:
        state = self.disputes.get(dispute_id)
        if status == "won":
            if state != "open":
                return False  # nothing was taken back, or it was already given back
            self._record(EarningReinstated(**self._clawback(taken, dispute_id)))
            return True
        if status == "lost" and state is None:
            # The opening was never seen: take the share back now.
            return self.record_dispute_opened(dispute_id, taken)
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
                ],
                invalid_amount=True,
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
        p = self._requested(payout_id)
        if p is None:
            return False
        self._record(PayoutPaid(**self._payout(p), stripe_transfer=stripe_transfer))
        return True

    def settle_failed(self, payout_id: str, reason: str, code: str | None = None) -> bool:
        p = self._requested(payout_id)
        if p is None:
            return False
        self._record(PayoutFailed(**self._payout(p), reason=reason, code=code))
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
        moved = {**self._payout(p), "amount": new}
        self._record(PayoutReversed(**moved, stripe_transfer=stripe_transfer, reason=reason))
        return True

    def _requested(self, payout_id: str) -> PayoutState | None:
        p = self.payouts.get(payout_id)
        return p if p is not None and p.status == REQUESTED else None

    def _payout(self, p: PayoutState) -> dict[str, Any]:
        """What every event about a payout says: which, whose, how much, in what currency."""
        return {
            "payout_id": p.payout_id,
            "creator_id": self.creator_id,
            "amount": p.amount,
            "currency": p.currency,
        }

    def _clawback(self, taken: Clawback, reference: str) -> dict[str, Any]:
        """What every event about a refund or dispute says; the buyer money it concerns is
        counted before tax, like the sale."""
        txn = self.txns.get(taken.transaction_id)
        gross = txn.pre_tax(taken.gross_amount) if txn is not None else taken.gross_amount
        return {
            "creator_id": self.creator_id,
            "transaction_id": taken.transaction_id,
            "amount": taken.amount,
            "currency": taken.currency.lower(),
            "reference": reference,
            "gross_amount": gross,
            "effective_at": taken.effective_at,
        }

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

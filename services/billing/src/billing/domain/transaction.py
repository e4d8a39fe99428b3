"""The Transaction aggregate: one stream per checkout, folded from its events, deciding with no I/O.

Stripe is the source of truth for money movements; this aggregate records what Stripe told us
(in whatever order it arrived) and derives the platform's view: the sale, the split, and how much
of the creator's share each refund or dispute takes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.aggregate import Aggregate
from shared.contracts.billing import (
    CheckoutExpired,
    CheckoutStarted,
    DisputeClosed,
    DisputeOpened,
    PaymentProcessing,
    PurchaseCompleted,
    PurchaseFailed,
    PurchaseRefunded,
)
from shared.money import split

from billing.domain.values import (
    COUNTED_REFUND_STATUSES,
    DISPUTE_CLOSED,
    DISPUTE_KEPT,
    DomainError,
    InvalidAmount,
    NotAllowed,
    NotPaidYet,
    Payment,
    RecordedRefund,
    Sale,
    Status,
    StripeDispute,
    StripeRefund,
)

__all__ = ["TRANSACTION_EVENTS", "Transaction"]

# Every event a transaction's stream holds (what the aggregate folds and the read model follows).
TRANSACTION_EVENTS = (
    CheckoutStarted,
    PaymentProcessing,
    PurchaseCompleted,
    PurchaseFailed,
    CheckoutExpired,
    PurchaseRefunded,
    DisputeOpened,
    DisputeClosed,
)


class Transaction(Aggregate):
    stream_type = "transaction"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.lifecycle: Status | None = None  # pending | processing | failed | expired | completed
        self.buyer_id = ""
        self.persona_id = ""
        self.creator_id = ""
        self.persona_name = ""
        self.amount = 0
        self.currency = ""
        self.fee_rate_bps = 0
        self.platform_fee = 0
        self.creator_revenue = 0
        self.tax_enabled = False
        self.session_id = ""
        self.checkout_url: str | None = None
        self.expires_at: datetime | None = None
        self.paid = False
        self.payment_intent: str | None = None
        self.charge_id: str | None = None
        self.tax = 0
        self.amount_total = 0
        self.receipt_url: str | None = None
        self.card_brand: str | None = None
        self.card_last4: str | None = None
        self.failure_reason: str | None = None
        self.refunds: dict[str, RecordedRefund] = {}
        self.refunded_total = 0
        self.creator_refunded = 0
        self.dispute_id: str | None = None
        self.dispute_amount = 0
        self.dispute_creator_amount = 0
        self.dispute_status: str | None = None  # open | won | lost

    # -- derived state ---------------------------------------------------------------------

    @property
    def status(self) -> Status | None:
        if not self.paid:
            return self.lifecycle
        if self.dispute_status == "open":
            return Status.DISPUTED
        if self.dispute_status == "lost":
            return Status.CHARGED_BACK
        if self.refunded_total >= self.amount_total:
            return Status.REFUNDED
        if self.refunded_total > 0:
            return Status.PARTIALLY_REFUNDED
        return Status.COMPLETED

    @property
    def refundable(self) -> int:
        """Cents that can still go back to the buyer."""
        return max(0, self.amount_total - self.refunded_total) if self.paid else 0

    def _creator_held(self) -> int:
        """The creator's share currently taken back by a dispute (open or lost)."""
        return self.dispute_creator_amount if self.dispute_status in ("open", "lost") else 0

    def _creator_outstanding(self) -> int:
        return max(0, self.creator_revenue - self.creator_refunded - self._creator_held())

    def _creator_share(self, cents: int) -> int:
        """The creator's part of `cents` of the amount paid, rounded half up (tax is pro rata)."""
        if self.amount_total <= 0:
            return 0
        return (self.creator_revenue * cents + self.amount_total // 2) // self.amount_total

    def _buyer(self) -> dict[str, Any]:
        """Who every event of this transaction is about."""
        return {"transaction_id": self.id, "buyer_id": self.buyer_id, "persona_id": self.persona_id}

    def _sale(self) -> dict[str, Any]:
        """The same, for events that move money: with the creator and the currency."""
        return {**self._buyer(), "creator_id": self.creator_id, "currency": self.currency}

    def refund_for_request(self, request_key: str) -> RecordedRefund | None:
        return next((r for r in self.refunds.values() if r.request_key == request_key), None)

    # -- decisions -------------------------------------------------------------------------

    def start(
        self,
        sale: Sale,
        *,
        fee_rate_bps: int,
        session_id: str,
        checkout_url: str | None,
        expires_at: datetime | None,
        tax_enabled: bool,
    ) -> None:
        if self.exists:
            raise DomainError("This transaction already exists.", "transaction_exists")
        if sale.amount <= 0:
            raise DomainError("A free persona is acquired, not bought.", "persona_is_free")
        if sale.buyer_id == sale.creator_id:
            raise NotAllowed("You cannot buy your own persona.", "own_persona")
        fee, creator = split(sale.amount, fee_rate_bps)
        self._record(
            CheckoutStarted(
                transaction_id=self.id,
                buyer_id=sale.buyer_id,
                persona_id=sale.persona_id,
                creator_id=sale.creator_id,
                amount=sale.amount,
                currency=sale.currency.lower(),
                session_id=session_id,
                persona_name=sale.persona_name,
                fee_rate_bps=fee_rate_bps,
                platform_fee=fee,
                creator_revenue=creator,
                tax_enabled=tax_enabled,
                checkout_url=checkout_url,
                expires_at=expires_at,
            )
        )

    def mark_processing(self, payment_intent: str | None) -> None:
        """Checkout finished unpaid: the payment settles later (async_payment_* events)."""
        if self.lifecycle == Status.PENDING and not self.paid:
            self._record(PaymentProcessing(**self._buyer(), stripe_payment_intent=payment_intent))

    def complete(self, payment: Payment) -> None:
        """The money arrived. Idempotent; and paid wins over an earlier expiry or failure,
        because the buyer's money is real whatever we believed before."""
        if self.paid:
            return
        self._record(
            PurchaseCompleted(
                **self._sale(),
                amount=self.amount,
                platform_fee=self.platform_fee,
                creator_revenue=self.creator_revenue,
                fee_rate_bps=self.fee_rate_bps,
                tax=payment.tax,
                stripe_payment_intent=payment.payment_intent,
                stripe_charge=payment.charge_id,
                persona_name=self.persona_name,
                session_id=payment.session_id,
                amount_total=payment.amount_total,
                receipt_url=payment.receipt_url,
                card_brand=payment.card_brand,
                card_last4=payment.card_last4,
            )
        )

    def fail(self, reason: str) -> None:
        if not self.paid and self.lifecycle in (Status.PENDING, Status.PROCESSING):
            self._record(PurchaseFailed(**self._buyer(), reason=reason))

    def expire(self) -> None:
        if not self.paid and self.lifecycle == Status.PENDING:
            self._record(CheckoutExpired(**self._buyer()))

    def plan_refund(self, amount: int | None) -> int:
        """How much an admin refund of `amount` (None: whatever is left) takes; refuses what
        Stripe would refuse, before asking it."""
        if not self.paid:
            raise DomainError("Only a paid purchase can be refunded.", "not_refundable")
        if self.dispute_status in ("open", "lost"):
            raise DomainError(
                "This payment is disputed; the card network decides what happens to it.",
                "payment_disputed",
            )
        remaining = self.refundable
        if remaining == 0:
            raise DomainError("This purchase is already fully refunded.", "already_refunded")
        if amount is None:
            return remaining
        if amount > remaining:
            raise InvalidAmount(f"At most {remaining} can still be refunded.", "refund_too_large")
        return amount

    def record_refunds(self, refunds: Iterable[StripeRefund]) -> None:
        """Record each refund Stripe reports once, by its id, whichever path reported it first."""
        pending = [r for r in refunds if r.refund_id not in self.refunds]
        if not pending:
            return
        if not self.paid:
            raise NotPaidYet(self.id)
        for refund in pending:
            if refund.status not in COUNTED_REFUND_STATUSES or refund.amount <= 0:
                continue
            amount = min(refund.amount, self.refundable)
            if amount <= 0:
                continue
            after = self.refunded_total + amount
            share = self._creator_share(after) - self._creator_share(self.refunded_total)
            creator_amount = max(0, min(share, self._creator_outstanding()))
            self._record(
                PurchaseRefunded(
                    **self._sale(),
                    refund_id=refund.refund_id,
                    amount=amount,
                    creator_amount=creator_amount,
                    full=after >= self.amount_total,
                    refunded_total=after,
                    reason=refund.reason,
                    requested_by=refund.requested_by,
                    request_key=refund.request_key,
                )
            )

    def open_dispute(self, dispute: StripeDispute) -> None:
        if self.dispute_id is not None:
            return  # Stripe allows one dispute per charge: this one is known already
        if not self.paid:
            raise NotPaidYet(self.id)
        amount = min(dispute.amount, self.amount_total)
        creator_amount = min(self._creator_share(amount), self._creator_outstanding())
        self._record(
            DisputeOpened(
                **self._sale(),
                dispute_id=dispute.dispute_id,
                amount=amount,
                creator_amount=creator_amount,
                reason=dispute.reason,
            )
        )

    def close_dispute(self, dispute: StripeDispute) -> None:
        """Closing works even if the opening has not arrived yet: both are recorded, in order."""
        if dispute.status not in DISPUTE_CLOSED:
            self.open_dispute(dispute)
            return
        if self.dispute_id is None:
            self.open_dispute(dispute)
        if self.dispute_id != dispute.dispute_id or self.dispute_status != "open":
            return
        self._record(
            DisputeClosed(
                **self._sale(),
                dispute_id=dispute.dispute_id,
                status="won" if dispute.status in DISPUTE_KEPT else "lost",
                amount=self.dispute_amount,
                creator_amount=self.dispute_creator_amount,
            )
        )

    # -- folds ----------------------------------------------------------------------------

    def when_CheckoutStarted(self, e: CheckoutStarted) -> None:
        self.lifecycle = Status.PENDING
        self.buyer_id = e.buyer_id
        self.persona_id = e.persona_id
        self.creator_id = e.creator_id
        self.persona_name = e.persona_name
        self.amount = e.amount
        self.currency = e.currency
        self.fee_rate_bps = e.fee_rate_bps
        self.platform_fee = e.platform_fee
        self.creator_revenue = e.creator_revenue
        self.tax_enabled = e.tax_enabled
        self.session_id = e.session_id
        self.checkout_url = e.checkout_url
        self.expires_at = e.expires_at
        self.amount_total = e.amount

    def when_PaymentProcessing(self, e: PaymentProcessing) -> None:
        self.lifecycle = Status.PROCESSING
        self.payment_intent = e.stripe_payment_intent or self.payment_intent

    def when_PurchaseCompleted(self, e: PurchaseCompleted) -> None:
        self.lifecycle = Status.COMPLETED
        self.paid = True
        self.payment_intent = e.stripe_payment_intent or self.payment_intent
        self.charge_id = e.stripe_charge
        self.tax = e.tax
        self.amount_total = e.amount_total or (e.amount + e.tax)
        self.receipt_url = e.receipt_url
        self.card_brand = e.card_brand
        self.card_last4 = e.card_last4

    def when_PurchaseFailed(self, e: PurchaseFailed) -> None:
        self.lifecycle = Status.FAILED
        self.failure_reason = e.reason

    def when_CheckoutExpired(self, e: CheckoutExpired) -> None:
        self.lifecycle = Status.EXPIRED

    def when_PurchaseRefunded(self, e: PurchaseRefunded) -> None:
        self.refunds[e.refund_id] = RecordedRefund(
            e.refund_id, e.amount, e.creator_amount, e.request_key
        )
        self.refunded_total += e.amount
        self.creator_refunded += e.creator_amount

    def when_DisputeOpened(self, e: DisputeOpened) -> None:
        self.dispute_id = e.dispute_id
        self.dispute_amount = e.amount
        self.dispute_creator_amount = e.creator_amount
        self.dispute_status = "open"

    def when_DisputeClosed(self, e: DisputeClosed) -> None:
        self.dispute_status = e.status

"""Stripe's webhook events applied to transactions: correct in any order, effective once.

Every effect of a Stripe event is committed together with the event's id in the kernel's inbox,
so a duplicate delivery, even a concurrent one, finds the id and changes nothing.
"""

from __future__ import annotations

from typing import Literal

import stripe
from shared.logging import get_logger
from shared.stripe_edge import (
    Charge,
    CheckoutSession,
    Dispute,
    StripeEvent,
    StripeObject,
    StripeUnavailable,
    already_handled,
    first_delivery,
)
from shared.uow import UnitOfWork, run_command

from billing import queries
from billing.domain import NotPaidYet, Payment, StripeRefund, Transaction
from billing.service import Billing
from billing.stripe_gateway import dispute_from, payment_from_session

log = get_logger(__name__)

Outcome = Literal["processed", "duplicate", "ignored"]
SESSION_PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
SESSION_EVENTS = (
    *SESSION_PAID,
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
)
DISPUTE_EVENTS = ("charge.dispute.created", "charge.dispute.closed")
# The object each handled event carries, read typed once here.
HANDLED: dict[str, type[StripeObject]] = {
    **dict.fromkeys(SESSION_EVENTS, CheckoutSession),
    "charge.refunded": Charge,
    **dict.fromkeys(DISPUTE_EVENTS, Dispute),
}


class RetryLater(Exception):
    """The event cannot be applied yet (Stripe unreachable, or facts still missing); Stripe
    will deliver it again."""


async def handle_stripe_event(billing: Billing, event: StripeEvent) -> Outcome:
    """Apply one verified Stripe event. Raises RetryLater when Stripe should deliver it again."""
    kind = HANDLED.get(event.type)
    if kind is None:
        return "ignored"
    obj = event.as_(kind)
    if await already_handled(billing.pool, event.id):
        return "duplicate"
    try:
        transaction_id = await _transaction_for(billing, obj)
        if transaction_id is None:
            log.warning("Stripe event for an unknown sale", event_id=event.id, type=event.type)
            return "ignored"
        snapshot = await billing.load(transaction_id)
        if not snapshot.exists:
            log.warning(
                "Stripe event for a transaction we do not have",
                event_id=event.id,
                transaction_id=transaction_id,
            )
            return "ignored"
        # Gather what Stripe knows before opening the transaction that applies it.
        payment: Payment | None = None
        refunds: list[StripeRefund] = []
        if isinstance(obj, CheckoutSession):
            if event.type in SESSION_PAID and obj.payment_status == "paid":
                payment = await _payment(billing, obj)
        else:
            if not snapshot.paid:
                payment = await _reconcile(billing, snapshot)
            if isinstance(obj, Charge):
                refunds = await billing.stripe.list_refunds(
                    charge=obj.id, payment_intent=obj.payment_intent
                )
    except StripeUnavailable as exc:
        raise RetryLater(f"Stripe unavailable: {exc}") from exc

    async def apply(uow: UnitOfWork) -> Outcome:
        if not await first_delivery(uow.conn, event.id):
            return "duplicate"
        tx = await uow.load(Transaction, transaction_id)
        if isinstance(obj, CheckoutSession):
            _apply_session(tx, event.type, obj, payment)
        else:
            if payment is not None:
                tx.complete(payment)
            if isinstance(obj, Charge):
                tx.record_refunds(refunds)
            elif isinstance(obj, Dispute) and event.type == "charge.dispute.created":
                tx.open_dispute(dispute_from(obj))
            elif isinstance(obj, Dispute):
                tx.close_dispute(dispute_from(obj))
        await uow.save(tx)
        return "processed"

    try:
        outcome = await run_command(billing.pool, billing.store, apply)
    except NotPaidYet as exc:
        raise RetryLater("the sale is not known to be paid yet") from exc
    log.info(
        "Stripe event applied",
        event_id=event.id,
        type=event.type,
        transaction_id=transaction_id,
        outcome=outcome,
    )
    return outcome


def _apply_session(
    tx: Transaction, event_type: str, session: CheckoutSession, payment: Payment | None
) -> None:
    if event_type in SESSION_PAID:
        if payment is not None:
            _check_amounts(tx, payment)
            tx.complete(payment)
        else:
            tx.mark_processing(session.payment_intent)
    elif event_type == "checkout.session.async_payment_failed":
        tx.fail("async_payment_failed")
    else:
        tx.expire()


async def _transaction_for(billing: Billing, obj: StripeObject) -> str | None:
    if obj.metadata.get("transaction_id"):
        return obj.metadata["transaction_id"]
    payment_intent: str | None = getattr(obj, "payment_intent", None)
    async with billing.pool.acquire() as conn:
        if isinstance(obj, CheckoutSession):
            row = await queries.transaction_by_session(conn, obj.id)
            return row["id"] if row else None
        if payment_intent:
            found = await queries.transaction_id_by_payment_intent(conn, payment_intent)
            if found:
                return found
    # A dispute (or a charge without our metadata) for a sale not yet seen completed:
    # the PaymentIntent carries our metadata.
    if payment_intent:
        try:
            pi = await billing.stripe.retrieve_payment_intent(payment_intent)
        except stripe.InvalidRequestError:
            return None  # not a payment of this account
        return pi.metadata.get("transaction_id") or None
    return None


async def _payment(billing: Billing, session: CheckoutSession) -> Payment:
    """The payment from a paid session, with its charge's receipt details when Stripe
    answers (best effort: the sale does not wait on a receipt link)."""
    charge: Charge | None = None
    if session.payment_intent:
        try:
            charge = await billing.stripe.latest_charge(session.payment_intent)
        except (StripeUnavailable, stripe.StripeError) as exc:
            log.warning("charge details unavailable", error=str(exc))
    return payment_from_session(session, charge)


async def _reconcile(billing: Billing, tx: Transaction) -> Payment:
    """A refund or dispute arrived before the sale's completion: ask Stripe about the
    session. Paid: complete it first. Not paid (should not happen): try again later."""
    session = await billing.stripe.retrieve_session(tx.session_id)
    if session.payment_status != "paid":
        raise RetryLater("a refund or dispute arrived for a session Stripe reports unpaid")
    return await _payment(billing, session)


def _check_amounts(tx: Transaction, payment: Payment) -> None:
    if payment.amount_subtotal is not None and payment.amount_subtotal != tx.amount:
        log.error(
            "Stripe charged a different subtotal than the snapshotted price",
            transaction_id=tx.id,
            expected=tx.amount,
            charged=payment.amount_subtotal,
        )

"""Admin refunds: through Stripe first (idempotently), then recorded on the transaction."""

from __future__ import annotations

import hashlib

import stripe
from shared.logging import get_logger
from shared.uow import UnitOfWork, run_command

from billing.domain import DomainError, Missing, StripeRefund, Transaction
from billing.service import Billing

log = get_logger(__name__)


async def refund(
    billing: Billing,
    transaction_id: str,
    *,
    admin_id: str,
    amount: int | None,
    reason: str | None,
    idempotency_key: str | None,
) -> None:
    """Refund all or part of a purchase through Stripe, then record it.

    The Stripe idempotency key comes from the admin request's own `Idempotency-Key` (so a
    repeat returns the first result), else from the number of refunds recorded so far (so
    concurrent or crash-retried requests made from the same state refund once)."""
    tx = await billing.load(transaction_id)
    if not tx.exists:
        raise Missing("There is no such payment.", "payment_not_found")
    if idempotency_key:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        request_key = f"refund:{transaction_id}:{digest}"
        if tx.refund_for_request(request_key) is not None:
            return
    else:
        request_key = f"refund:{transaction_id}:{len(tx.refunds)}"
    try:
        planned = tx.plan_refund(amount)
    except DomainError as exc:
        if exc.code == "already_refunded" and amount is None:
            return  # a full refund asked again: already done
        raise
    if not tx.payment_intent:
        raise DomainError("This payment has no Stripe charge to refund.", "not_refundable")
    try:
        refund = await billing.stripe.create_refund(
            payment_intent=tx.payment_intent,
            amount=planned,
            idempotency_key=request_key,
            metadata={
                "transaction_id": transaction_id,
                "request_key": request_key,
                "requested_by": admin_id,
            },
            reason=reason,
        )
    except stripe.IdempotencyError as exc:
        raise DomainError(
            "Another refund of this payment was just made; reload it and try again.",
            "refund_conflict",
        ) from exc
    except stripe.InvalidRequestError as exc:
        log.warning("Stripe refused the refund", error=str(exc), code=exc.code)
        raise DomainError(
            f"Stripe refused the refund: {exc.user_message or exc.code}", "refund_refused"
        ) from exc
    # Stripe echoes the metadata, but a replayed key may carry the first request's.
    refund = StripeRefund(
        refund_id=refund.refund_id,
        amount=refund.amount,
        status=refund.status,
        reason=refund.reason,
        request_key=refund.request_key or request_key,
        requested_by=refund.requested_by or admin_id,
    )

    async def record(uow: UnitOfWork) -> None:
        current = await uow.load(Transaction, transaction_id)
        current.record_refunds([refund])
        await uow.save(current)

    await run_command(billing.pool, billing.store, record)
    log.info(
        "refund issued",
        transaction_id=transaction_id,
        refund_id=refund.refund_id,
        amount=refund.amount,
    )

"""Application layer: checkout, Stripe's webhook events and admin refunds.

Stripe is only called outside database transactions (and without holding a connection). Every
effect of a Stripe event is committed together with the event's id in `stripe_events`, so a
duplicate delivery, even a concurrent one, finds the id and changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import asyncpg
import stripe
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.uow import UnitOfWork, run_command

from billing import queries
from billing.domain import (
    DomainError,
    NotPaidYet,
    Payment,
    StripeRefund,
    Transaction,
)
from billing.settings import BillingSettings
from billing.stripe_gateway import (
    StripeGateway,
    StripeUnavailable,
    dispute_from,
    payment_from_session,
)

log = get_logger(__name__)

Obj = dict[str, Any]

SESSION_PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
SESSION_EVENTS = (
    *SESSION_PAID,
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
)
DISPUTE_EVENTS = ("charge.dispute.created", "charge.dispute.closed")
HANDLED_EVENTS = frozenset((*SESSION_EVENTS, "charge.refunded", *DISPUTE_EVENTS))
CHECKOUT_NAMESPACE = uuid.UUID("8d0f3b9e-6a41-4c57-9b2e-2f7c1d5e8a90")
CHECKOUT_ATTEMPTS = 20


class RetryLater(Exception):
    """The event cannot be applied yet (Stripe unreachable, or facts still missing); Stripe
    will deliver it again."""


@dataclass(frozen=True)
class CheckoutLink:
    transaction_id: str
    session_id: str
    checkout_url: str


class BillingService:
    def __init__(
        self,
        pool: asyncpg.Pool,
        store: EventStore,
        gateway: StripeGateway,
        settings: BillingSettings,
    ) -> None:
        self.pool = pool
        self.store = store
        self.gateway = gateway
        self.settings = settings

    # -- checkout -------------------------------------------------------------------------

    async def start_checkout(self, buyer_id: str, persona_id: str) -> CheckoutLink:
        """Hand out a payable Checkout Session for this buyer and persona.

        No database connection is held while Stripe answers. Concurrent requests (a double
        click) derive the same transaction id from the buyer's checkouts so far, so they send
        Stripe the same idempotency key and parameters, get the same session back, and only one
        of them appends `CheckoutStarted`."""
        for _ in range(CHECKOUT_ATTEMPTS):
            link = await self._start_checkout_once(buyer_id, persona_id)
            if link is not None:
                return link
            await asyncio.sleep(0.1)
        raise StripeUnavailable("the checkout could not be started; please try again")

    async def _start_checkout_once(self, buyer_id: str, persona_id: str) -> CheckoutLink | None:
        settings = self.settings
        now = datetime.now(UTC)
        async with self.pool.acquire() as conn:
            persona = await queries.persona(conn, persona_id)
            if persona is None or persona["status"] == "deleted":
                raise DomainError("There is no such persona.", "persona_not_found", 404)
            if persona["creator_id"] == buyer_id:
                raise DomainError("You cannot buy your own persona.", "own_persona", 403)
            if persona["status"] != "approved":
                raise DomainError("This persona is not for sale.", "persona_not_for_sale")
            if persona["price_cents"] <= 0:
                raise DomainError(
                    "This persona is free: add it to your library instead.", "persona_is_free"
                )
            if await queries.owns(conn, buyer_id, persona_id):
                raise DomainError("You already own this persona.", "already_owned")
            if await queries.payment_in_progress(conn, buyer_id, persona_id):
                raise DomainError(
                    "Your payment for this persona is still being processed.",
                    "payment_in_progress",
                )
            reuse = await queries.open_checkout(
                conn,
                buyer_id,
                persona_id,
                persona["price_cents"],
                persona["currency"],
                now + timedelta(minutes=settings.checkout_reuse_margin_minutes),
            )
            if reuse is not None:
                return CheckoutLink(reuse["id"], reuse["session_id"], reuse["checkout_url"])
            attempt = await queries.checkouts_started(conn, buyer_id, persona_id)

        amount, currency = persona["price_cents"], persona["currency"]
        expires_at = checkout_expiry(now, settings.checkout_ttl_minutes)
        transaction_id = checkout_transaction_id(
            buyer_id, persona_id, amount, currency, persona["name"], attempt, expires_at
        )
        base = settings.public_url.rstrip("/")
        try:
            session = await self.gateway.create_checkout_session(
                transaction_id=transaction_id,
                buyer_id=buyer_id,
                persona_id=persona_id,
                creator_id=persona["creator_id"],
                persona_name=persona["name"],
                amount=amount,
                currency=currency,
                success_url=f"{base}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=f"{base}/checkout/cancel?persona_id={quote(persona_id, safe='')}",
                expires_at=expires_at,
            )
        except stripe.IdempotencyError:
            # A racing request used this key with other parameters (a minute boundary, a price
            # change): its transaction will be there to hand out, or the next attempt differs.
            return None
        except stripe.InvalidRequestError as exc:
            log.error("Stripe refused the checkout", error=str(exc), code=exc.code)
            if exc.code == "amount_too_small":
                raise DomainError(
                    "This persona's price is below the smallest amount a card can be charged.",
                    "price_below_minimum",
                ) from exc
            raise StripeUnavailable(str(exc)) from exc

        async def record(uow: UnitOfWork) -> Transaction:
            tx = await uow.load(Transaction, transaction_id)
            if tx.exists:
                return tx  # a racing request recorded this same session first
            tx.start(
                buyer_id=buyer_id,
                persona_id=persona_id,
                creator_id=persona["creator_id"],
                persona_name=persona["name"],
                amount=amount,
                currency=currency,
                fee_rate_bps=settings.platform_fee_bps,
                session_id=session.id,
                checkout_url=session.url,
                expires_at=datetime.fromtimestamp(session.expires_at, UTC),
                tax_enabled=settings.tax_enabled,
            )
            await uow.save(tx)
            return tx

        tx = await run_command(self.pool, self.store, record)
        if tx.expires_at is not None and tx.expires_at <= datetime.now(UTC) + timedelta(
            minutes=settings.checkout_reuse_margin_minutes
        ):
            # Stripe replayed a session from an attempt that crashed before recording it long
            # ago; it is recorded now, so the next attempt makes a fresh one.
            return None
        log.info("checkout started", transaction_id=transaction_id, persona_id=persona_id)
        assert tx.checkout_url is not None
        return CheckoutLink(tx.id, tx.session_id, tx.checkout_url)

    # -- webhooks -------------------------------------------------------------------------

    async def handle_stripe_event(self, event: Obj) -> str:
        """Apply one verified Stripe event; returns processed | duplicate | ignored.

        Raises RetryLater when Stripe should deliver it again."""
        event_id = str(event.get("id") or "")
        event_type = str(event.get("type") or "")
        obj = (event.get("data") or {}).get("object") or {}
        if not event_id or event_type not in HANDLED_EVENTS or not isinstance(obj, dict):
            return "ignored"
        if await self.pool.fetchval("SELECT 1 FROM stripe_events WHERE event_id = $1", event_id):
            return "duplicate"
        try:
            transaction_id = await self._transaction_for(event_type, obj)
            if transaction_id is None:
                log.warning("Stripe event for an unknown sale", event_id=event_id, type=event_type)
                return "ignored"
            snapshot = await self._load(transaction_id)
            if not snapshot.exists:
                log.warning(
                    "Stripe event for a transaction we do not have",
                    event_id=event_id,
                    transaction_id=transaction_id,
                )
                return "ignored"
            # Gather what Stripe knows before opening the transaction that applies it.
            payment: Payment | None = None
            refunds: list[StripeRefund] = []
            if event_type in SESSION_PAID and obj.get("payment_status") == "paid":
                payment = await self._payment(obj)
            elif event_type == "charge.refunded" or event_type in DISPUTE_EVENTS:
                if not snapshot.paid:
                    payment = await self._reconcile(snapshot)
                if event_type == "charge.refunded":
                    refunds = await self.gateway.list_refunds(
                        charge=obj.get("id"), payment_intent=obj.get("payment_intent")
                    )
        except StripeUnavailable as exc:
            raise RetryLater(f"Stripe unavailable: {exc}") from exc

        async def apply(uow: UnitOfWork) -> str:
            fresh = await uow.conn.fetchval(
                "INSERT INTO stripe_events (event_id, type, transaction_id) VALUES ($1, $2, $3)"
                " ON CONFLICT DO NOTHING RETURNING 1",
                event_id,
                event_type,
                transaction_id,
            )
            if not fresh:
                return "duplicate"
            tx = await uow.load(Transaction, transaction_id)
            if event_type in SESSION_PAID:
                if payment is not None:
                    self._check_amounts(tx, payment)
                    tx.complete(payment)
                else:
                    tx.mark_processing(_id(obj.get("payment_intent")))
            elif event_type == "checkout.session.async_payment_failed":
                tx.fail("async_payment_failed")
            elif event_type == "checkout.session.expired":
                tx.expire()
            else:
                if payment is not None:
                    tx.complete(payment)
                if event_type == "charge.refunded":
                    tx.record_refunds(refunds)
                elif event_type == "charge.dispute.created":
                    tx.open_dispute(dispute_from(obj))
                else:
                    tx.close_dispute(dispute_from(obj))
            await uow.save(tx)
            return "processed"

        try:
            outcome = await run_command(self.pool, self.store, apply)
        except NotPaidYet as exc:
            raise RetryLater("the sale is not known to be paid yet") from exc
        log.info(
            "Stripe event applied",
            event_id=event_id,
            type=event_type,
            transaction_id=transaction_id,
            outcome=outcome,
        )
        return outcome

    async def _transaction_for(self, event_type: str, obj: Obj) -> str | None:
        meta = obj.get("metadata") or {}
        if meta.get("transaction_id"):
            return str(meta["transaction_id"])
        async with self.pool.acquire() as conn:
            if event_type in SESSION_EVENTS:
                row = await queries.transaction_by_session(conn, str(obj.get("id")))
                return row["id"] if row else None
            payment_intent = _id(obj.get("payment_intent"))
            if payment_intent:
                found = await queries.transaction_id_by_payment_intent(conn, payment_intent)
                if found:
                    return found
        # A dispute (or a charge without our metadata) for a sale not yet seen completed:
        # the PaymentIntent carries our metadata.
        payment_intent = _id(obj.get("payment_intent"))
        if payment_intent:
            try:
                pi = await self.gateway.retrieve_payment_intent(payment_intent)
            except stripe.InvalidRequestError:
                return None  # not a payment of this account
            found_meta = pi.get("metadata") or {}
            return str(found_meta["transaction_id"]) if found_meta.get("transaction_id") else None
        return None

    async def _load(self, transaction_id: str) -> Transaction:
        async with self.pool.acquire() as conn:
            return await UnitOfWork(conn, self.store).load(Transaction, transaction_id)

    async def _payment(self, session: Obj) -> Payment:
        """The payment from a paid session, with its charge's receipt details when Stripe
        answers (best effort: the sale does not wait on a receipt link)."""
        charge: Obj | None = None
        payment_intent = _id(session.get("payment_intent"))
        if payment_intent:
            try:
                charge = await self.gateway.latest_charge(payment_intent)
            except (StripeUnavailable, stripe.StripeError) as exc:
                log.warning("charge details unavailable", error=str(exc))
        return payment_from_session(session, charge)

    async def _reconcile(self, tx: Transaction) -> Payment:
        """A refund or dispute arrived before the sale's completion: ask Stripe about the
        session. Paid: complete it first. Not paid (should not happen): try again later."""
        session = await self.gateway.retrieve_session(tx.session_id)
        if session.get("payment_status") != "paid":
            raise RetryLater("a refund or dispute arrived for a session Stripe reports unpaid")
        return await self._payment(session)

    @staticmethod
    def _check_amounts(tx: Transaction, payment: Payment) -> None:
        if payment.amount_subtotal is not None and payment.amount_subtotal != tx.amount:
            log.error(
                "Stripe charged a different subtotal than the snapshotted price",
                transaction_id=tx.id,
                expected=tx.amount,
                charged=payment.amount_subtotal,
            )

    # -- admin refunds --------------------------------------------------------------------

    async def refund(
        self,
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
        tx = await self._load(transaction_id)
        if not tx.exists:
            raise DomainError("There is no such payment.", "payment_not_found", 404)
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
            refund = await self.gateway.create_refund(
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

        await run_command(self.pool, self.store, record)
        log.info(
            "refund issued",
            transaction_id=transaction_id,
            refund_id=refund.refund_id,
            amount=refund.amount,
        )


def checkout_expiry(now: datetime, ttl_minutes: int) -> int:
    """When a new session expires, in whole minutes so that requests racing for the same
    transaction send Stripe identical parameters (never under its 30-minute minimum)."""
    expires = now.replace(second=0, microsecond=0) + timedelta(minutes=ttl_minutes)
    if expires < now + timedelta(minutes=30):
        expires += timedelta(minutes=1)
    return int(expires.timestamp())


def checkout_transaction_id(
    buyer_id: str,
    persona_id: str,
    amount: int,
    currency: str,
    persona_name: str,
    attempt: int,
    expires_at: int,
) -> str:
    """The id (and so the Stripe idempotency key) of a new checkout: the same for requests
    racing from the same state, and a new one whenever anything sent to Stripe differs, so a
    key burned by a request that died before recording its session never blocks a later one."""
    name_digest = hashlib.sha256(persona_name.encode()).hexdigest()[:16]
    key = f"{buyer_id}:{persona_id}:{amount}:{currency}:{name_digest}:{attempt}:{expires_at}"
    return str(uuid.uuid5(CHECKOUT_NAMESPACE, key))


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        return str(value["id"]) if value.get("id") else None
    return str(value) if value else None

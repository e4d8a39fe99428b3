"""Starting a checkout: one payable Stripe Checkout Session per buyer and persona at a time."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import stripe
from shared.logging import get_logger
from shared.stripe_edge import StripeUnavailable
from shared.uow import UnitOfWork, run_command

from billing import queries
from billing.domain import DomainError, Missing, NotAllowed, Sale, Transaction
from billing.service import Billing

log = get_logger(__name__)

CHECKOUT_NAMESPACE = uuid.UUID("8d0f3b9e-6a41-4c57-9b2e-2f7c1d5e8a90")
CHECKOUT_ATTEMPTS = 20


@dataclass(frozen=True)
class CheckoutLink:
    transaction_id: str
    session_id: str
    checkout_url: str


async def start_checkout(billing: Billing, buyer_id: str, persona_id: str) -> CheckoutLink:
    """Hand out a payable Checkout Session for this buyer and persona.

    No database connection is held while Stripe answers. Concurrent requests (a double
    click) derive the same transaction id from the buyer's checkouts so far, so they send
    Stripe the same idempotency key and parameters, get the same session back, and only one
    of them appends `CheckoutStarted`."""
    for _ in range(CHECKOUT_ATTEMPTS):
        link = await _start_checkout_once(billing, buyer_id, persona_id)
        if link is not None:
            return link
        await asyncio.sleep(0.1)
    raise StripeUnavailable("the checkout could not be started; please try again")


def no_such_persona() -> Missing:
    # The same answer for a persona that never existed and one its creator has not published
    # (or that was suspended or deleted): nobody learns what they may not see. Right after an
    # approval the gateway turns this into a retryable 503 (gateway/src/gateway/compose.py).
    return Missing("There is no such persona.", "persona_not_found")


async def _start_checkout_once(
    billing: Billing, buyer_id: str, persona_id: str
) -> CheckoutLink | None:
    settings = billing.settings
    now = datetime.now(UTC)
    async with billing.pool.acquire() as conn:
        persona = await queries.persona(conn, persona_id)
        if persona is None:
            raise no_such_persona()
        if persona["creator_id"] == buyer_id:
            raise NotAllowed("You cannot buy your own persona.", "own_persona")
        if persona["status"] != "approved":
            # Unpublished, suspended or deleted: for anyone but its creator it does not exist.
            raise no_such_persona()
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
        email = await queries.buyer_email(conn, buyer_id)

    sale = Sale(
        buyer_id=buyer_id,
        persona_id=persona_id,
        creator_id=persona["creator_id"],
        persona_name=persona["name"],
        amount=persona["price_cents"],
        currency=persona["currency"],
    )
    expires_at = checkout_expiry(now, settings.checkout_ttl_minutes)
    transaction_id = checkout_transaction_id(
        buyer_id,
        persona_id,
        sale.amount,
        sale.currency,
        sale.persona_name,
        attempt,
        expires_at,
        email or "",
    )
    base = settings.public_url.rstrip("/")
    try:
        session = await billing.stripe.create_checkout_session(
            transaction_id=transaction_id,
            sale=sale,
            success_url=f"{base}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=f"{base}/checkout/cancel?persona_id={quote(persona_id, safe='')}",
            expires_at=expires_at,
            customer_email=email,
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
            sale,
            fee_rate_bps=settings.platform_fee_bps,
            session_id=session.id,
            checkout_url=session.url,
            expires_at=datetime.fromtimestamp(session.expires_at, UTC)
            if session.expires_at is not None
            else None,
            tax_enabled=settings.tax_enabled,
        )
        await uow.save(tx)
        return tx

    tx = await run_command(billing.pool, billing.store, record)
    if tx.expires_at is not None and tx.expires_at <= datetime.now(UTC) + timedelta(
        minutes=settings.checkout_reuse_margin_minutes
    ):
        # Stripe replayed a session from an attempt that crashed before recording it long
        # ago; it is recorded now, so the next attempt makes a fresh one.
        return None
    log.info("checkout started", transaction_id=transaction_id, persona_id=persona_id)
    assert tx.checkout_url is not None
    return CheckoutLink(tx.id, tx.session_id, tx.checkout_url)


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
    email: str = "",
) -> str:
    """The id (and so the Stripe idempotency key) of a new checkout: the same for requests
    racing from the same state, and a new one whenever anything sent to Stripe differs, so a
    key burned by a request that died before recording its session never blocks a later one."""
    name_digest = hashlib.sha256(persona_name.encode()).hexdigest()[:16]
    key = f"{buyer_id}:{persona_id}:{amount}:{currency}:{name_digest}:{attempt}:{expires_at}"
    if email:  # the address sent to Stripe is a parameter too
        key += ":" + hashlib.sha256(email.encode()).hexdigest()[:16]
    return str(uuid.uuid5(CHECKOUT_NAMESPACE, key))

"""Application layer: one unit of work per command; Stripe is called only outside transactions.

A payout is two commits around one Stripe call: `PayoutRequested` reserves the money (on the
creator's locked ledger stream, at the version it was decided on), the transfer is made with the
idempotency key `payout:<id>`, then `PayoutPaid` or `PayoutFailed` is appended. A crash or an
unreachable Stripe between the two leaves the payout `requested`; the sweeper finds it and
finishes it with the same key (after looking for a transfer already made for it).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import stripe
from shared.db import advisory_key, connect
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.stripe_edge import Account, StripeUnavailable, first_delivery
from shared.uow import UnitOfWork, run_command

from payouts import queries
from payouts.domain import (
    REQUESTED,
    AccountStatus,
    CreatorLedger,
    PayoutAccount,
    PayoutState,
    account_stream,
    ledger_stream,
)
from payouts.service import Payouts

log = get_logger(__name__)

PAYOUT_NAMESPACE = uuid.UUID("5b1f7c3e-9a53-4b8e-8f0e-3f4f5d2a6c11")


def payout_id_for(creator_id: str, idempotency_key: str | None) -> str:
    """A client's `Idempotency-Key` maps to one payout id per creator; none: a fresh id."""
    if idempotency_key:
        return str(uuid.uuid5(PAYOUT_NAMESPACE, f"{creator_id}:{idempotency_key}"))
    return str(uuid.uuid4())


# -- the connected account --------------------------------------------------------------------


async def _load_account(pool: asyncpg.Pool, store: EventStore, creator_id: str) -> PayoutAccount:
    async with pool.acquire() as conn:
        return await UnitOfWork(conn, store).load(PayoutAccount, account_stream(creator_id))


async def start_onboarding(svc: Payouts, creator_id: str) -> dict[str, Any]:
    """Create the creator's Express account once, and hand out a fresh onboarding link."""
    account = await _load_account(svc.pool, svc.store, creator_id)
    stripe_account = account.stripe_account
    if stripe_account is None:
        # Same idempotency key for every attempt: concurrent or retried calls get one account.
        created = await svc.stripe.create_express_account(creator_id)

        async def remember(uow: UnitOfWork) -> str:
            acct = await uow.load(PayoutAccount, account_stream(creator_id))
            acct.open(created)
            await uow.save(acct)
            assert acct.stripe_account is not None
            return acct.stripe_account

        stripe_account = await run_command(svc.pool, svc.store, remember)
    base = svc.settings.public_url.rstrip("/")
    link = await svc.stripe.onboarding_link(
        stripe_account,
        return_url=f"{base}/dashboard/earnings?onboarding=done",
        refresh_url=f"{base}/dashboard/earnings?onboarding=refresh",
    )
    status = await queries.account_status(svc.pool, creator_id)
    return {
        "url": link.url,
        "expires_at": link.expires_at,
        "stripe_account": stripe_account,
        "onboarded": status.onboarded,
    }


async def apply_account_snapshot(
    svc: Payouts, creator_id: str, snap: Account, *, webhook_event: str | None = None
) -> bool:
    async def update(uow: UnitOfWork) -> bool:
        if webhook_event is not None and not await first_delivery(uow.conn, webhook_event):
            return False
        acct = await uow.load(PayoutAccount, account_stream(creator_id))
        if acct.stripe_account != snap.id:
            return False
        changed = acct.update_status(
            details_submitted=snap.details_submitted,
            payouts_enabled=snap.payouts_enabled,
            transfers_active=snap.transfers_active,
        )
        await uow.save(acct)
        return changed

    return await run_command(svc.pool, svc.store, update)


async def refresh_account(svc: Payouts, creator_id: str) -> AccountStatus:
    """While a creator is not onboarded, ask Stripe (one call) in case a webhook was missed."""
    status = await queries.account_status(svc.pool, creator_id)
    if not status.exists or status.onboarded or status.stripe_account is None:
        return status
    try:
        snap = await svc.stripe.account(status.stripe_account)
    except (stripe.StripeError, StripeUnavailable) as exc:
        log.warning("account refresh failed", error=repr(exc))
        return status
    await apply_account_snapshot(svc, creator_id, snap)
    # Read again even if this call changed nothing: a webhook may have just applied the same.
    return await queries.account_status(svc.pool, creator_id)


# -- payouts ----------------------------------------------------------------------------------------


async def reserve_payout(
    svc: Payouts,
    creator_id: str,
    *,
    payout_id: str,
    currency: str,
    amount: int | None = None,
    account: AccountStatus | None = None,
) -> tuple[PayoutState, bool]:
    """Append `PayoutRequested` (the money leaves the available balance) or refuse.

    Returns the payout and whether this call created it; raises `domain.PayoutRefused` with
    nothing written when the payout cannot go ahead.
    """
    if account is None:
        account = await queries.account_status(svc.pool, creator_id)
    created = False

    async def reserve(uow: UnitOfWork) -> PayoutState:
        nonlocal created
        # The lock queues concurrent requests on this creator instead of letting them clash.
        ledger = await uow.load(CreatorLedger, ledger_stream(creator_id), lock=True)
        known = payout_id in ledger.payouts
        payout = ledger.request_payout(
            payout_id=payout_id,
            currency=currency,
            now=svc.now(),
            minimum=svc.settings.minimum_cents,
            account=account,
            amount=amount,
            holding_days=svc.settings.holding_days,
        )
        await uow.save(ledger)
        created = not known
        return payout

    payout = await run_command(svc.pool, svc.store, reserve)
    return payout, created


async def request_payout(
    svc: Payouts,
    creator_id: str,
    *,
    payout_id: str,
    currency: str,
    amount: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """Reserve, transfer (after the reservation committed), settle."""
    account = await refresh_account(svc, creator_id)
    payout, created = await reserve_payout(
        svc, creator_id, payout_id=payout_id, currency=currency, amount=amount, account=account
    )
    if payout.status == REQUESTED:
        await make_transfer(svc, creator_id, payout)
    item = await queries.payout(svc.pool, creator_id, payout_id)
    assert item is not None
    return item, created


async def make_transfer(svc: Payouts, creator_id: str, payout: PayoutState) -> None:
    """The Stripe call for a reserved payout, then its settlement; transient errors leave it
    `requested` for the sweeper."""
    if payout.destination is None:
        await _settle(svc, creator_id, payout.payout_id, failure="No connected Stripe account.")
        return
    try:
        outcome = await svc.stripe.transfer(
            payout_id=payout.payout_id,
            creator_id=creator_id,
            amount=payout.amount,
            currency=payout.currency,
            destination=payout.destination,
        )
    except StripeUnavailable as exc:
        log.warning("transfer not made yet; will retry", payout_id=payout.payout_id, error=str(exc))
        return
    if outcome.transfer is not None:
        await _settle(svc, creator_id, payout.payout_id, transfer=outcome.transfer)
    else:
        log.info("transfer refused", payout_id=payout.payout_id, code=outcome.code)
        await _settle(svc, creator_id, payout.payout_id, failure=outcome.failure, code=outcome.code)


async def _settle(
    svc: Payouts,
    creator_id: str,
    payout_id: str,
    *,
    transfer: str | None = None,
    failure: str | None = None,
    code: str | None = None,
) -> None:
    async def settle(uow: UnitOfWork) -> None:
        ledger = await uow.load(CreatorLedger, ledger_stream(creator_id), lock=True)
        if transfer is not None:
            ledger.settle_paid(payout_id, transfer)
        else:
            ledger.settle_failed(payout_id, failure or "Stripe refused the transfer.", code)
        await uow.save(ledger)

    await run_command(svc.pool, svc.store, settle)


async def sweep_unsettled(svc: Payouts, grace: timedelta | None = None) -> int:
    """Finish payouts left `requested` (crash or Stripe outage); returns how many were settled.

    One replica sweeps at a time. A transfer already made for the payout (found by its transfer
    group, which outlives Stripe's 24-hour idempotency window) settles it as paid; otherwise the
    transfer is made with the original idempotency key.
    """
    grace = timedelta(seconds=svc.settings.sweep_grace_s) if grace is None else grace
    settled = 0
    # The lock is a session's: it lives on a connection of its own (pooled connections are not
    # reset on release), and closing that connection releases it even if the sweep is cut short.
    conn = await connect(svc.settings.database_url)
    try:
        if not await conn.fetchval(
            "SELECT pg_try_advisory_lock($1)", advisory_key("payouts:sweeper")
        ):
            return 0
        rows = await queries.unsettled_payouts(svc.pool, svc.now() - grace)
        for row in rows:
            creator_id = str(row["creator_id"])
            payout_id = str(row["payout_id"])
            async with svc.pool.acquire() as c:
                ledger = await UnitOfWork(c, svc.store).load(
                    CreatorLedger, ledger_stream(creator_id)
                )
            payout = ledger.payouts.get(payout_id)
            if payout is None or payout.status != REQUESTED:
                continue
            try:
                existing = await svc.stripe.existing_transfer(payout_id)
            except (stripe.StripeError, StripeUnavailable) as exc:
                log.warning("sweeper cannot reach Stripe", error=repr(exc))
                break
            if existing is not None:
                await _settle(svc, creator_id, payout_id, transfer=existing)
            else:
                await make_transfer(svc, creator_id, payout)
            async with svc.pool.acquire() as c:
                status = await c.fetchval(
                    "SELECT status FROM payouts WHERE payout_id = $1", payout_id
                )
            settled += status != REQUESTED
    finally:
        await conn.close()
    if settled:
        log.info("sweeper settled payouts", count=settled)
    return settled


async def run_sweeper(svc: Payouts) -> None:
    """At start-up, then every `PAYOUTS_SWEEP_INTERVAL_S` seconds, until cancelled."""
    while True:
        try:
            await sweep_unsettled(svc)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("payout sweep failed")
        await asyncio.sleep(svc.settings.sweep_interval_s)

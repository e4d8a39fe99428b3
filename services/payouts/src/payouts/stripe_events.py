"""Stripe Connect's webhook events: account status and transfer outcomes, each applied once
(the event id goes into the kernel's inbox in the same transaction as its effect)."""

from __future__ import annotations

import stripe
from shared.stripe_edge import Account, StripeEvent, StripeUnavailable, Transfer, first_delivery
from shared.uow import UnitOfWork, run_command

from payouts import queries
from payouts.commands import Payouts, apply_account_snapshot
from payouts.domain import CreatorLedger, ledger_stream

TRANSFER_EVENTS = ("transfer.created", "transfer.reversed", "transfer.failed")


async def handle_stripe_event(svc: Payouts, event: StripeEvent) -> str:
    """Apply one verified Stripe event; returns what was done (for logs and tests)."""
    if event.type == "account.updated":
        return await _account_updated(svc, event)
    if event.type in TRANSFER_EVENTS:
        return await _transfer_event(svc, event, event.as_(Transfer))
    return "ignored"


async def _account_updated(svc: Payouts, event: StripeEvent) -> str:
    reported = event.as_(Account)
    creator_id = await queries.creator_for_account(svc.pool, reported.id)
    if creator_id is None:
        return "ignored"
    # Events can arrive out of order: read the account as it is now, not the snapshot.
    try:
        snap = await svc.stripe.account(reported.id)
    except (stripe.StripeError, StripeUnavailable):
        snap = reported
    changed = await apply_account_snapshot(svc, creator_id, snap, webhook_event=event.id)
    return "account_updated" if changed else "unchanged"


async def _transfer_event(svc: Payouts, event: StripeEvent, transfer: Transfer) -> str:
    payout_id = transfer.metadata.get("payout_id")
    if not payout_id:
        return "ignored"
    owner = await queries.payout_owner(svc.pool, payout_id)
    if owner is None:
        return "ignored"
    if event.type == "transfer.created":
        reversed_total, reason = 0, ""
    elif event.type == "transfer.failed":
        reversed_total, reason = transfer.amount, "Stripe could not deliver the transfer"
    else:
        reversed_total = transfer.amount_reversed
        reason = next(iter(transfer.reversal_reasons), "Stripe reversed the transfer")

    async def apply(uow: UnitOfWork) -> bool:
        if not await first_delivery(uow.conn, event.id):
            return False
        ledger = await uow.load(CreatorLedger, ledger_stream(owner), lock=True)
        if reversed_total > 0:
            changed = ledger.record_transfer_reversal(
                payout_id, transfer.id, reversed_total, reason
            )
        else:
            changed = ledger.settle_paid(payout_id, transfer.id)
        await uow.save(ledger)
        return changed

    changed = await run_command(svc.pool, svc.store, apply)
    return event.type if changed else "unchanged"

"""Money notices: sales, receipts, refunds, lost disputes and payouts (receipts, refunds and
payouts are transactional: they always e-mail)."""

from __future__ import annotations

import asyncpg
from shared.contracts.billing import DisputeClosed, PurchaseCompleted, PurchaseRefunded
from shared.contracts.payouts import PayoutFailed, PayoutPaid
from shared.events import Envelope
from shared.money import format_money as money

from notifications.deliver import persona_name
from notifications.rules import Facts, notices


@notices(PurchaseCompleted)
async def _purchase(e: PurchaseCompleted, env: Envelope, conn: asyncpg.Connection) -> Facts:
    name = e.persona_name or await persona_name(conn, e.persona_id)
    total = e.amount_total or e.amount + e.tax
    card = f"{e.card_brand or 'card'} •••• {e.card_last4}" if e.card_last4 else ""
    return {
        "name": name,
        "earned": money(e.creator_revenue, e.currency),
        "price": money(e.amount, e.currency),
        "fee": money(e.platform_fee, e.currency),
        "tax_paid": money(e.tax, e.currency),
        "total": money(total, e.currency),
        "card": card,
    }


@notices(PurchaseRefunded, DisputeClosed, rules="money_back")
async def _money_back(
    e: PurchaseRefunded | DisputeClosed, env: Envelope, conn: asyncpg.Connection
) -> Facts | None:
    """A refund or a lost dispute: the buyer's money back, the creator's share reversed (a won
    dispute changed nothing for either side)."""
    dispute = isinstance(e, DisputeClosed)
    if isinstance(e, DisputeClosed) and e.status != "lost":
        return None
    return {
        "what": "Chargeback" if dispute else "Refund",
        "kind": "dispute_lost" if dispute else "refund",
        "name": await persona_name(conn, e.persona_id),
        "back": money(e.amount, e.currency),
        "reversed": money(e.creator_amount, e.currency),
    }


@notices(PayoutPaid, PayoutFailed)
async def _payout(e: PayoutPaid | PayoutFailed, env: Envelope, conn: asyncpg.Connection) -> Facts:
    return {"sum": money(e.amount, e.currency)}

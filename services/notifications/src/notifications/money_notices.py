"""Money notices: sales, receipts, refunds, lost disputes and payouts (receipts, refunds and
payouts are transactional: they always e-mail)."""

from __future__ import annotations

import asyncpg
from shared.contracts.billing import DisputeClosed, PurchaseCompleted, PurchaseRefunded
from shared.contracts.payouts import PayoutFailed, PayoutPaid
from shared.events import Envelope

from notifications.deliver import persona_name
from notifications.rules import Facts, IfAny, Letter, Rule, notices
from notifications.texts import EARNINGS_PATH, LIBRARY_PATH, money

SEE_EARNINGS = ("See your earnings", EARNINGS_PATH)


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


notices(
    PurchaseCompleted,
    _purchase,
    Rule(
        to="creator_id",
        role="creator",
        category="sales",
        kind="sale",
        title="You earned {earned}: “{name}” sold",
        link=EARNINGS_PATH,
        data=("persona_id", "amount=creator_revenue", "currency"),
        mail=Letter(
            subject="You earned {earned}",
            heading="“{name}” sold",
            lines=("Someone bought “{name}”. Your share of the sale is {earned}.",),
            details=(
                ("Price", "{price}"),
                ("Platform fee", "{fee}"),
                ("Your earnings", "{earned}"),
            ),
            action=SEE_EARNINGS,
        ),
    ),
    Rule(
        to="buyer_id",
        role="buyer",
        category="purchases",
        kind="receipt",
        title="Receipt: “{name}”, {total}",
        link=LIBRARY_PATH,
        data=("persona_id", "transaction_id"),
        mail=Letter(
            subject="Your receipt for “{name}”",
            heading="Thanks for your purchase",
            lines=("“{name}” is in your library now, ready to download.",),
            details=(
                ("Item", "{name}"),
                ("Amount", "{price}"),
                ("Tax", "{tax_paid}"),
                ("Total paid", "{total}"),
                ("Receipt number", "{transaction_id}"),
                ("Card", IfAny("{card}")),
            ),
            action=("Open your library", LIBRARY_PATH),
        ),
    ),
)


def _money_back(kind: str) -> tuple[Rule, Rule]:
    """A refund or a lost dispute: the buyer's money back, the creator's share reversed."""
    return (
        Rule(
            to="buyer_id",
            role="buyer",
            category="purchases",
            kind=kind,
            title="{what}: {back} for “{name}”",
            link=LIBRARY_PATH,
            data=("persona_id", "amount", "currency"),
            mail=Letter(
                subject="{what} for “{name}”",
                heading="{what}: {back}",
                lines=("{back} for “{name}” goes back to your original payment method.",),
                details=(("Item", "{name}"), ("Amount", "{back}")),
            ),
        ),
        Rule(
            to="creator_id",
            role="creator",
            category="payouts",
            kind=kind,
            title="{what} on “{name}”: {reversed} deducted from your earnings",
            link=EARNINGS_PATH,
            data=("persona_id", "amount", "currency", "creator_amount"),
            mail=Letter(
                subject="{what} on “{name}”",
                heading="{what} on “{name}”",
                lines=("Your share of that sale, {reversed}, was taken back from your earnings.",),
                action=SEE_EARNINGS,
            ),
        ),
    )


async def _refunded(
    e: PurchaseRefunded | DisputeClosed, env: Envelope, conn: asyncpg.Connection
) -> Facts:
    return {
        "what": "Chargeback" if isinstance(e, DisputeClosed) else "Refund",
        "name": await persona_name(conn, e.persona_id),
        "back": money(e.amount, e.currency),
        "reversed": money(e.creator_amount, e.currency),
    }


async def _dispute_lost(e: DisputeClosed, env: Envelope, conn: asyncpg.Connection) -> Facts | None:
    return await _refunded(e, env, conn) if e.status == "lost" else None


notices(PurchaseRefunded, _refunded, *_money_back("refund"))
notices(DisputeClosed, _dispute_lost, *_money_back("dispute_lost"))


async def _payout(e: PayoutPaid | PayoutFailed, env: Envelope, conn: asyncpg.Connection) -> Facts:
    return {"sum": money(e.amount, e.currency)}


notices(
    PayoutPaid,
    _payout,
    Rule(
        to="creator_id",
        category="payouts",
        kind="payout_paid",
        title="Payout of {sum} sent",
        link=EARNINGS_PATH,
        data=("payout_id", "amount", "currency"),
        mail=Letter(
            subject="Your payout of {sum} is on its way",
            lines=("The money is on its way to your connected bank account.",),
            details=(("Amount", "{sum}"), ("Reference", "{payout_id}")),
            action=("See your payouts", EARNINGS_PATH),
        ),
    ),
)
notices(
    PayoutFailed,
    _payout,
    Rule(
        to="creator_id",
        category="payouts",
        kind="payout_failed",
        title="Payout of {sum} failed",
        body="{reason}",
        link=EARNINGS_PATH,
        data=("payout_id", "reason"),
        mail=Letter(
            subject="Your payout of {sum} failed",
            lines=(
                "The transfer was refused: {reason}",
                "The money is back in your available balance; you can request it again.",
            ),
            action=SEE_EARNINGS,
        ),
    ),
)

"""Money notices: sales, receipts, refunds, lost disputes and payouts (receipts, refunds and
payouts are transactional: they always e-mail)."""

from __future__ import annotations

from shared.contracts.billing import DisputeClosed, PurchaseCompleted, PurchaseRefunded
from shared.contracts.payouts import PayoutFailed, PayoutPaid
from shared.events import Envelope
from shared.uow import UnitOfWork

from notifications.deliver import Mail, Notice, deliver, persona_name
from notifications.subscription import events
from notifications.texts import EARNINGS_PATH, LIBRARY_PATH, money


@events.on(PurchaseCompleted)
async def purchase(e: PurchaseCompleted, env: Envelope, uow: UnitOfWork) -> None:
    name = e.persona_name or await persona_name(uow.conn, e.persona_id)
    earned = money(e.creator_revenue, e.currency)
    await deliver(
        uow.conn,
        Notice(
            user_id=e.creator_id,
            category="sales",
            kind="sale",
            title=f"You earned {earned}: “{name}” sold",
            link=EARNINGS_PATH,
            data={"persona_id": e.persona_id, "amount": e.creator_revenue, "currency": e.currency},
            dedupe_key=f"{env.event_id}:creator",
            mail=Mail(
                subject=f"You earned {earned}",
                heading=f"“{name}” sold",
                lines=[f"Someone bought “{name}”. Your share of the sale is {earned}."],
                details=[
                    ("Price", money(e.amount, e.currency)),
                    ("Platform fee", money(e.platform_fee, e.currency)),
                    ("Your earnings", earned),
                ],
                action=("See your earnings", EARNINGS_PATH),
            ),
        ),
    )
    total = e.amount_total or e.amount + e.tax
    await deliver(
        uow.conn,
        Notice(
            user_id=e.buyer_id,
            category="purchases",
            kind="receipt",
            title=f"Receipt: “{name}”, {money(total, e.currency)}",
            link=LIBRARY_PATH,
            data={"persona_id": e.persona_id, "transaction_id": e.transaction_id},
            dedupe_key=f"{env.event_id}:buyer",
            mail=Mail(
                subject=f"Your receipt for “{name}”",
                heading="Thanks for your purchase",
                lines=[f"“{name}” is in your library now, ready to download."],
                details=[
                    ("Item", name),
                    ("Amount", money(e.amount, e.currency)),
                    ("Tax", money(e.tax, e.currency)),
                    ("Total paid", money(total, e.currency)),
                    ("Receipt number", e.transaction_id),
                ]
                + (
                    [("Card", f"{e.card_brand or 'card'} •••• {e.card_last4}")]
                    if e.card_last4
                    else []
                ),
                action=("Open your library", LIBRARY_PATH),
            ),
        ),
    )


async def _money_back(
    uow: UnitOfWork,
    env: Envelope,
    *,
    kind: str,
    buyer_id: str,
    creator_id: str,
    persona_id: str,
    amount: int,
    creator_amount: int,
    currency: str,
    what: str,
) -> None:
    """A refund or a lost dispute: the buyer's money back, the creator's share reversed."""
    name = await persona_name(uow.conn, persona_id)
    data = {"persona_id": persona_id, "amount": amount, "currency": currency}
    if buyer_id:
        back = money(amount, currency)
        await deliver(
            uow.conn,
            Notice(
                user_id=buyer_id,
                category="purchases",
                kind=kind,
                title=f"{what}: {back} for “{name}”",
                link=LIBRARY_PATH,
                data=data,
                dedupe_key=f"{env.event_id}:buyer",
                mail=Mail(
                    subject=f"{what} for “{name}”",
                    heading=f"{what}: {back}",
                    lines=[f"{back} for “{name}” goes back to your original payment method."],
                    details=[("Item", name), ("Amount", back)],
                ),
            ),
        )
    reversed_ = money(creator_amount, currency)
    await deliver(
        uow.conn,
        Notice(
            user_id=creator_id,
            category="payouts",
            kind=kind,
            title=f"{what} on “{name}”: {reversed_} deducted from your earnings",
            link=EARNINGS_PATH,
            data={**data, "creator_amount": creator_amount},
            dedupe_key=f"{env.event_id}:creator",
            mail=Mail(
                subject=f"{what} on “{name}”",
                heading=f"{what} on “{name}”",
                lines=[f"Your share of that sale, {reversed_}, was taken back from your earnings."],
                action=("See your earnings", EARNINGS_PATH),
            ),
        ),
    )


@events.on(PurchaseRefunded)
async def refunded(e: PurchaseRefunded, env: Envelope, uow: UnitOfWork) -> None:
    await _money_back(
        uow,
        env,
        kind="refund",
        buyer_id=e.buyer_id,
        creator_id=e.creator_id,
        persona_id=e.persona_id,
        amount=e.amount,
        creator_amount=e.creator_amount,
        currency=e.currency,
        what="Refund",
    )


@events.on(DisputeClosed)
async def dispute_closed(e: DisputeClosed, env: Envelope, uow: UnitOfWork) -> None:
    if e.status != "lost":
        return
    await _money_back(
        uow,
        env,
        kind="dispute_lost",
        buyer_id=e.buyer_id,
        creator_id=e.creator_id,
        persona_id=e.persona_id,
        amount=e.amount,
        creator_amount=e.creator_amount,
        currency=e.currency,
        what="Chargeback",
    )


@events.on(PayoutPaid)
async def payout_paid(e: PayoutPaid, env: Envelope, uow: UnitOfWork) -> None:
    amount = money(e.amount, e.currency)
    await deliver(
        uow.conn,
        Notice(
            user_id=e.creator_id,
            category="payouts",
            kind="payout_paid",
            title=f"Payout of {amount} sent",
            link=EARNINGS_PATH,
            data={"payout_id": e.payout_id, "amount": e.amount, "currency": e.currency},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject=f"Your payout of {amount} is on its way",
                heading=f"Payout of {amount} sent",
                lines=["The money is on its way to your connected bank account."],
                details=[("Amount", amount), ("Reference", e.payout_id)],
                action=("See your payouts", EARNINGS_PATH),
            ),
        ),
    )


@events.on(PayoutFailed)
async def payout_failed(e: PayoutFailed, env: Envelope, uow: UnitOfWork) -> None:
    amount = money(e.amount, e.currency)
    await deliver(
        uow.conn,
        Notice(
            user_id=e.creator_id,
            category="payouts",
            kind="payout_failed",
            title=f"Payout of {amount} failed",
            body=e.reason,
            link=EARNINGS_PATH,
            data={"payout_id": e.payout_id, "reason": e.reason},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject=f"Your payout of {amount} failed",
                heading=f"Payout of {amount} failed",
                lines=[
                    f"The transfer was refused: {e.reason}",
                    "The money is back in your available balance; you can request it again.",
                ],
                action=("See your earnings", EARNINGS_PATH),
            ),
        ),
    )

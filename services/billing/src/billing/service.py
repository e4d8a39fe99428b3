"""Billing's application service: what every command needs, one per app (`app.state.billing`).

Commands are module functions taking it first: `checkout.start_checkout`,
`stripe_events.handle_stripe_event`, `refunds.refund`. Stripe is only called outside database
transactions (and without holding a connection).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from shared.eventstore import EventStore
from shared.uow import UnitOfWork

from billing.domain import Transaction
from billing.settings import BillingSettings
from billing.stripe_gateway import StripeGateway


@dataclass
class Billing:
    pool: asyncpg.Pool
    store: EventStore
    stripe: StripeGateway
    settings: BillingSettings

    async def load(self, transaction_id: str) -> Transaction:
        """The transaction as it is now, read outside any command (to decide what to ask Stripe)."""
        async with self.pool.acquire() as conn:
            return await UnitOfWork(conn, self.store).load(Transaction, transaction_id)

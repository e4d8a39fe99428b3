"""Payouts' application service: what every command needs, one per app (`app.state.payouts`).

Commands are module functions taking it first (`commands.request_payout(svc, ...)`,
`stripe_events.handle_stripe_event(svc, event)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from shared.eventstore import EventStore

from payouts.settings import PayoutsSettings
from payouts.stripe_connect import StripeConnect

Clock = Callable[[], datetime]


@dataclass
class Payouts:
    """`clock` is "now" (tests move it past the holding period without sleeping)."""

    pool: asyncpg.Pool
    store: EventStore
    settings: PayoutsSettings
    stripe: StripeConnect
    clock: Clock

    def now(self) -> datetime:
        return self.clock()

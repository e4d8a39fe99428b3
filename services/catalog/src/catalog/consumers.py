"""Handlers for other services' events; each runs inside its inbox transaction (effectively once).

- billing.PurchaseCompleted grants the buyer access (PersonaAcquired, source purchase).
- billing.PurchaseRefunded with `full` revokes that purchase's access (EntitlementRevoked).
- billing.DisputeClosed `lost` (a chargeback: the buyer has the money back) revokes it too.
- identity.UserRegistered / ProfileUpdated keep the local usernames current.
"""

from __future__ import annotations

import asyncpg
from shared.bus import Handler, Subscription
from shared.contracts.billing import DisputeClosed, PurchaseCompleted, PurchaseRefunded
from shared.contracts.identity import ProfileUpdated, UserRegistered
from shared.events import Envelope
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.uow import UnitOfWork

from catalog.commands import in_savepoint
from catalog.domain import Entitlement, entitlement_id

log = get_logger(__name__)


def entitlement_handler(store: EventStore) -> Handler:
    async def handle(conn: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event()
        if isinstance(event, PurchaseCompleted):
            e = event

            async def grant(uow: UnitOfWork) -> None:
                ent = await uow.load(Entitlement, entitlement_id(e.persona_id, e.buyer_id))
                if ent.grant_purchase(e.creator_id, e.transaction_id, e.amount, e.currency):
                    await uow.save(ent)

            await in_savepoint(conn, store, grant)
        elif isinstance(event, PurchaseRefunded):
            r = event
            if not r.full:
                log.info("partial refund keeps access", transaction_id=r.transaction_id)
                return

            async def revoke(uow: UnitOfWork) -> None:
                ent = await uow.load(Entitlement, entitlement_id(r.persona_id, r.buyer_id))
                if ent.revoke_purchase(r.creator_id, r.transaction_id):
                    await uow.save(ent)

            await in_savepoint(conn, store, revoke)
        elif isinstance(event, DisputeClosed):
            d = event
            if d.status != "lost" or not (d.buyer_id and d.persona_id):
                return

            async def charge_back(uow: UnitOfWork) -> None:
                ent = await uow.load(Entitlement, entitlement_id(d.persona_id, d.buyer_id))
                if ent.revoke_purchase(d.creator_id, d.transaction_id, reason="chargeback"):
                    await uow.save(ent)

            await in_savepoint(conn, store, charge_back)

    return handle


async def users_handler(conn: asyncpg.Connection, envelope: Envelope) -> None:
    event = envelope.event()
    if isinstance(event, UserRegistered):
        username: object = event.username
        user_id = event.user_id
    elif isinstance(event, ProfileUpdated) and "username" in event.changes:
        username = event.changes["username"]
        user_id = event.user_id
    else:
        return
    if not isinstance(username, str) or not username:
        return
    # Last writer by event time wins, so a late redelivery cannot roll a rename back.
    await conn.execute(
        "INSERT INTO users (id, username, updated_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (id) DO UPDATE SET username = excluded.username,"
        " updated_at = excluded.updated_at WHERE users.updated_at <= excluded.updated_at",
        user_id,
        username,
        envelope.occurred_at,
    )


def subscriptions(store: EventStore) -> list[Subscription]:
    return [
        Subscription(
            "catalog",
            "entitlements",
            ("billing.PurchaseCompleted", "billing.PurchaseRefunded", "billing.DisputeClosed"),
            entitlement_handler(store),
        ),
        Subscription(
            "catalog",
            "users",
            ("identity.UserRegistered", "identity.ProfileUpdated"),
            users_handler,
        ),
    ]

"""Handlers for other services' events; each runs inside its inbox transaction (effectively once).

- billing.PurchaseCompleted grants the buyer access (PersonaAcquired, source purchase).
- billing.PurchaseRefunded with `full` revokes that purchase's access (EntitlementRevoked).
- billing.DisputeClosed `lost` (a chargeback: the buyer has the money back) revokes it too.
- identity.UserRegistered / ProfileUpdated keep the local usernames current.
"""

from __future__ import annotations

from shared.contracts.billing import DisputeClosed, PurchaseCompleted, PurchaseRefunded
from shared.contracts.identity import ProfileUpdated, UserRegistered
from shared.events import Envelope
from shared.logging import get_logger
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

from catalog.domain import Entitlement, entitlement_id

log = get_logger(__name__)

entitlements = Subscription("catalog", "entitlements")
users = Subscription("catalog", "users")


@entitlements.on(PurchaseCompleted)
async def grant(e: PurchaseCompleted, _: Envelope, uow: UnitOfWork) -> None:
    ent = await uow.load(Entitlement, entitlement_id(e.persona_id, e.buyer_id))
    if ent.grant_purchase(e.creator_id, e.transaction_id, e.amount, e.currency):
        await uow.save(ent)


@entitlements.on(PurchaseRefunded)
async def revoke(r: PurchaseRefunded, _: Envelope, uow: UnitOfWork) -> None:
    if not r.full:
        log.info("partial refund keeps access", transaction_id=r.transaction_id)
        return
    ent = await uow.load(Entitlement, entitlement_id(r.persona_id, r.buyer_id))
    if ent.revoke_purchase(r.creator_id, r.transaction_id):
        await uow.save(ent)


@entitlements.on(DisputeClosed)
async def charge_back(d: DisputeClosed, _: Envelope, uow: UnitOfWork) -> None:
    if d.status != "lost" or not (d.buyer_id and d.persona_id):
        return
    ent = await uow.load(Entitlement, entitlement_id(d.persona_id, d.buyer_id))
    if ent.revoke_purchase(d.creator_id, d.transaction_id, reason="chargeback"):
        await uow.save(ent)


@users.on(UserRegistered)
async def registered(e: UserRegistered, env: Envelope, uow: UnitOfWork) -> None:
    await _username(uow, e.user_id, e.username, env)


@users.on(ProfileUpdated)
async def profile_updated(e: ProfileUpdated, env: Envelope, uow: UnitOfWork) -> None:
    if "username" in e.changes:
        await _username(uow, e.user_id, e.changes["username"], env)


async def _username(uow: UnitOfWork, user_id: str, username: object, env: Envelope) -> None:
    if not isinstance(username, str) or not username:
        return
    # Last writer by event time wins, so a late redelivery cannot roll a rename back.
    await uow.conn.execute(
        "INSERT INTO users (id, username, updated_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (id) DO UPDATE SET username = excluded.username,"
        " updated_at = excluded.updated_at WHERE users.updated_at <= excluded.updated_at",
        user_id,
        username,
        env.occurred_at,
    )


subscriptions = [entitlements, users]

"""Other services' events, inbox-guarded: catalog's price list billing sells from and free
acquisitions; identity's e-mail addresses, which Checkout fills in for the signed-in buyer."""

from __future__ import annotations

from shared.contracts.catalog import (
    PersonaAcquired,
    PersonaApproved,
    PersonaDeleted,
    PersonaSuspended,
    PersonaUpdated,
)
from shared.contracts.identity import ProfileUpdated, UserRegistered
from shared.events import Envelope
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

# Apply only what is newer than the row: catalog's events of one persona share a stream whose
# version grows, so a redelivered or late event never rolls a price or status back.
_UPSERT_TERMS = """
INSERT INTO personas (persona_id, creator_id, name, price_cents, currency, status,
                      source_stream, source_version, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
ON CONFLICT (persona_id) DO UPDATE SET
    creator_id = EXCLUDED.creator_id, name = EXCLUDED.name, price_cents = EXCLUDED.price_cents,
    currency = EXCLUDED.currency, status = EXCLUDED.status,
    source_stream = EXCLUDED.source_stream, source_version = EXCLUDED.source_version,
    updated_at = now()
WHERE personas.source_stream IS DISTINCT FROM EXCLUDED.source_stream
   OR personas.source_version < EXCLUDED.source_version
"""

_UPSERT_STATUS = """
INSERT INTO personas (persona_id, creator_id, status, source_stream, source_version, updated_at)
VALUES ($1, $2, $3, $4, $5, now())
ON CONFLICT (persona_id) DO UPDATE SET
    status = EXCLUDED.status, source_stream = EXCLUDED.source_stream,
    source_version = EXCLUDED.source_version, updated_at = now()
WHERE personas.source_stream IS DISTINCT FROM EXCLUDED.source_stream
   OR personas.source_version < EXCLUDED.source_version
"""


catalog_personas = Subscription("billing", "catalog-personas")


@catalog_personas.on(PersonaApproved, PersonaUpdated)
async def terms_changed(
    event: PersonaApproved | PersonaUpdated, envelope: Envelope, uow: UnitOfWork
) -> None:
    status = event.status if isinstance(event, PersonaUpdated) else "approved"
    await uow.conn.execute(
        _UPSERT_TERMS,
        event.persona_id,
        event.creator_id,
        event.name,
        event.price_cents,
        event.currency.lower(),
        status,
        envelope.stream_id,
        envelope.version,
    )


@catalog_personas.on(PersonaSuspended, PersonaDeleted)
async def withdrawn(
    event: PersonaSuspended | PersonaDeleted, envelope: Envelope, uow: UnitOfWork
) -> None:
    status = "suspended" if isinstance(event, PersonaSuspended) else "deleted"
    await uow.conn.execute(
        _UPSERT_STATUS,
        event.persona_id,
        event.creator_id,
        status,
        envelope.stream_id,
        envelope.version,
    )


@catalog_personas.on(PersonaAcquired)
async def acquired(event: PersonaAcquired, envelope: Envelope, uow: UnitOfWork) -> None:
    # Purchases are known from billing's own transactions (which also know about refunds);
    # only access gained some other way is recorded here.
    if event.source == "purchase":
        return
    await uow.conn.execute(
        "INSERT INTO acquisitions (user_id, persona_id, source, acquired_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        event.user_id,
        event.persona_id,
        event.source,
        envelope.occurred_at,
    )


identity_users = Subscription("billing", "identity-users")

_UPSERT_EMAIL = """
INSERT INTO buyer_emails (user_id, email, source_version) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, source_version = EXCLUDED.source_version
WHERE buyer_emails.source_version < EXCLUDED.source_version
"""


@identity_users.on(UserRegistered)
async def registered(event: UserRegistered, envelope: Envelope, uow: UnitOfWork) -> None:
    await uow.conn.execute(_UPSERT_EMAIL, event.user_id, event.email, envelope.version)


@identity_users.on(ProfileUpdated)
async def profile_updated(event: ProfileUpdated, envelope: Envelope, uow: UnitOfWork) -> None:
    email = event.changes.get("email")
    if isinstance(email, str) and email:
        await uow.conn.execute(_UPSERT_EMAIL, event.user_id, email, envelope.version)

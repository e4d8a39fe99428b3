"""Catalog's events, inbox-guarded: the price list billing sells from, and free acquisitions."""

from __future__ import annotations

import asyncpg
from shared.bus import Subscription
from shared.contracts.catalog import (
    PersonaAcquired,
    PersonaApproved,
    PersonaDeleted,
    PersonaSuspended,
    PersonaUpdated,
)
from shared.events import Envelope
from shared.logging import get_logger

log = get_logger(__name__)

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


async def on_catalog_event(conn: asyncpg.Connection, envelope: Envelope) -> None:
    event = envelope.event()
    if isinstance(event, PersonaApproved | PersonaUpdated):
        status = event.status if isinstance(event, PersonaUpdated) else "approved"
        await conn.execute(
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
    elif isinstance(event, PersonaSuspended | PersonaDeleted):
        status = "suspended" if isinstance(event, PersonaSuspended) else "deleted"
        await conn.execute(
            _UPSERT_STATUS,
            event.persona_id,
            event.creator_id,
            status,
            envelope.stream_id,
            envelope.version,
        )
    elif isinstance(event, PersonaAcquired):
        # Purchases are known from billing's own transactions (which also know about refunds);
        # only access gained some other way is recorded here.
        if event.source == "purchase":
            return
        await conn.execute(
            "INSERT INTO acquisitions (user_id, persona_id, source, acquired_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            event.user_id,
            event.persona_id,
            event.source,
            envelope.occurred_at,
        )
    else:
        log.info("catalog event ignored", event_type=envelope.type)


catalog_subscription = Subscription(
    service="billing",
    name="catalog-personas",
    bindings=(
        "catalog.PersonaApproved",
        "catalog.PersonaUpdated",
        "catalog.PersonaSuspended",
        "catalog.PersonaDeleted",
        "catalog.PersonaAcquired",
    ),
    handler=on_catalog_event,
)

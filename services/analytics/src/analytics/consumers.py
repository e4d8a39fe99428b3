"""The `analytics.events` stream into the figures.

Each batch of stream messages is applied in one transaction, which also stores the batch's last
stream offset, so a figure is counted exactly once however often the process dies or reconnects.
Persona and review events (rare, order matters) run one statement each; everything else is one
batch handler that folds the batch in memory and writes one set-based statement per table.
Figures are kept per UTC quarter hour of the event's `occurred_at` (a replay gives the same
figures as the live run, whatever the batches).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from shared.contracts.billing import PurchaseCompleted, PurchaseRefunded
from shared.contracts.catalog import (
    EntitlementRevoked,
    PersonaAcquired,
    PersonaApproved,
    PersonaCreated,
    PersonaDeleted,
    PersonaDownloaded,
    PersonaRejected,
    PersonaSuspended,
    PersonaUpdated,
    ReviewDeleted,
    ReviewEdited,
    ReviewPosted,
)
from shared.contracts.identity import UserFollowed, UserUnfollowed
from shared.events import Envelope, Event
from shared.streams import StreamSubscription
from shared.uow import UnitOfWork

from analytics import holdings
from analytics.figures import Changes

CONSUMER = "analytics"


def subscription(consumer: str = CONSUMER) -> StreamSubscription:
    """The handlers, under the offset row `consumer` (a rebuild reads with its own)."""
    events = StreamSubscription(consumer, prefetch=2000, max_batch=1000)

    @events.on(PersonaCreated)
    async def created(e: PersonaCreated, env: Envelope, uow: UnitOfWork) -> None:
        fresh = ("name", "description", "category", "tags", "created_at")
        await _upsert_persona(
            uow,
            {"persona_id": e.persona_id, "creator_id": e.creator_id, "name": e.name,
             "description": _text(e.short_description, e.description), "category": e.category,
             "tags": list(e.tags), "created_at": env.occurred_at},
            ", ".join(f"{c} = EXCLUDED.{c}" for c in fresh),
        )  # fmt: skip

    @events.on(PersonaApproved)
    async def approved(e: PersonaApproved, env: Envelope, uow: UnitOfWork) -> None:
        at = env.occurred_at
        await _upsert_persona(
            uow,
            {"persona_id": e.persona_id, "creator_id": e.creator_id, "name": e.name,
             "created_at": at, "status": "approved", "approved_at": at},
            "status = 'approved', approved_at = coalesce(personas.approved_at, EXCLUDED.approved_at)",
        )  # fmt: skip

    @events.on(PersonaUpdated)
    async def updated(e: PersonaUpdated, env: Envelope, uow: UnitOfWork) -> None:
        description = (
            _text(e.short_description, e.description) if e.description is not None else None
        )
        tags = list(e.tags) if e.tags is not None else None
        await _update_persona(
            uow, e.persona_id, name=e.name, status=e.status, description=description,
            category=e.category, tags=tags,
        )  # fmt: skip

    @events.on(PersonaRejected, PersonaSuspended)
    async def hidden(e: PersonaRejected | PersonaSuspended, env: Envelope, uow: UnitOfWork) -> None:
        status = "rejected" if isinstance(e, PersonaRejected) else "suspended"
        await _update_persona(uow, e.persona_id, status=status)

    @events.on(PersonaDeleted)
    async def deleted(e: PersonaDeleted, env: Envelope, uow: UnitOfWork) -> None:
        await _update_persona(uow, e.persona_id, deleted=True)

    @events.on(ReviewPosted, ReviewEdited)
    async def reviewed(e: ReviewPosted | ReviewEdited, env: Envelope, uow: UnitOfWork) -> None:
        # The rating trend is by the time a review was first posted; an edit changes its rating.
        await uow.conn.execute(
            "INSERT INTO reviews (review_id, persona_id, creator_id, user_id, rating, posted_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (review_id) DO UPDATE SET rating = EXCLUDED.rating",
            e.review_id,
            e.persona_id,
            e.creator_id,
            e.user_id,
            e.rating,
            env.occurred_at,
        )

    @events.on(ReviewDeleted)
    async def review_deleted(e: ReviewDeleted, env: Envelope, uow: UnitOfWork) -> None:
        await uow.conn.execute("DELETE FROM reviews WHERE review_id = $1", e.review_id)

    @events.on_batch(
        PersonaAcquired, EntitlementRevoked, PersonaDownloaded, PurchaseCompleted,
        PurchaseRefunded, UserFollowed, UserUnfollowed,
        # Persona and review events have per-event handlers above; here they only move `as_of`.
        PersonaCreated, PersonaApproved, PersonaUpdated, PersonaRejected, PersonaSuspended,
        PersonaDeleted, ReviewPosted, ReviewEdited, ReviewDeleted,
    )  # fmt: skip
    async def figures(items: Sequence[tuple[Event, Envelope]], uow: UnitOfWork) -> None:
        """The batch's counters folded in memory, libraries and follows replayed in memory from
        the state they start at; then one set-based statement per table."""
        changes = Changes()
        held: list[tuple[str, str, bool]] = []
        follows: list[tuple[str, str, bool, datetime]] = []
        for e, env in items:
            at = env.occurred_at
            changes.applied(at)
            if isinstance(e, PersonaAcquired):
                held.append((e.user_id, e.persona_id, True))
                if e.source == "free":  # purchases are counted from billing's PurchaseCompleted
                    changes.bump(e.persona_id, e.creator_id, at, acquisitions=1)
                    changes.signal(e.persona_id, at, "acquisition")
            elif isinstance(e, EntitlementRevoked):
                held.append((e.user_id, e.persona_id, False))
            elif isinstance(e, PersonaDownloaded):
                # Catalog already counts at most one download per user, version and UTC day.
                changes.bump(e.persona_id, e.creator_id, _download_time(e, at), downloads=1)
                changes.signal(e.persona_id, at, "download")
            elif isinstance(e, PurchaseCompleted):
                money = {"gross": e.amount, "creator_revenue": e.creator_revenue}
                changes.sale(e.persona_id, e.creator_id, at, e.currency, "purchases", **money)
                changes.signal(e.persona_id, at, "purchase")
            elif isinstance(e, PurchaseRefunded):
                money = {"refunded": e.amount, "refunded_creator": e.creator_amount}
                changes.sale(e.persona_id, e.creator_id, at, e.currency, "refunds", **money)
            elif isinstance(e, UserFollowed | UserUnfollowed):
                follows.append((e.follower_id, e.followee_id, isinstance(e, UserFollowed), at))
        await holdings.apply(uow.conn, held)
        await holdings.follow(uow.conn, follows, changes)
        await changes.write(uow.conn)

    return events


async def _upsert_persona(uow: UnitOfWork, values: dict[str, Any], on_conflict: str) -> None:
    cols = ", ".join(values)
    marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    await uow.conn.execute(
        f"INSERT INTO personas ({cols}) VALUES ({marks})"
        f" ON CONFLICT (persona_id) DO UPDATE SET {on_conflict}",
        *values.values(),
    )


async def _update_persona(uow: UnitOfWork, persona_id: str, **values: Any) -> None:
    """Set the given columns; a None keeps the column (an event field that was not sent)."""
    sets = ", ".join(f"{c} = coalesce(${i}, {c})" for i, c in enumerate(values, 2))
    await uow.conn.execute(
        f"UPDATE personas SET {sets} WHERE persona_id = $1", persona_id, *values.values()
    )


def _download_time(e: PersonaDownloaded, at: datetime) -> datetime:
    """When the download counts: its time, unless catalog counted it for another UTC day."""
    if e.day and e.day != at.astimezone(UTC).date().isoformat():
        return datetime.combine(date.fromisoformat(e.day), time(), UTC)
    return at


def _text(short: str | None, long: str | None) -> str:
    return " ".join(p for p in (short, long) if p)

"""The `analytics.events` stream into the figures: one typed handler per event class.

Each handler runs in the stream consumer's transaction, which also stores the stream offset, so
a figure is counted exactly once however often the process dies or reconnects. Days are the UTC
day of the event's `occurred_at` (a replay gives the same figures as the live run).
"""

from __future__ import annotations

from datetime import date

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
from analytics.figures import add_revenue, add_trend, applied_at, bump, utc_day

CONSUMER = "analytics"


def subscription(consumer: str = CONSUMER) -> StreamSubscription:
    """The handlers, under the offset row `consumer` (a rebuild reads with its own)."""
    events = StreamSubscription(consumer)

    @events.on(PersonaCreated)
    async def created(e: PersonaCreated, env: Envelope, uow: UnitOfWork) -> None:
        await uow.conn.execute(
            "INSERT INTO personas (persona_id, creator_id, name, description, category, tags,"
            " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (persona_id) DO UPDATE SET name = EXCLUDED.name,"
            " description = EXCLUDED.description, category = EXCLUDED.category,"
            " tags = EXCLUDED.tags, created_at = EXCLUDED.created_at",
            e.persona_id,
            e.creator_id,
            e.name,
            _text(e.short_description, e.description),
            e.category,
            list(e.tags),
            env.occurred_at,
        )

    @events.on(PersonaApproved)
    async def approved(e: PersonaApproved, env: Envelope, uow: UnitOfWork) -> None:
        await uow.conn.execute(
            "INSERT INTO personas (persona_id, creator_id, name, created_at, status, approved_at)"
            " VALUES ($1, $2, $3, $4, 'approved', $4) ON CONFLICT (persona_id) DO UPDATE SET"
            " status = 'approved', approved_at = coalesce(personas.approved_at, $4)",
            e.persona_id,
            e.creator_id,
            e.name,
            env.occurred_at,
        )

    @events.on(PersonaUpdated)
    async def updated(e: PersonaUpdated, env: Envelope, uow: UnitOfWork) -> None:
        await uow.conn.execute(
            "UPDATE personas SET name = $2, status = $3,"
            " description = coalesce($4, description), category = coalesce($5, category),"
            " tags = coalesce($6, tags) WHERE persona_id = $1",
            e.persona_id,
            e.name,
            e.status,
            _text(e.short_description, e.description) if e.description is not None else None,
            e.category,
            list(e.tags) if e.tags is not None else None,
        )

    @events.on(PersonaRejected, PersonaSuspended)
    async def hidden(e: PersonaRejected | PersonaSuspended, env: Envelope, uow: UnitOfWork) -> None:
        status = "rejected" if isinstance(e, PersonaRejected) else "suspended"
        await uow.conn.execute(
            "UPDATE personas SET status = $2 WHERE persona_id = $1", e.persona_id, status
        )

    @events.on(PersonaDeleted)
    async def deleted(e: PersonaDeleted, env: Envelope, uow: UnitOfWork) -> None:
        await uow.conn.execute(
            "UPDATE personas SET deleted = true WHERE persona_id = $1", e.persona_id
        )

    @events.on(PersonaAcquired)
    async def acquired(e: PersonaAcquired, env: Envelope, uow: UnitOfWork) -> None:
        await holdings.add(uow.conn, e.user_id, e.persona_id)
        if e.source == "free":  # purchases are counted from billing's PurchaseCompleted
            await bump(
                uow.conn, e.persona_id, e.creator_id, utc_day(env.occurred_at), acquisitions=1
            )
            await add_trend(uow.conn, e.persona_id, env.occurred_at, "acquisition")

    @events.on(EntitlementRevoked)
    async def revoked(e: EntitlementRevoked, env: Envelope, uow: UnitOfWork) -> None:
        await holdings.remove(uow.conn, e.user_id, e.persona_id)

    @events.on(PersonaDownloaded)
    async def downloaded(e: PersonaDownloaded, env: Envelope, uow: UnitOfWork) -> None:
        # Catalog already counts at most one download per user, version and day.
        day = date.fromisoformat(e.day) if e.day else utc_day(env.occurred_at)
        await bump(uow.conn, e.persona_id, e.creator_id, day, downloads=1)
        await add_trend(uow.conn, e.persona_id, env.occurred_at, "download")

    @events.on(PurchaseCompleted)
    async def purchased(e: PurchaseCompleted, env: Envelope, uow: UnitOfWork) -> None:
        day = utc_day(env.occurred_at)
        await bump(uow.conn, e.persona_id, e.creator_id, day, purchases=1)
        await add_revenue(
            uow.conn,
            e.persona_id,
            e.creator_id,
            day,
            e.currency,
            gross=e.amount,
            creator_revenue=e.creator_revenue,
        )
        await add_trend(uow.conn, e.persona_id, env.occurred_at, "purchase")

    @events.on(PurchaseRefunded)
    async def refunded(e: PurchaseRefunded, env: Envelope, uow: UnitOfWork) -> None:
        day = utc_day(env.occurred_at)
        await bump(uow.conn, e.persona_id, e.creator_id, day, refunds=1)
        await add_revenue(
            uow.conn,
            e.persona_id,
            e.creator_id,
            day,
            e.currency,
            refunded=e.amount,
            refunded_creator=e.creator_amount,
        )

    @events.on(ReviewPosted, ReviewEdited)
    async def reviewed(e: ReviewPosted | ReviewEdited, env: Envelope, uow: UnitOfWork) -> None:
        # The rating trend is by the day a review was first posted; an edit changes its rating.
        await uow.conn.execute(
            "INSERT INTO reviews (review_id, persona_id, creator_id, user_id, rating, day)"
            " VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (review_id) DO UPDATE SET rating = EXCLUDED.rating",
            e.review_id,
            e.persona_id,
            e.creator_id,
            e.user_id,
            e.rating,
            utc_day(env.occurred_at),
        )

    @events.on(ReviewDeleted)
    async def review_deleted(e: ReviewDeleted, env: Envelope, uow: UnitOfWork) -> None:
        await uow.conn.execute("DELETE FROM reviews WHERE review_id = $1", e.review_id)

    @events.on(UserFollowed)
    async def followed(e: UserFollowed, env: Envelope, uow: UnitOfWork) -> None:
        fresh = await uow.conn.fetchval(
            "INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            e.follower_id,
            e.followee_id,
        )
        if fresh:
            await _followers(uow, e.followee_id, utc_day(env.occurred_at), gained=1)

    @events.on(UserUnfollowed)
    async def unfollowed(e: UserUnfollowed, env: Envelope, uow: UnitOfWork) -> None:
        gone = await uow.conn.fetchval(
            "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING 1",
            e.follower_id,
            e.followee_id,
        )
        if gone:
            await _followers(uow, e.followee_id, utc_day(env.occurred_at), lost=1)

    # Every handled event moves `as_of`, registered last so it runs after the figures.
    @events.on(
        PersonaCreated, PersonaApproved, PersonaUpdated, PersonaRejected, PersonaSuspended,
        PersonaDeleted, PersonaAcquired, EntitlementRevoked, PersonaDownloaded,
        PurchaseCompleted, PurchaseRefunded, ReviewPosted, ReviewEdited, ReviewDeleted,
        UserFollowed, UserUnfollowed,
    )  # fmt: skip
    async def as_of(e: Event, env: Envelope, uow: UnitOfWork) -> None:
        await applied_at(uow.conn, env.occurred_at)

    return events


async def _followers(
    uow: UnitOfWork, creator_id: str, day: date, gained: int = 0, lost: int = 0
) -> None:
    await uow.conn.execute(
        "INSERT INTO follower_daily (creator_id, day, gained, lost) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (creator_id, day) DO UPDATE SET gained = follower_daily.gained + $3,"
        " lost = follower_daily.lost + $4",
        creator_id,
        day,
        gained,
        lost,
    )


def _text(short: str | None, long: str | None) -> str:
    return " ".join(p for p in (short, long) if p)

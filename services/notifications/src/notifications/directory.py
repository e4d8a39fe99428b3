"""Facts kept from other services' events: users, personas, entitlements, follows, reviews,
reports and the creators' activity for the feed. Idempotent upserts, so replays are harmless."""

from __future__ import annotations

from shared.contracts.catalog import (
    ContentReported,
    EntitlementRevoked,
    PersonaAcquired,
    PersonaApproved,
    PersonaCreated,
    PersonaDeleted,
    PersonaRejected,
    PersonaSuspended,
    PersonaUpdated,
    PersonaVersionPublished,
    ReviewPosted,
)
from shared.contracts.identity import ProfileUpdated, UserFollowed, UserRegistered, UserUnfollowed
from shared.events import Envelope, Event
from shared.uow import UnitOfWork

from notifications.subscription import events

events.statement(
    UserRegistered,
    "INSERT INTO users (user_id, email, username) VALUES ($1, $2, $3) "
    "ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, username = EXCLUDED.username",
    lambda e, env: (e.user_id, e.email, e.username),
)


@events.on(ProfileUpdated)
async def profile_updated(e: ProfileUpdated, env: Envelope, uow: UnitOfWork) -> None:
    for column in ("email", "username"):
        if column in e.changes:
            await uow.conn.execute(
                f"UPDATE users SET {column} = $2 WHERE user_id = $1",
                e.user_id,
                str(e.changes[column]),
            )


def pairs(table: str, a: str, b: str, added: type[Event], removed: type[Event]) -> None:
    """A table of (a, b) pairs kept by two events whose fields are named like its columns:
    `added` inserts a pair (once), `removed` deletes it."""

    def of(e: Event, env: Envelope) -> tuple[object, object]:
        return getattr(e, a), getattr(e, b)

    insert = f"INSERT INTO {table} ({a}, {b}) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    events.statement(added, insert, of)
    events.statement(removed, f"DELETE FROM {table} WHERE {a} = $1 AND {b} = $2", of)


pairs("follows", "follower_id", "followee_id", UserFollowed, UserUnfollowed)
pairs("entitlements", "persona_id", "user_id", PersonaAcquired, EntitlementRevoked)


events.statement(
    PersonaCreated,
    "INSERT INTO personas (persona_id, creator_id, name) VALUES ($1, $2, $3) "
    "ON CONFLICT (persona_id) DO UPDATE SET name = EXCLUDED.name",
    lambda e, env: (e.persona_id, e.creator_id, e.name),
)


NAME_AND_STATUS = (
    "INSERT INTO personas (persona_id, creator_id, name, status) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (persona_id) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status"
)
events.statement(
    PersonaUpdated, NAME_AND_STATUS, lambda e, env: (e.persona_id, e.creator_id, e.name, e.status)
)


@events.on(PersonaApproved)
async def persona_approved(e: PersonaApproved, env: Envelope, uow: UnitOfWork) -> None:
    await uow.conn.execute(NAME_AND_STATUS, e.persona_id, e.creator_id, e.name, "approved")
    await uow.conn.execute(
        "INSERT INTO feed_items (actor_id, kind, persona_id, title, source_key, created_at) "
        "VALUES ($1, 'persona', $2, $3, $4, $5) ON CONFLICT (source_key) DO NOTHING",
        e.creator_id,
        e.persona_id,
        e.name,
        f"persona:{e.persona_id}",  # the first approval only; a re-approval is not news
        env.occurred_at,
    )


STATUSES: dict[type[Event], str] = {
    PersonaRejected: "rejected",
    PersonaSuspended: "suspended",
    PersonaDeleted: "deleted",
}


@events.on(PersonaRejected, PersonaSuspended, PersonaDeleted)
async def persona_status(
    e: PersonaRejected | PersonaSuspended | PersonaDeleted, env: Envelope, uow: UnitOfWork
) -> None:
    await uow.conn.execute(
        "INSERT INTO personas (persona_id, creator_id, name, status) VALUES ($1, $2, '', $3) "
        "ON CONFLICT (persona_id) DO UPDATE SET status = EXCLUDED.status",
        e.persona_id,
        e.creator_id,
        STATUSES[type(e)],
    )


events.statement(
    PersonaVersionPublished,
    "INSERT INTO persona_versions (persona_id, version, changelog, published_at) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    lambda e, env: (e.persona_id, e.version, e.changelog, env.occurred_at),
)


@events.on(ReviewPosted)
async def review_posted(e: ReviewPosted, env: Envelope, uow: UnitOfWork) -> None:
    await uow.conn.execute(
        "INSERT INTO reviews (review_id, persona_id, user_id) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING",
        e.review_id,
        e.persona_id,
        e.user_id,
    )
    # A public review is activity its author's followers see in their feed.
    name = await uow.conn.fetchval("SELECT name FROM personas WHERE persona_id = $1", e.persona_id)
    await uow.conn.execute(
        "INSERT INTO feed_items (actor_id, kind, persona_id, title, body, data, source_key,"
        " created_at) VALUES ($1, 'review', $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (source_key) DO NOTHING",
        e.user_id,
        e.persona_id,
        name or "",
        e.body,
        {"rating": e.rating, "review_id": e.review_id},
        f"review:{e.review_id}",
        env.occurred_at,
    )


events.statement(
    ContentReported,
    "INSERT INTO reports (report_id, reporter_id, target_type, persona_id) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    lambda e, env: (e.report_id, e.reporter_id, e.target_type, e.persona_id),
)

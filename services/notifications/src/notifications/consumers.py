"""Who hears about what (the table in the service README), in the inbox transaction.

Each event's rules (notices.toml, read by rules.py) say who is told, in which category, and in
what words; its facts function, registered here with `@notices`, looks up what the words need,
or answers None when nobody hears about it. The money notices are in money_notices.py.
"""

from __future__ import annotations

import asyncpg
from shared.contracts.catalog import (
    PersonaApproved,
    PersonaRejected,
    PersonaSuspended,
    PersonaVersionPublished,
    ReportResolved,
    ReviewPosted,
    ReviewResponded,
)
from shared.contracts.identity import UserFollowed
from shared.events import Envelope
from shared.uow import UnitOfWork

# Facts are registered first, so they are stored before the notices that read them.
from notifications import directory, money_notices  # noqa: F401
from notifications.deliver import persona_name, username
from notifications.rules import Facts, notices
from notifications.subscription import events

# --- moderation -------------------------------------------------------------------------------


@notices(PersonaApproved)
async def _approved(e: PersonaApproved, env: Envelope, conn: asyncpg.Connection) -> Facts:
    # Followers hear about a creator's new persona in their digest (first approval only).
    first = await conn.fetchval(
        "SELECT count(*) = 1 FROM feed_items WHERE source_key = $1 AND created_at = $2",
        f"persona:{e.persona_id}",
        env.occurred_at,
    )
    if not first:
        return {"followers": [], "creator": ""}
    rows = await conn.fetch("SELECT follower_id FROM follows WHERE followee_id = $1", e.creator_id)
    creator = await username(conn, e.creator_id)
    return {"followers": [row["follower_id"] for row in rows], "creator": creator}


@notices(PersonaRejected, PersonaSuspended)
async def _named(
    e: PersonaRejected | PersonaSuspended, env: Envelope, conn: asyncpg.Connection
) -> Facts:
    return {"name": await persona_name(conn, e.persona_id)}


@notices(ReportResolved)
async def _report_resolved(e: ReportResolved, env: Envelope, conn: asyncpg.Connection) -> Facts:
    reporter = await conn.fetchval(
        "SELECT reporter_id FROM reports WHERE report_id = $1", e.report_id
    )
    taken_down = e.action == "take_down"
    outcome = "the content was taken down" if taken_down else "no action was needed"
    return {"reporter": reporter, "outcome": outcome, "note": e.note or ""}


# --- reviews and followers --------------------------------------------------------------------


@notices(ReviewPosted)
async def _review_posted(e: ReviewPosted, env: Envelope, conn: asyncpg.Connection) -> Facts | None:
    if e.user_id == e.creator_id:
        return None
    author = await username(conn, e.user_id)
    return {"author": author, "name": await persona_name(conn, e.persona_id)}


@notices(ReviewResponded)
async def _review_responded(e: ReviewResponded, env: Envelope, conn: asyncpg.Connection) -> Facts:
    reviewer = await conn.fetchval("SELECT user_id FROM reviews WHERE review_id = $1", e.review_id)
    return {"reviewer": reviewer, "name": await persona_name(conn, e.persona_id)}


@notices(UserFollowed)
async def _followed(e: UserFollowed, env: Envelope, conn: asyncpg.Connection) -> Facts:
    return {"username": await username(conn, e.follower_id)}


# --- new versions: queued here, sent by the fan-out worker (fanout.py) -------------------------


@events.on(PersonaVersionPublished)
async def version_published(e: PersonaVersionPublished, env: Envelope, uow: UnitOfWork) -> None:
    status = await uow.conn.fetchval(
        "SELECT status FROM personas WHERE persona_id = $1", e.persona_id
    )
    if status != "approved":
        return  # the first version comes with the submission: nobody owns it yet
    name = await persona_name(uow.conn, e.persona_id)
    await uow.conn.execute(
        "INSERT INTO feed_items (actor_id, kind, persona_id, title, body, data, source_key,"
        " created_at) VALUES ($1, 'version', $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (source_key) DO NOTHING",
        e.creator_id,
        e.persona_id,
        f"{name} {e.version}",
        e.changelog,
        {"version": e.version},
        f"version:{env.event_id}",
        env.occurred_at,
    )
    await uow.conn.execute(
        "INSERT INTO fanouts (source_key, persona_id, creator_id, version, changelog) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source_key) DO NOTHING",
        str(env.event_id),
        e.persona_id,
        e.creator_id,
        e.version,
        e.changelog,
    )
    await uow.conn.execute("SELECT pg_notify('notifications_fanout', '')")

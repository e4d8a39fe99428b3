"""Who hears about what (the table in the service README), in the inbox transaction.

Each event's rules (rules.py) say who is told, in which category, and in what words; its facts
function looks up what the words need, or answers None when nobody hears about it.
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
from notifications.rules import Facts, IfAny, Letter, Rule, notices
from notifications.subscription import events
from notifications.texts import CREATOR_PATH, MY_PERSONAS_PATH, PERSONA_PATH

# --- moderation -------------------------------------------------------------------------------


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


notices(
    PersonaApproved,
    _approved,
    Rule(
        to="creator_id",
        category="moderation",
        kind="persona_approved",
        title="“{name}” is live on the marketplace",
        link=PERSONA_PATH,
        data=("persona_id",),
        mail=Letter(
            heading="Your persona was approved",
            lines=("“{name}” passed review and buyers can find it now.",),
            action=("See it on the marketplace", PERSONA_PATH),
        ),
    ),
    Rule(
        to="followers",
        category="following",
        kind="followed_new_persona",
        title="{creator} published “{name}”",
        link=PERSONA_PATH,
        data=("persona_id", "creator_id"),
    ),
)


async def _named(
    e: PersonaRejected | PersonaSuspended, env: Envelope, conn: asyncpg.Connection
) -> Facts:
    return {"name": await persona_name(conn, e.persona_id)}


notices(
    PersonaRejected,
    _named,
    Rule(
        to="creator_id",
        category="moderation",
        kind="persona_rejected",
        title="“{name}” was not approved",
        body="{reason}",
        link=MY_PERSONAS_PATH,
        data=("persona_id", "reason"),
        mail=Letter(
            heading="Your persona needs changes",
            lines=(
                "Our review of “{name}” found something to fix before it can go live:",
                "{reason}",
                "Edit the persona and submit it again; it goes back into review.",
            ),
            action=("Edit your personas", MY_PERSONAS_PATH),
        ),
    ),
)
notices(
    PersonaSuspended,
    _named,
    Rule(
        to="creator_id",
        category="moderation",
        kind="persona_suspended",
        title="“{name}” was suspended",
        body="{reason}",
        link=MY_PERSONAS_PATH,
        data=("persona_id", "reason"),
        mail=Letter(
            heading="Your persona was taken off the marketplace",
            lines=("“{name}” is no longer listed. The reason given:", "{reason}"),
            action=("Your personas", MY_PERSONAS_PATH),
        ),
    ),
)


async def _report_resolved(e: ReportResolved, env: Envelope, conn: asyncpg.Connection) -> Facts:
    reporter = await conn.fetchval(
        "SELECT reporter_id FROM reports WHERE report_id = $1", e.report_id
    )
    taken_down = e.action == "take_down"
    outcome = "the content was taken down" if taken_down else "no action was needed"
    return {"reporter": reporter, "outcome": outcome, "note": e.note or ""}


notices(
    ReportResolved,
    _report_resolved,
    Rule(
        to="reporter",
        category="moderation",
        kind="report_resolved",
        title="Your report was reviewed: {outcome}",
        body="{note}",
        data=("report_id", "action"),
        mail=Letter(
            subject="Your report was reviewed",
            heading="Thanks for your report",
            lines=("Our moderators looked at what you reported: {outcome}.", IfAny("{note}")),
        ),
    ),
)

# --- reviews and followers --------------------------------------------------------------------


async def _review_posted(e: ReviewPosted, env: Envelope, conn: asyncpg.Connection) -> Facts | None:
    if e.user_id == e.creator_id:
        return None
    author = await username(conn, e.user_id)
    return {"author": author, "name": await persona_name(conn, e.persona_id)}


notices(
    ReviewPosted,
    _review_posted,
    Rule(
        to="creator_id",
        category="reviews",
        kind="review_posted",
        title="{author} rated “{name}” {rating}★",
        body="{body:.280}",
        link=PERSONA_PATH,
        data=("persona_id", "review_id", "rating"),
        mail=Letter(
            subject="New review of “{name}”",
            lines=(IfAny("{body}"),),
            action=("Read and reply", PERSONA_PATH),
        ),
    ),
)


async def _review_responded(e: ReviewResponded, env: Envelope, conn: asyncpg.Connection) -> Facts:
    reviewer = await conn.fetchval("SELECT user_id FROM reviews WHERE review_id = $1", e.review_id)
    return {"reviewer": reviewer, "name": await persona_name(conn, e.persona_id)}


notices(
    ReviewResponded,
    _review_responded,
    Rule(
        to="reviewer",
        category="reviews",
        kind="review_responded",
        title="The creator of “{name}” replied to your review",
        body="{body:.280}",
        link=PERSONA_PATH,
        data=("persona_id", "review_id"),
        mail=Letter(
            lines=("{body}",),
            action=("See the conversation", PERSONA_PATH),
        ),
    ),
)


async def _followed(e: UserFollowed, env: Envelope, conn: asyncpg.Connection) -> Facts:
    return {"username": await username(conn, e.follower_id)}


notices(
    UserFollowed,
    _followed,
    Rule(
        to="followee_id",
        category="followers",
        kind="new_follower",
        title="{username} followed you",
        link=CREATOR_PATH,
        data=("follower_id",),
        group=("followers", "{count} new followers"),
    ),
)


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

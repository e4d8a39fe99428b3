"""Who hears about what (the table in the service README), in the inbox transaction.

Each handler builds `Notice`s and hands them to `deliver`, which honours preferences, groups,
de-duplicates by source and queues mail. The dedupe key is the event id, plus the recipient's
role when one event tells two people.
"""

from __future__ import annotations

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
from notifications.deliver import Mail, Notice, deliver, persona_name, username
from notifications.subscription import events
from notifications.texts import (
    MY_PERSONAS_PATH,
    creator_path,
    persona_path,
)

# --- moderation -------------------------------------------------------------------------------


@events.on(PersonaApproved)
async def approved(e: PersonaApproved, env: Envelope, uow: UnitOfWork) -> None:
    title = f"“{e.name}” is live on the marketplace"
    await deliver(
        uow.conn,
        Notice(
            user_id=e.creator_id,
            category="moderation",
            kind="persona_approved",
            title=title,
            link=persona_path(e.persona_id),
            data={"persona_id": e.persona_id},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject=title,
                heading="Your persona was approved",
                lines=[f"“{e.name}” passed review and buyers can find it now."],
                action=("See it on the marketplace", persona_path(e.persona_id)),
            ),
        ),
    )
    # Followers hear about a creator's new persona in their digest (first approval only).
    first = await uow.conn.fetchval(
        "SELECT count(*) = 1 FROM feed_items WHERE source_key = $1 AND created_at = $2",
        f"persona:{e.persona_id}",
        env.occurred_at,
    )
    if not first:
        return
    creator = await username(uow.conn, e.creator_id)
    followers = await uow.conn.fetch(
        "SELECT follower_id FROM follows WHERE followee_id = $1", e.creator_id
    )
    for row in followers:
        await deliver(
            uow.conn,
            Notice(
                user_id=row["follower_id"],
                category="following",
                kind="followed_new_persona",
                title=f"{creator} published “{e.name}”",
                link=persona_path(e.persona_id),
                data={"persona_id": e.persona_id, "creator_id": e.creator_id},
                dedupe_key=str(env.event_id),
            ),
        )


@events.on(PersonaRejected)
async def rejected(e: PersonaRejected, env: Envelope, uow: UnitOfWork) -> None:
    name = await persona_name(uow.conn, e.persona_id)
    title = f"“{name}” was not approved"
    await deliver(
        uow.conn,
        Notice(
            user_id=e.creator_id,
            category="moderation",
            kind="persona_rejected",
            title=title,
            body=e.reason,
            link=MY_PERSONAS_PATH,
            data={"persona_id": e.persona_id, "reason": e.reason},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject=title,
                heading="Your persona needs changes",
                lines=[
                    f"Our review of “{name}” found something to fix before it can go live:",
                    e.reason,
                    "Edit the persona and submit it again; it goes back into review.",
                ],
                action=("Edit your personas", MY_PERSONAS_PATH),
            ),
        ),
    )


@events.on(PersonaSuspended)
async def suspended(e: PersonaSuspended, env: Envelope, uow: UnitOfWork) -> None:
    name = await persona_name(uow.conn, e.persona_id)
    title = f"“{name}” was suspended"
    await deliver(
        uow.conn,
        Notice(
            user_id=e.creator_id,
            category="moderation",
            kind="persona_suspended",
            title=title,
            body=e.reason,
            link=MY_PERSONAS_PATH,
            data={"persona_id": e.persona_id, "reason": e.reason},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject=title,
                heading="Your persona was taken off the marketplace",
                lines=[f"“{name}” is no longer listed. The reason given:", e.reason],
                action=("Your personas", MY_PERSONAS_PATH),
            ),
        ),
    )


@events.on(ReportResolved)
async def report_resolved(e: ReportResolved, env: Envelope, uow: UnitOfWork) -> None:
    reporter = await uow.conn.fetchval(
        "SELECT reporter_id FROM reports WHERE report_id = $1", e.report_id
    )
    if reporter is None:
        return
    outcome = "the content was taken down" if e.action == "take_down" else "no action was needed"
    title = f"Your report was reviewed: {outcome}"
    await deliver(
        uow.conn,
        Notice(
            user_id=reporter,
            category="moderation",
            kind="report_resolved",
            title=title,
            body=e.note or "",
            data={"report_id": e.report_id, "action": e.action},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject="Your report was reviewed",
                heading="Thanks for your report",
                lines=[f"Our moderators looked at what you reported: {outcome}."]
                + ([e.note] if e.note else []),
            ),
        ),
    )


# --- reviews and followers --------------------------------------------------------------------


@events.on(ReviewPosted)
async def review_posted(e: ReviewPosted, env: Envelope, uow: UnitOfWork) -> None:
    if e.user_id == e.creator_id:
        return
    author = await username(uow.conn, e.user_id)
    name = await persona_name(uow.conn, e.persona_id)
    title = f"{author} rated “{name}” {e.rating}★"
    await deliver(
        uow.conn,
        Notice(
            user_id=e.creator_id,
            category="reviews",
            kind="review_posted",
            title=title,
            body=e.body[:280],
            link=persona_path(e.persona_id),
            data={"persona_id": e.persona_id, "review_id": e.review_id, "rating": e.rating},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject=f"New review of “{name}”",
                heading=title,
                lines=[e.body] if e.body else [],
                action=("Read and reply", persona_path(e.persona_id)),
            ),
        ),
    )


@events.on(ReviewResponded)
async def review_responded(e: ReviewResponded, env: Envelope, uow: UnitOfWork) -> None:
    reviewer = await uow.conn.fetchval(
        "SELECT user_id FROM reviews WHERE review_id = $1", e.review_id
    )
    if reviewer is None:
        return
    name = await persona_name(uow.conn, e.persona_id)
    title = f"The creator of “{name}” replied to your review"
    await deliver(
        uow.conn,
        Notice(
            user_id=reviewer,
            category="reviews",
            kind="review_responded",
            title=title,
            body=e.body[:280],
            link=persona_path(e.persona_id),
            data={"persona_id": e.persona_id, "review_id": e.review_id},
            dedupe_key=str(env.event_id),
            mail=Mail(
                subject=title,
                heading=title,
                lines=[e.body],
                action=("See the conversation", persona_path(e.persona_id)),
            ),
        ),
    )


@events.on(UserFollowed)
async def new_follower(e: UserFollowed, env: Envelope, uow: UnitOfWork) -> None:
    follower = await username(uow.conn, e.follower_id)
    await deliver(
        uow.conn,
        Notice(
            user_id=e.followee_id,
            category="followers",
            kind="new_follower",
            title=f"{follower} followed you",
            link=creator_path(follower),
            data={"follower_id": e.follower_id},
            dedupe_key=str(env.event_id),
            group_key="followers",
            group_title="{count} new followers",
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

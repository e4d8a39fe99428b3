"""Read models written in the append's transaction (and rebuilt from `events` on demand).

Every value comes from the event (never `now()`), so a rebuild reproduces the tables exactly.
"""

from __future__ import annotations

import asyncpg
from shared.contracts.identity import (
    EmailVerified,
    ProfileUpdated,
    UserFollowed,
    UserRegistered,
    UserRoleChanged,
    UserSuspended,
    UserUnfollowed,
)
from shared.events import Envelope
from shared.eventstore import Projections

projections = Projections()
projections.owns("users", "follows")


projections.statement(
    UserRegistered,
    "INSERT INTO users (id, email, username, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
    lambda e, env: (e.user_id, e.email, e.username, env.occurred_at),
)


projections.statement(
    EmailVerified,
    "UPDATE users SET email_verified = true, updated_at = $3 WHERE id = $1 AND email = $2",
    lambda e, env: (e.user_id, e.email, env.occurred_at),
)


_COLUMNS = {"username", "email", "bio", "website", "avatar_url", "social_links"}


@projections.on(ProfileUpdated)
async def _profile(conn: asyncpg.Connection, e: ProfileUpdated, env: Envelope) -> None:
    changes = {k: v for k, v in e.changes.items() if k in _COLUMNS}
    if "social_links" in changes and changes["social_links"] is None:
        changes["social_links"] = {}
    sets = [f"{name} = ${i}" for i, name in enumerate(changes, start=3)]
    if "email" in changes:
        sets.append("email_verified = false")
    sets.append("updated_at = $2")
    await conn.execute(
        f"UPDATE users SET {', '.join(sets)} WHERE id = $1",
        e.user_id,
        env.occurred_at,
        *changes.values(),
    )


projections.statement(
    UserRoleChanged,
    "UPDATE users SET roles = $2, updated_at = $3 WHERE id = $1",
    lambda e, env: (e.user_id, e.roles, env.occurred_at),
)


projections.statement(
    UserSuspended,
    "UPDATE users SET suspended_at = $2, suspend_reason = $3, updated_at = $4 WHERE id = $1",
    lambda e, env: (e.user_id, e.suspended_at, e.reason, env.occurred_at),
)


@projections.on(UserFollowed)
async def _followed(conn: asyncpg.Connection, e: UserFollowed, env: Envelope) -> None:
    inserted = await conn.fetchval(
        "INSERT INTO follows (follower_id, followee_id, position, followed_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
        e.follower_id,
        e.followee_id,
        env.global_position,
        env.occurred_at,
    )
    if inserted:
        await _count(conn, e.follower_id, e.followee_id, 1)


@projections.on(UserUnfollowed)
async def _unfollowed(conn: asyncpg.Connection, e: UserUnfollowed, env: Envelope) -> None:
    deleted = await conn.fetchval(
        "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING 1",
        e.follower_id,
        e.followee_id,
    )
    if deleted:
        await _count(conn, e.follower_id, e.followee_id, -1)


async def _count(conn: asyncpg.Connection, follower: str, followee: str, delta: int) -> None:
    # Counters only; `updated_at` tracks the user's own changes. Both rows are locked in id
    # order first, so A following B while B follows A cannot deadlock.
    await conn.execute(
        "SELECT 1 FROM users WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE",
        [follower, followee],
    )
    await conn.execute(
        "UPDATE users SET following_count = following_count + $2 WHERE id = $1", follower, delta
    )
    await conn.execute(
        "UPDATE users SET followers_count = followers_count + $2 WHERE id = $1", followee, delta
    )

"""Read-side SQL over the projections (`users`, `follows`)."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.pagination import Page, decode_cursor, page_of

_ME = (
    "id, email, username, roles, email_verified, bio, website, avatar_url, social_links,"
    " followers_count, following_count, created_at"
)
# No roles: a public profile must not tell anyone who the admins are.
_PUBLIC = (
    "id, username, bio, website, avatar_url, social_links, followers_count,"
    " following_count, created_at"
)


def _me(row: asyncpg.Record) -> dict[str, Any]:
    out = dict(row)
    out["roles"] = list(out["roles"])
    return out


async def me(conn: asyncpg.Pool | asyncpg.Connection, user_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {_ME} FROM users WHERE id = $1", user_id)
    return _me(row) if row is not None else None


async def user_id_by_email(conn: asyncpg.Pool | asyncpg.Connection, email: str) -> str | None:
    value = await conn.fetchval("SELECT id FROM users WHERE email = $1", email.strip().lower())
    return str(value) if value is not None else None


def _public(row: asyncpg.Record) -> dict[str, Any]:
    return dict(row)


async def active_user_by_username(
    conn: asyncpg.Pool | asyncpg.Connection, username: str
) -> dict[str, Any] | None:
    """The public profile of a user who is not suspended."""
    row = await conn.fetchrow(
        f"SELECT {_PUBLIC} FROM users WHERE username = $1 AND suspended_at IS NULL",
        username.strip().lower(),
    )
    return _public(row) if row is not None else None


async def is_following(
    conn: asyncpg.Pool | asyncpg.Connection, follower_id: str, followee_id: str
) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2",
            follower_id,
            followee_id,
        )
    )


async def follow_list(
    conn: asyncpg.Pool | asyncpg.Connection,
    user_id: str,
    direction: str,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    """Followers (`direction="followers"`) or followees of a user, newest follow first."""
    this, other = (
        ("followee_id", "follower_id")
        if direction == "followers"
        else ("follower_id", "followee_id")
    )
    after = decode_cursor(cursor, ("int",))
    position = after[0] if after else None
    rows = await conn.fetch(
        f"SELECT u.id, u.username, u.avatar_url, f.followed_at, f.position"
        f" FROM follows f JOIN users u ON u.id = f.{other}"
        f" WHERE f.{this} = $1 AND u.suspended_at IS NULL"
        f" AND ($2::bigint IS NULL OR f.position < $2)"
        f" ORDER BY f.position DESC LIMIT $3",
        user_id,
        position,
        limit + 1,
    )
    page = page_of([dict(r) for r in rows], limit, lambda item: [item["position"]])
    for item in page.items:
        item.pop("position")
    return page


_ADMIN = "id, email, username, roles, email_verified, suspended_at, suspend_reason, created_at"


async def admin_view(
    conn: asyncpg.Pool | asyncpg.Connection, user_id: str
) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {_ADMIN} FROM users WHERE id = $1", user_id)
    return _me(row) if row is not None else None

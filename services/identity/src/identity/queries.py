"""Read-side SQL over the projections (`users`, `follows`)."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.pagination import Key, Keyset, Page

NEWEST_FOLLOW = Keyset(Key("f.position", "position", "int"))
_ME = (
    "id, email, username, roles, email_verified, bio, website, avatar_url, social_links,"
    " followers_count, following_count, created_at"
)
# No roles: a public profile must not tell anyone who the admins are.
_PUBLIC = (
    "id, username, bio, website, avatar_url, social_links, followers_count,"
    " following_count, created_at"
)


def _user(row: asyncpg.Record) -> dict[str, Any]:
    out = dict(row)
    out["roles"] = list(out["roles"])
    return out


async def me(db: asyncpg.Pool | asyncpg.Connection, user_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(f"SELECT {_ME} FROM users WHERE id = $1", user_id)
    return _user(row) if row is not None else None


async def user_id_by_email(db: asyncpg.Pool | asyncpg.Connection, email: str) -> str | None:
    value = await db.fetchval("SELECT id FROM users WHERE email = $1", email.strip().lower())
    return str(value) if value is not None else None


async def active_user_by_username(
    db: asyncpg.Pool | asyncpg.Connection, username: str
) -> dict[str, Any] | None:
    """The public profile of a user who is not suspended."""
    row = await db.fetchrow(
        f"SELECT {_PUBLIC} FROM users WHERE username = $1 AND suspended_at IS NULL",
        username.strip().lower(),
    )
    return dict(row) if row is not None else None


async def is_following(
    db: asyncpg.Pool | asyncpg.Connection, follower_id: str, followee_id: str
) -> bool:
    return bool(
        await db.fetchval(
            "SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2",
            follower_id,
            followee_id,
        )
    )


async def follow_list(
    db: asyncpg.Pool | asyncpg.Connection,
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
    args: list[Any] = [user_id]
    cond = f"f.{this} = $1 AND u.suspended_at IS NULL" + NEWEST_FOLLOW.after(cursor, args)
    args.append(limit + 1)
    rows = await db.fetch(
        f"SELECT u.id, u.username, u.avatar_url, f.followed_at, f.position"
        f" FROM follows f JOIN users u ON u.id = f.{other}"
        f" WHERE {cond} ORDER BY {NEWEST_FOLLOW.order_by} LIMIT ${len(args)}",
        *args,
    )
    page = NEWEST_FOLLOW.page([dict(r) for r in rows], limit)
    for item in page.items:
        item.pop("position")
    return page


_ADMIN = "id, email, username, roles, email_verified, suspended_at, suspend_reason, created_at"


async def admin_view(db: asyncpg.Pool | asyncpg.Connection, user_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(f"SELECT {_ADMIN} FROM users WHERE id = $1", user_id)
    return _user(row) if row is not None else None


NEWEST_USER = Keyset(Key("created_at", "created_at", "ts"), Key("id", "id", "str"))


async def admin_users(
    db: asyncpg.Pool | asyncpg.Connection, q: str | None, limit: int, cursor: str | None
) -> Page[dict[str, Any]]:
    """Every account for the admins, newest first; `q` matches part of the e-mail or username."""
    args: list[Any] = []
    cond = "true"
    if q and q.strip():
        pattern = (
            "%"
            + q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        args.append(pattern)
        cond = "(email LIKE $1 OR username LIKE $1)"
    cond += NEWEST_USER.after(cursor, args)
    args.append(limit + 1)
    rows = await db.fetch(
        f"SELECT {_ADMIN} FROM users WHERE {cond} ORDER BY {NEWEST_USER.order_by}"
        f" LIMIT ${len(args)}",
        *args,
    )
    return NEWEST_USER.page([_user(r) for r in rows], limit)

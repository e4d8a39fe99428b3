"""Read-side SQL over the projections (`users`, `follows`)."""

from __future__ import annotations

from typing import Any

import asyncpg

_ME = (
    "id, email, username, roles, email_verified, bio, website, avatar_url, social_links,"
    " followers_count, following_count, created_at"
)
_PUBLIC = (
    "id, username, roles, bio, website, avatar_url, social_links, followers_count,"
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

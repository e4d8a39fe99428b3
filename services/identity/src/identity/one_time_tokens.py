"""E-mail verification and password-reset tokens: single use, expiring, stored as SHA-256.

They are credentials, not domain history: they live in a plain table, travel only by e-mail, and
never appear in an event, a log line or the bus.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import asyncpg

from identity.sessions import new_token, token_hash

Purpose = Literal["verify_email", "reset_password"]
VERIFY_EMAIL: Purpose = "verify_email"
RESET_PASSWORD: Purpose = "reset_password"


@dataclass(frozen=True)
class Redeemable:
    user_id: str
    email: str  # the address the link was sent to


async def issue(
    conn: asyncpg.Connection | asyncpg.Pool,
    user_id: str,
    purpose: Purpose,
    email: str,
    at: datetime,
    ttl_s: int,
) -> str:
    """A new token (returned in clear, once, for the e-mail)."""
    token = new_token()
    await conn.execute(
        "INSERT INTO one_time_tokens (token_hash, user_id, purpose, email, created_at, expires_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        token_hash(token),
        user_id,
        purpose,
        email,
        at,
        at + timedelta(seconds=ttl_s),
    )
    return token


_VALID = "token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3"


async def _valid(
    conn: asyncpg.Connection | asyncpg.Pool,
    statement: str,
    token: str,
    purpose: Purpose,
    at: datetime,
    returning: str = "",
) -> Redeemable | None:
    """Run `statement WHERE <the token is still valid> returning` for one token."""
    row = await conn.fetchrow(
        f"{statement} WHERE {_VALID} {returning}", token_hash(token), purpose, at
    )
    return Redeemable(row["user_id"], row["email"]) if row is not None else None


async def peek(
    conn: asyncpg.Connection | asyncpg.Pool, token: str, purpose: Purpose, at: datetime
) -> Redeemable | None:
    """Who a still-valid token is for, without using it up."""
    return await _valid(conn, "SELECT user_id, email FROM one_time_tokens", token, purpose, at)


async def redeem(
    conn: asyncpg.Connection, token: str, purpose: Purpose, at: datetime
) -> Redeemable | None:
    """Use a valid token up (atomically: of two concurrent redemptions one wins)."""
    return await _valid(
        conn,
        "UPDATE one_time_tokens SET used_at = $3",
        token,
        purpose,
        at,
        "RETURNING user_id, email",
    )


async def invalidate(
    conn: asyncpg.Connection, user_id: str, purpose: Purpose, at: datetime
) -> None:
    """Use up every outstanding token of a kind (after a reset, the other reset links die)."""
    await conn.execute(
        "UPDATE one_time_tokens SET used_at = $3"
        " WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        user_id,
        purpose,
        at,
    )


async def last_issued(
    conn: asyncpg.Connection | asyncpg.Pool, user_id: str, purpose: Purpose
) -> datetime | None:
    value: datetime | None = await conn.fetchval(
        "SELECT max(created_at) FROM one_time_tokens WHERE user_id = $1 AND purpose = $2",
        user_id,
        purpose,
    )
    return value

"""Refresh-token families: plain tables, not events (they are credentials, see ADR 0003).

One family per login. Each refresh token is an opaque `secrets.token_urlsafe(32)` kept only as its
SHA-256; using one marks it used and issues the next. Presenting a used token again means it was
copied, so the whole family (including its newest token) is revoked. Callers hold the family row
lock (`lock_family`) for every decision, so two concurrent refreshes of one token cannot both win.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class Family:
    id: str
    user_id: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    access_expires_at: datetime
    revoked_at: datetime | None

    def idle_expired(self, at: datetime, idle_ttl_s: int) -> bool:
        return self.last_used_at + timedelta(seconds=idle_ttl_s) <= at

    def expired(self, at: datetime, idle_ttl_s: int) -> bool:
        return self.expires_at <= at or self.idle_expired(at, idle_ttl_s)


_FAMILY_COLUMNS = "id, user_id, created_at, last_used_at, expires_at, access_expires_at, revoked_at"


def _family(row: asyncpg.Record) -> Family:
    return Family(**{k: row[k] for k in Family.__dataclass_fields__})


async def open_for_login(
    conn: asyncpg.Connection | asyncpg.Pool,
    family_id: str,
    user_id: str,
    at: datetime,
    absolute_ttl_s: int,
    access_expires_at: datetime,
) -> tuple[asyncpg.Record | None, str]:
    """A login's session in one statement (one round trip, no explicit transaction): the user's
    claims row, locked FOR SHARE, and, unless the user is suspended, a new family with its first
    refresh token. Returns the claims row (None: no such user) and the token in clear.

    The share lock lasts until the statement commits, so a suspension or role change (which
    updates the user row, then ends the user's sessions) either committed before and is seen
    here, or waits for this login and then ends the session it opened.
    """
    token = new_token()
    row = await conn.fetchrow(
        "WITH u AS (SELECT roles, email_verified, suspended_at FROM users WHERE id = $1 FOR SHARE),"
        " f AS (INSERT INTO refresh_families (id, user_id, created_at, last_used_at, expires_at,"
        " access_expires_at) SELECT $2, $1, $3, $3, $4, $5 FROM u WHERE u.suspended_at IS NULL"
        " RETURNING id),"
        " t AS (INSERT INTO refresh_tokens (token_hash, family_id, created_at)"
        " SELECT $6, f.id, $3 FROM f)"
        " SELECT roles, email_verified, suspended_at FROM u",
        user_id,
        family_id,
        at,
        at + timedelta(seconds=absolute_ttl_s),
        access_expires_at,
        token_hash(token),
    )
    return row, token


async def _add_token(conn: asyncpg.Connection, family_id: str, at: datetime) -> str:
    token = new_token()
    await conn.execute(
        "INSERT INTO refresh_tokens (token_hash, family_id, created_at) VALUES ($1, $2, $3)",
        token_hash(token),
        family_id,
        at,
    )
    return token


@dataclass(frozen=True)
class Presented:
    family: Family
    used: bool  # this token was already exchanged once: a replay


async def lock_presented(conn: asyncpg.Connection, token: str) -> Presented | None:
    """The family of a presented refresh token, row-locked, and whether the token was used."""
    digest = token_hash(token)
    family_id = await conn.fetchval(
        "SELECT family_id FROM refresh_tokens WHERE token_hash = $1", digest
    )
    if family_id is None:
        return None
    row = await conn.fetchrow(
        f"SELECT {_FAMILY_COLUMNS} FROM refresh_families WHERE id = $1 FOR UPDATE", family_id
    )
    # Read after taking the lock (a fresh snapshot under READ COMMITTED), so a concurrent
    # refresh that just committed is seen as a use.
    used_at = await conn.fetchval(
        "SELECT used_at FROM refresh_tokens WHERE token_hash = $1", digest
    )
    return Presented(_family(row), used_at is not None)


async def rotate(
    conn: asyncpg.Connection,
    presented: str,
    family: Family,
    at: datetime,
    access_expires_at: datetime,
) -> str:
    """Mark the presented token used and issue the family's next one."""
    await conn.execute(
        "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1", token_hash(presented), at
    )
    await conn.execute(
        "UPDATE refresh_families SET last_used_at = $2,"
        " access_expires_at = greatest(access_expires_at, $3) WHERE id = $1",
        family.id,
        at,
        access_expires_at,
    )
    return await _add_token(conn, family.id, at)


async def revoke(
    conn: asyncpg.Connection, family_id: str, at: datetime, reason: str
) -> Family | None:
    """Revoke one family; None if it already was."""
    row = await conn.fetchrow(
        f"UPDATE refresh_families SET revoked_at = $2, revoke_reason = $3"
        f" WHERE id = $1 AND revoked_at IS NULL RETURNING {_FAMILY_COLUMNS}",
        family_id,
        at,
        reason,
    )
    return _family(row) if row is not None else None


async def revoke_all(
    conn: asyncpg.Connection, user_id: str, at: datetime, reason: str
) -> list[Family]:
    """Revoke every live family of a user (password reset, suspension, demotion)."""
    rows = await conn.fetch(
        f"UPDATE refresh_families SET revoked_at = $2, revoke_reason = $3"
        f" WHERE user_id = $1 AND revoked_at IS NULL RETURNING {_FAMILY_COLUMNS}",
        user_id,
        at,
        reason,
    )
    return [_family(r) for r in rows]

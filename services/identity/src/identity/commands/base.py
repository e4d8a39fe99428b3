"""What every identity command shares: the service's parts, the unit of work, session revocation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from shared.auth import RevocationList
from shared.contracts.identity import SessionRevoked
from shared.events import now
from shared.eventstore import EventStore
from shared.logging import get_logger
from shared.uow import UnitOfWork, run_command

from identity import one_time_tokens, sessions
from identity.domain import (
    Taken,
    UnknownUser,
    User,
    user_stream,
)
from identity.emails import SecurityMail
from identity.hashing import PasswordHashing
from identity.keys import KeyRing
from identity.settings import IdentitySettings

log = get_logger(__name__)

Clock = Callable[[], datetime]

# Unique indexes of the `users` projection -> the input field a clash is about.
_UNIQUE_FIELDS = {"users_email": "email", "users_username": "username"}


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(kw_only=True, eq=False)
class IdentityBase:
    """The parts every command uses; `Identity` (in `identity.commands`) adds the commands."""

    pool: asyncpg.Pool
    store: EventStore
    settings: IdentitySettings
    hashing: PasswordHashing
    keys: KeyRing
    revocations: RevocationList
    mail: SecurityMail
    clock: Clock = now

    async def _verification_token(
        self, conn: asyncpg.Connection | asyncpg.Pool, user_id: str, email: str, at: datetime
    ) -> str:
        return await one_time_tokens.issue(
            conn,
            user_id,
            one_time_tokens.VERIFY_EMAIL,
            email,
            at,
            self.settings.email_verification_ttl_s,
        )

    async def _run(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        try:
            return await run_command(self.pool, self.store, fn)
        except asyncpg.UniqueViolationError as exc:
            field = _UNIQUE_FIELDS.get(exc.constraint_name or "")
            if field is None:
                raise
            raise Taken(field) from exc

    # -- revocation -----------------------------------------------------------------------------

    async def _revoke_family(
        self, conn: asyncpg.Connection, family_id: str, at: datetime, reason: str
    ) -> None:
        family = await sessions.revoke(conn, family_id, at, reason)
        if family is not None:
            await announce_revoked(conn, self.store, family, at, reason)
            self._forget(family)

    async def end_all_sessions(self, conn: asyncpg.Connection, user_id: str, reason: str) -> None:
        for family in await revoke_all_sessions(conn, self.store, user_id, self.clock(), reason):
            self._forget(family)

    def _forget(self, family: sessions.Family) -> None:
        # This process stops the family's access tokens at once; other verifiers learn it from
        # the `auth.revocations` stream.
        self.revocations.revoke_session(family.id, family.access_expires_at.timestamp())


async def announce_revoked(
    conn: asyncpg.Connection, store: EventStore, family: sessions.Family, at: datetime, reason: str
) -> None:
    """Append `SessionRevoked` for a family just revoked (skipped if its tokens expired)."""
    if family.access_expires_at <= at:
        return
    await store.append(
        conn,
        "session",
        f"session-{family.id}",
        0,
        [
            SessionRevoked(
                user_id=family.user_id,
                session_id=family.id,
                revoked_at=at,
                expires_at=family.access_expires_at,
                reason=reason,
            )
        ],
    )


async def revoke_all_sessions(
    conn: asyncpg.Connection, store: EventStore, user_id: str, at: datetime, reason: str
) -> list[sessions.Family]:
    families = await sessions.revoke_all(conn, user_id, at, reason)
    for family in families:
        await announce_revoked(conn, store, family, at, reason)
    return families


async def change_roles(
    pool: asyncpg.Pool,
    store: EventStore,
    user_id: str,
    decide: Callable[[list[str]], list[str]],
    at: Clock = now,
) -> list[sessions.Family]:
    """Set a user's roles to `decide(current roles)`; returns the sessions it ended.

    Taking a role away ends the user's sessions, so no access token keeps claiming it.
    """

    async def fn(uow: UnitOfWork) -> list[sessions.Family]:
        user = await uow.load(User, user_stream(user_id))
        if not user.exists:
            raise UnknownUser()
        before = set(user.roles)
        user.set_roles(decide(list(user.roles)))
        await uow.save(user)
        if before - set(user.roles):
            return await revoke_all_sessions(uow.conn, store, user_id, at(), "roles_changed")
        return []

    result: list[sessions.Family] = await run_command(pool, store, fn)
    return result

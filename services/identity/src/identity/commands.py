"""Application layer: each command validates, then loads, decides and appends in one transaction.

Credentials (password hashes, refresh families, one-time tokens) are written in the same
transaction as the events they accompany, so a registration never exists without its password
and a revoked family never exists without its `SessionRevoked`.
"""

from __future__ import annotations

import uuid
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
from shared.problems import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    TooManyRequests,
    Unauthorized,
    field_error,
)
from shared.uow import UnitOfWork, run_command

from identity import one_time_tokens, queries, sessions
from identity.domain import (
    DomainError,
    Follow,
    User,
    follow_stream,
    normalize_email,
    normalize_profile,
    normalize_username,
    user_stream,
)
from identity.emails import SecurityMail
from identity.hashing import PasswordHashing
from identity.keys import KeyRing
from identity.passwords import PasswordRejected, check_password
from identity.settings import IdentitySettings

log = get_logger(__name__)

Clock = Callable[[], datetime]

# Unique indexes of the `users` projection -> the input field a clash is about.
_UNIQUE_FIELDS = {"users_email": "email", "users_username": "username"}
_TAKEN = {
    "email": "An account with this e-mail address already exists.",
    "username": "This username is taken.",
}


def invalid_credentials() -> Unauthorized:
    # One body for "no such user" and "wrong password": the answer must not tell them apart.
    return Unauthorized("Incorrect e-mail or password.", code="invalid_credentials")


def invalid_refresh_token() -> Unauthorized:
    return Unauthorized(
        "This session has ended; sign in again.", code="invalid_refresh_token", headers={}
    )


def invalid_link(detail: str = "This link is invalid, already used or expired.") -> Problem:
    return Problem(detail, code="invalid_token", errors=[{"field": "token", "message": detail}])


def wrong_current_password(message: str) -> Problem:
    return field_error("current_password", message, "invalid_current_password")


def account_suspended() -> Forbidden:
    return Forbidden("This account is suspended.", code="account_suspended")


def domain_problem(exc: DomainError) -> Exception:
    if exc.code == "conflict":
        return Conflict(exc.message, errors=[{"field": exc.field, "message": exc.message}])
    return field_error(exc.field, exc.message, exc.code)


def password_problem(exc: PasswordRejected) -> Exception:
    return field_error("password", exc.message, exc.code)


def taken(field: str) -> Conflict:
    return Conflict(
        _TAKEN[field], code=f"{field}_taken", errors=[{"field": field, "message": _TAKEN[field]}]
    )


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def _epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class Identity:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        store: EventStore,
        settings: IdentitySettings,
        hashing: PasswordHashing,
        keys: KeyRing,
        revocations: RevocationList,
        mail: SecurityMail,
        clock: Clock = now,
    ) -> None:
        self.mail = mail
        self.pool = pool
        self.store = store
        self.settings = settings
        self.hashing = hashing
        self.keys = keys
        self.revocations = revocations
        self.clock = clock

    # -- registration and sign-in -------------------------------------------------------------

    async def register(self, email: str, username: str, password: str) -> str:
        """Create an account; returns its id. 422 on bad input, 409 on a taken e-mail/username."""
        try:
            email = normalize_email(email)
            username = normalize_username(username)
        except DomainError as exc:
            raise domain_problem(exc) from exc
        try:
            check_password(password, email=email, username=username)
        except PasswordRejected as exc:
            raise password_problem(exc) from exc
        # Cheap check first so a taken name costs no hashing; the unique indexes decide races.
        clash = await self.pool.fetchrow(
            "SELECT email = $1 AS email, username = $2 AS username FROM users"
            " WHERE email = $1 OR username = $2 LIMIT 1",
            email,
            username,
        )
        if clash is not None:
            raise taken("email" if clash["email"] else "username")
        password_hash = await self.hashing.hash(password)
        user_id = str(uuid.uuid4())

        async def fn(uow: UnitOfWork) -> str:
            at = self.clock()
            user = await uow.load(User, user_stream(user_id))
            user.register(email, username)
            await uow.save(user)
            await uow.conn.execute(
                "INSERT INTO credentials (user_id, password_hash, updated_at) VALUES ($1, $2, $3)",
                user_id,
                password_hash,
                at,
            )
            return await self._verification_token(uow.conn, user_id, email, at)

        token: str = await self._run(fn)
        self.mail.verification(email, username, token, self.settings.email_verification_ttl_s)
        log.info("user registered", user_id=user_id)
        return user_id

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
            raise taken(field) from exc

    async def login(self, email: str, password: str) -> TokenPair:
        row = await self.pool.fetchrow(
            "SELECT u.id, u.suspended_at, c.password_hash FROM users u"
            " JOIN credentials c ON c.user_id = u.id WHERE u.email = $1",
            email.strip().lower(),
        )
        # An unknown e-mail is checked against a dummy hash: same work, same time, same answer.
        ok = await self.hashing.verify(row["password_hash"] if row else None, password)
        if row is None or not ok:
            raise invalid_credentials()
        if row["suspended_at"] is not None:
            raise account_suspended()
        user_id: str = row["id"]
        await self._upgrade_hash(user_id, row["password_hash"], password)
        async with self.pool.acquire() as conn, conn.transaction():
            return await self._start_session(conn, user_id)

    async def _upgrade_hash(self, user_id: str, stored: str, password: str) -> None:
        """Re-hash with the current parameters after they were raised (best effort)."""
        if not self.hashing.needs_rehash(stored):
            return
        try:
            fresh = await self.hashing.hash(password)
        except Exception:
            return
        await self.pool.execute(
            "UPDATE credentials SET password_hash = $2, updated_at = $3"
            " WHERE user_id = $1 AND password_hash = $4",
            user_id,
            fresh,
            self.clock(),
            stored,
        )

    async def _claims(
        self, conn: asyncpg.Connection, user_id: str, *, lock: bool = False
    ) -> asyncpg.Record:
        row = await conn.fetchrow(
            "SELECT roles, email_verified, suspended_at FROM users WHERE id = $1"
            + (" FOR SHARE" if lock else ""),
            user_id,
        )
        if row is None:
            raise invalid_refresh_token()
        return row

    async def _start_session(self, conn: asyncpg.Connection, user_id: str) -> TokenPair:
        # FOR SHARE: a suspension or role change (which updates this row, then ends the user's
        # sessions) either committed before and is seen here, or waits for this login and then
        # ends the session it opened. Unlocked, a new session could slip past both.
        user = await self._claims(conn, user_id, lock=True)
        if user["suspended_at"] is not None:  # suspended while the password was being checked
            raise account_suspended()
        family_id = str(uuid.uuid4())
        access, exp = self.keys.issue_access_token(
            user_id=user_id,
            session_id=family_id,
            roles=list(user["roles"]),
            email_verified=user["email_verified"],
        )
        _, refresh = await sessions.start_family(
            conn,
            family_id,
            user_id,
            self.clock(),
            self.settings.refresh_absolute_ttl_s,
            _epoch(exp),
        )
        return TokenPair(access, refresh, self.settings.access_token_ttl_s)

    async def refresh(self, token: str) -> TokenPair:
        reused = False
        async with self.pool.acquire() as conn, conn.transaction():
            at = self.clock()
            presented = await sessions.lock_presented(conn, token)
            if presented is None or presented.family.revoked_at is not None:
                raise invalid_refresh_token()
            family = presented.family
            if presented.used:
                # A used token came back: it was copied. End the family, the thief's newest
                # token included; committed before answering.
                await self._revoke_family(conn, family.id, at, "reuse_detected")
                reused = True
            else:
                if family.expired(at, self.settings.refresh_idle_ttl_s):
                    raise invalid_refresh_token()
                user = await self._claims(conn, family.user_id)
                if user["suspended_at"] is not None:
                    raise account_suspended()
                access, exp = self.keys.issue_access_token(
                    user_id=family.user_id,
                    session_id=family.id,
                    roles=list(user["roles"]),
                    email_verified=user["email_verified"],
                )
                refresh = await sessions.rotate(conn, token, family, at, _epoch(exp))
        if reused:
            log.warning("refresh token reused; session revoked", session_id=family.id)
            raise invalid_refresh_token()
        return TokenPair(access, refresh, self.settings.access_token_ttl_s)

    async def logout(self, token: str) -> None:
        """End the family of `token` (whichever of its tokens it is); unknown tokens are ignored."""
        async with self.pool.acquire() as conn, conn.transaction():
            presented = await sessions.lock_presented(conn, token)
            if presented is not None:
                await self._revoke_family(conn, presented.family.id, self.clock(), "logout")

    # -- e-mail verification and password reset -----------------------------------------------

    async def verify_email(self, token: str) -> None:
        async def fn(uow: UnitOfWork) -> None:
            redeemed = await one_time_tokens.redeem(
                uow.conn, token, one_time_tokens.VERIFY_EMAIL, self.clock()
            )
            if redeemed is None:
                raise invalid_link()
            user = await uow.load(User, user_stream(redeemed.user_id))
            try:
                user.verify_email(redeemed.email)
            except DomainError as exc:
                raise invalid_link(exc.message) from exc
            await uow.save(user)

        await run_command(self.pool, self.store, fn)

    async def resend_verification(self, user_id: str) -> None:
        row = await self.pool.fetchrow(
            "SELECT email, username, email_verified FROM users WHERE id = $1", user_id
        )
        if row is None:
            raise NotFound("No such user.", code="user_not_found")
        if row["email_verified"]:
            raise Conflict("Your e-mail address is already confirmed.", code="already_verified")
        at = self.clock()
        last = await one_time_tokens.last_issued(self.pool, user_id, one_time_tokens.VERIFY_EMAIL)
        cooldown = self.settings.email_cooldown_s
        if last is not None and (at - last).total_seconds() < cooldown:
            wait = cooldown - int((at - last).total_seconds())
            raise TooManyRequests(
                "A confirmation e-mail was sent a moment ago; check your inbox.",
                retry_after=wait,
                code="verification_recently_sent",
            )
        token = await self._verification_token(self.pool, user_id, row["email"], at)
        self.mail.verification(
            row["email"], row["username"], token, self.settings.email_verification_ttl_s
        )

    async def request_password_reset(self, email: str) -> None:
        """Mail a reset link if an active account has this address; silent either way."""
        row = await self.pool.fetchrow(
            "SELECT id, email, username FROM users WHERE email = $1 AND suspended_at IS NULL",
            email.strip().lower(),
        )
        if row is None:
            return
        at = self.clock()
        last = await one_time_tokens.last_issued(
            self.pool, row["id"], one_time_tokens.RESET_PASSWORD
        )
        if last is not None and (at - last).total_seconds() < self.settings.email_cooldown_s:
            return  # one link a minute is plenty; more would let anyone flood an inbox
        token = await one_time_tokens.issue(
            self.pool,
            row["id"],
            one_time_tokens.RESET_PASSWORD,
            row["email"],
            at,
            self.settings.password_reset_ttl_s,
        )
        self.mail.password_reset(
            row["email"], row["username"], token, self.settings.password_reset_ttl_s
        )

    async def confirm_password_reset(self, token: str, password: str) -> None:
        """Set a new password from a reset link; every session of the account ends."""
        holder = await one_time_tokens.peek(
            self.pool, token, one_time_tokens.RESET_PASSWORD, self.clock()
        )
        if holder is None:
            raise invalid_link()
        names = await self.pool.fetchrow(
            "SELECT email, username FROM users WHERE id = $1", holder.user_id
        )
        # A link mailed to an address the account has since left is dead: whoever still reads
        # that inbox must not take the account back with it.
        if names is None or names["email"] != holder.email:
            raise invalid_link()
        try:
            check_password(password, email=names["email"], username=names["username"])
        except PasswordRejected as exc:
            raise password_problem(exc) from exc
        password_hash = await self.hashing.hash(password)

        async def fn(uow: UnitOfWork) -> None:
            at = self.clock()
            redeemed = await one_time_tokens.redeem(
                uow.conn, token, one_time_tokens.RESET_PASSWORD, at
            )
            if redeemed is None:
                raise invalid_link()
            user = await uow.load(User, user_stream(redeemed.user_id))
            if user.email != redeemed.email:  # changed since the check above
                raise invalid_link()
            await uow.conn.execute(
                "UPDATE credentials SET password_hash = $2, updated_at = $3 WHERE user_id = $1",
                redeemed.user_id,
                password_hash,
                at,
            )
            await one_time_tokens.invalidate(
                uow.conn, redeemed.user_id, one_time_tokens.RESET_PASSWORD, at
            )
            # The link reached this inbox, which proves the address as well as a verification.
            if not user.email_verified:
                user.verify_email(redeemed.email)
                await uow.save(user)
            await self.end_all_sessions(uow.conn, redeemed.user_id, "password_reset")

        await run_command(self.pool, self.store, fn)
        log.info("password reset", user_id=holder.user_id)

    # -- profile and follows -------------------------------------------------------------------

    async def update_profile(
        self, user_id: str, raw: dict[str, Any], current_password: str | None = None
    ) -> None:
        """Apply the fields present in `raw`; a new e-mail address must be confirmed again and
        needs the current password (ASVS 3.7.1: a stolen session must not take the account)."""
        try:
            changes = normalize_profile(raw)
        except DomainError as exc:
            raise domain_problem(exc) from exc
        if "email" in changes:
            await self._reauthenticate(user_id, changes["email"], current_password)

        async def fn(uow: UnitOfWork) -> tuple[dict[str, Any], str, str, str | None]:
            user = await uow.load(User, user_stream(user_id))
            if not user.exists:
                raise NotFound("No such user.", code="user_not_found")
            old_email = user.email
            changed = user.update_profile(changes)
            await uow.save(user)
            token = None
            if "email" in changed:
                token = await self._verification_token(uow.conn, user_id, user.email, self.clock())
            return changed, old_email, user.username, token

        changed, old_email, username, token = await self._run(fn)
        if token is not None:
            self.mail.verification(
                changed["email"], username, token, self.settings.email_verification_ttl_s
            )
            self.mail.email_changed(old_email, changed["email"], username)

    async def _reauthenticate(
        self, user_id: str, new_email: str, current_password: str | None
    ) -> None:
        row = await self.pool.fetchrow(
            "SELECT u.email, c.password_hash FROM users u"
            " LEFT JOIN credentials c ON c.user_id = u.id WHERE u.id = $1",
            user_id,
        )
        if row is None or row["email"] == new_email:
            return  # unchanged address (or no user: the command answers 404)
        if not current_password:
            raise wrong_current_password("Enter your current password to change your e-mail.")
        # A wrong password costs a full hash like a right one, so timing does not tell them apart.
        if not await self.hashing.verify(row["password_hash"], current_password):
            raise wrong_current_password("The current password is incorrect.")

    async def _followee(self, follower_id: str, username: str) -> str:
        target = await queries.active_user_by_username(self.pool, username)
        if target is None:
            raise NotFound("No such user.", code="user_not_found")
        followee_id: str = target["id"]
        if followee_id == follower_id:
            raise field_error("username", "You cannot follow yourself.", "cannot_follow_self")
        return followee_id

    async def follow(self, follower_id: str, username: str) -> None:
        followee_id = await self._followee(follower_id, username)

        async def fn(uow: UnitOfWork) -> None:
            pair = await uow.load(Follow, follow_stream(follower_id, followee_id))
            pair.follow()
            await uow.save(pair)

        await run_command(self.pool, self.store, fn)

    async def unfollow(self, follower_id: str, username: str) -> None:
        followee_id = await self._followee(follower_id, username)

        async def fn(uow: UnitOfWork) -> None:
            pair = await uow.load(Follow, follow_stream(follower_id, followee_id))
            pair.unfollow()
            await uow.save(pair)

        await run_command(self.pool, self.store, fn)

    # -- administration ------------------------------------------------------------------------

    async def suspend(self, admin_id: str, user_id: str, reason: str) -> None:
        """Suspend an account: no sign-in, no refresh, and its access tokens stop at once."""
        if admin_id == user_id:
            raise field_error("id", "You cannot suspend your own account.", "cannot_suspend_self")
        reason = reason.strip()
        if not reason:
            raise field_error("reason", "Give a reason for the suspension.")

        async def fn(uow: UnitOfWork) -> datetime | None:
            at = self.clock()
            user = await uow.load(User, user_stream(user_id))
            if not user.exists:
                raise NotFound("No such user.", code="user_not_found")
            if not user.suspend(reason, at):
                return None
            await uow.save(user)
            # `UserSuspended` already stops every token issued so far; the families end too
            # so nothing can be refreshed if the account is ever reinstated.
            await sessions.revoke_all(uow.conn, user_id, at, "suspended")
            return at

        at = await run_command(self.pool, self.store, fn)
        if at is not None:
            self.revocations.revoke_user(user_id, at.timestamp())
            log.info("user suspended", user_id=user_id)

    async def set_roles(self, admin_id: str, user_id: str, roles: list[str]) -> None:
        if admin_id == user_id and "admin" not in {r.strip().lower() for r in roles}:
            raise field_error(
                "roles", "You cannot remove your own admin role.", "cannot_demote_self"
            )
        for family in await change_roles(
            self.pool, self.store, user_id, lambda _: roles, self.clock
        ):
            self._forget(family)

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
            raise NotFound("No such user.", code="user_not_found")
        before = set(user.roles)
        try:
            user.set_roles(decide(list(user.roles)))
        except DomainError as exc:
            raise domain_problem(exc) from exc
        await uow.save(user)
        if before - set(user.roles):
            return await revoke_all_sessions(uow.conn, store, user_id, at(), "roles_changed")
        return []

    result: list[sessions.Family] = await run_command(pool, store, fn)
    return result

"""Registration, sign-in, refresh and sign-out."""

from __future__ import annotations

import time
import uuid

import asyncpg
from shared.uow import UnitOfWork

from identity import sessions
from identity.commands.base import IdentityBase, TokenPair, epoch, log
from identity.domain import (
    AccountSuspended,
    InvalidCredentials,
    SessionEnded,
    Taken,
    User,
    normalize_email,
    normalize_username,
    user_stream,
)
from identity.passwords import check_password


class SignIn(IdentityBase):
    # -- registration and sign-in -------------------------------------------------------------

    async def register(self, email: str, username: str, password: str) -> str:
        """Create an account; returns its id. 422 on bad input, 409 on a taken e-mail/username."""
        email = normalize_email(email)
        username = normalize_username(username)
        check_password(password, email=email, username=username)
        # Cheap check first so a taken name costs no hashing; the unique indexes decide races.
        clash = await self.pool.fetchrow(
            "SELECT email = $1 AS email, username = $2 AS username FROM users"
            " WHERE email = $1 OR username = $2 LIMIT 1",
            email,
            username,
        )
        if clash is not None:
            raise Taken("email" if clash["email"] else "username")
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

    async def login(self, email: str, password: str) -> TokenPair:
        row = await self.pool.fetchrow(
            "SELECT u.id, u.suspended_at, c.password_hash FROM users u"
            " JOIN credentials c ON c.user_id = u.id WHERE u.email = $1",
            email.strip().lower(),
        )
        # An unknown e-mail is checked against a dummy hash: same work, same time, same answer.
        ok = await self.hashing.verify(row["password_hash"] if row else None, password)
        if row is None or not ok:
            raise InvalidCredentials()
        if row["suspended_at"] is not None:
            raise AccountSuspended()
        user_id: str = row["id"]
        await self._upgrade_hash(user_id, row["password_hash"], password)
        return await self._start_session(user_id)

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
            raise SessionEnded()
        return row

    async def _start_session(self, user_id: str) -> TokenPair:
        # One statement on the pool: the claims row locked FOR SHARE and the new family with its
        # first refresh token (see sessions.open_for_login); the token is signed afterwards with
        # the roles it read, its `exp` fixed before so the family records it.
        issued = int(time.time())
        exp = issued + self.settings.access_token_ttl_s
        family_id = str(uuid.uuid4())
        user, refresh = await sessions.open_for_login(
            self.pool,
            family_id,
            user_id,
            self.clock(),
            self.settings.refresh_absolute_ttl_s,
            epoch(exp),
        )
        if user is None:
            raise SessionEnded()
        if user["suspended_at"] is not None:  # suspended while the password was being checked
            raise AccountSuspended()
        access, _ = self.keys.issue_access_token(
            user_id=user_id,
            session_id=family_id,
            roles=list(user["roles"]),
            email_verified=user["email_verified"],
            issued=issued,
        )
        return TokenPair(access, refresh, self.settings.access_token_ttl_s)

    async def refresh(self, token: str) -> TokenPair:
        reused = False
        async with self.pool.acquire() as conn, conn.transaction():
            at = self.clock()
            presented = await sessions.lock_presented(conn, token)
            if presented is None or presented.family.revoked_at is not None:
                raise SessionEnded()
            family = presented.family
            if presented.used:
                # A used token came back: it was copied. End the family, the thief's newest
                # token included; committed before answering.
                await self._revoke_family(conn, family.id, at, "reuse_detected")
                reused = True
            else:
                if family.expired(at, self.settings.refresh_idle_ttl_s):
                    raise SessionEnded()
                user = await self._claims(conn, family.user_id)
                if user["suspended_at"] is not None:
                    raise AccountSuspended()
                access, exp = self.keys.issue_access_token(
                    user_id=family.user_id,
                    session_id=family.id,
                    roles=list(user["roles"]),
                    email_verified=user["email_verified"],
                )
                refresh = await sessions.rotate(conn, token, family, at, epoch(exp))
        if reused:
            log.warning("refresh token reused; session revoked", session_id=family.id)
            raise SessionEnded()
        return TokenPair(access, refresh, self.settings.access_token_ttl_s)

    async def logout(self, token: str) -> None:
        """End the family of `token` (whichever of its tokens it is); unknown tokens are ignored."""
        async with self.pool.acquire() as conn, conn.transaction():
            presented = await sessions.lock_presented(conn, token)
            if presented is not None:
                await self._revoke_family(conn, presented.family.id, self.clock(), "logout")

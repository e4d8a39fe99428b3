"""E-mail verification and password reset: single-use links sent by e-mail."""

from __future__ import annotations

from shared.uow import UnitOfWork, run_command

from identity import one_time_tokens
from identity.commands.base import IdentityBase, log
from identity.domain import (
    AlreadyVerified,
    DomainError,
    InvalidLink,
    SentRecently,
    UnknownUser,
    User,
    user_stream,
)
from identity.passwords import check_password


class EmailLinks(IdentityBase):
    # -- e-mail verification and password reset -----------------------------------------------

    async def verify_email(self, token: str) -> None:
        async def fn(uow: UnitOfWork) -> None:
            redeemed = await one_time_tokens.redeem(
                uow.conn, token, one_time_tokens.VERIFY_EMAIL, self.clock()
            )
            if redeemed is None:
                raise InvalidLink()
            user = await uow.load(User, user_stream(redeemed.user_id))
            try:
                user.verify_email(redeemed.email)
            except DomainError as exc:
                raise InvalidLink(exc.message) from exc
            await uow.save(user)

        await run_command(self.pool, self.store, fn)

    async def resend_verification(self, user_id: str) -> None:
        row = await self.pool.fetchrow(
            "SELECT email, username, email_verified FROM users WHERE id = $1", user_id
        )
        if row is None:
            raise UnknownUser()
        if row["email_verified"]:
            raise AlreadyVerified()
        at = self.clock()
        last = await one_time_tokens.last_issued(self.pool, user_id, one_time_tokens.VERIFY_EMAIL)
        cooldown = self.settings.email_cooldown_s
        if last is not None and (at - last).total_seconds() < cooldown:
            wait = cooldown - int((at - last).total_seconds())
            raise SentRecently(wait)
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
            raise InvalidLink()
        names = await self.pool.fetchrow(
            "SELECT email, username FROM users WHERE id = $1", holder.user_id
        )
        # A link mailed to an address the account has since left is dead: whoever still reads
        # that inbox must not take the account back with it.
        if names is None or names["email"] != holder.email:
            raise InvalidLink()
        check_password(password, email=names["email"], username=names["username"])
        password_hash = await self.hashing.hash(password)

        async def fn(uow: UnitOfWork) -> None:
            at = self.clock()
            redeemed = await one_time_tokens.redeem(
                uow.conn, token, one_time_tokens.RESET_PASSWORD, at
            )
            if redeemed is None:
                raise InvalidLink()
            user = await uow.load(User, user_stream(redeemed.user_id))
            if user.email != redeemed.email:  # changed since the check above
                raise InvalidLink()
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

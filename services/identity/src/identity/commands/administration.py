"""Administration: suspending accounts and setting roles."""

from __future__ import annotations

from datetime import datetime

from shared.uow import UnitOfWork, run_command

from identity import sessions
from identity.commands.base import IdentityBase, change_roles, log
from identity.domain import (
    DomainError,
    UnknownUser,
    User,
    user_stream,
)


class Administration(IdentityBase):
    # -- administration ------------------------------------------------------------------------

    async def suspend(self, admin_id: str, user_id: str, reason: str) -> None:
        """Suspend an account: no sign-in, no refresh, and its access tokens stop at once."""
        if admin_id == user_id:
            raise DomainError("id", "You cannot suspend your own account.", "cannot_suspend_self")
        reason = reason.strip()
        if not reason:
            raise DomainError("reason", "Give a reason for the suspension.")

        async def fn(uow: UnitOfWork) -> datetime | None:
            at = self.clock()
            user = await uow.load(User, user_stream(user_id))
            if not user.exists:
                raise UnknownUser()
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
            raise DomainError(
                "roles", "You cannot remove your own admin role.", "cannot_demote_self"
            )
        for family in await change_roles(
            self.pool, self.store, user_id, lambda _: roles, self.clock
        ):
            self._forget(family)

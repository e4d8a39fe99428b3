"""Operator actions outside HTTP: promoting the first admin (`python -m identity make-admin`)."""

from __future__ import annotations

from shared.context import set_metadata
from shared.db import create_pool
from shared.eventstore import EventStore

from identity import queries
from identity.commands import change_roles
from identity.projections import projections


class UnknownEmail(LookupError):
    def __init__(self, email: str) -> None:
        super().__init__(f"No account has the e-mail address {email!r}.")
        self.email = email


async def make_admin(database_url: str, email: str) -> None:
    """Give the account with `email` the admin role (no-op if it has it).

    Goes through the normal command path: `UserRoleChanged` is appended with its projection
    update and outbox row, so every service hears of it. Raises `UnknownEmail`.
    """
    pool = await create_pool(database_url, 1, 2)
    try:
        user_id = await queries.user_id_by_email(pool, email)
        if user_id is None:
            raise UnknownEmail(email)
        set_metadata(actor_id="cli:make-admin")
        await change_roles(
            pool, EventStore("identity", projections), user_id, lambda roles: [*roles, "admin"]
        )
    finally:
        await pool.close()

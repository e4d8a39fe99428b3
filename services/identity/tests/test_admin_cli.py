"""`make-admin`: the importable coroutine and the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from identity.admin import UnknownEmail, make_admin
from jose import jwt

if TYPE_CHECKING:
    from conftest import Client, IdentityCli


async def test_make_admin_goes_through_the_command_path(client: Client, database_url: str) -> None:
    user = await client.register("alice")
    await make_admin(database_url, "ALICE@example.com")
    tokens = await client.login(user["email"])
    assert jwt.get_unverified_claims(tokens["access_token"])["roles"] == ["admin", "user"]
    row = await client.svc.pool.fetchrow(
        "SELECT e.data, o.routing_key FROM events e LEFT JOIN outbox o USING (event_id)"
        " WHERE e.type = 'UserRoleChanged'"
    )
    assert row["data"]["roles"] == ["user", "admin"]
    # The outbox row was published by the service's relay (or is waiting to be).
    assert row["routing_key"] in (None, "identity.UserRoleChanged")
    await make_admin(database_url, "alice@example.com")  # idempotent
    assert (
        await client.svc.pool.fetchval("SELECT count(*) FROM events WHERE type = 'UserRoleChanged'")
        == 1
    )
    with pytest.raises(UnknownEmail):
        await make_admin(database_url, "nobody@example.com")


async def test_make_admin_cli(client: Client, identity_cli: IdentityCli) -> None:
    await client.register("bob")
    code, out, err = await identity_cli("make-admin", "nobody@example.com")
    assert code != 0
    assert "nobody@example.com" in err
    code, out, err = await identity_cli("make-admin", "bob@example.com")
    assert code == 0, err
    assert "bob@example.com is now an admin" in out
    roles = await client.svc.pool.fetchval("SELECT roles FROM users WHERE username = 'bob'")
    assert list(roles) == ["user", "admin"]

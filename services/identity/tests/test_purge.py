"""The expired-credentials purge: rows made through the normal code paths, then aged with SQL."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from identity.purge import PURGE_LOCK_KEY, purge_expired
from shared.events import now
from shared.testing.servers import message_text

if TYPE_CHECKING:
    from conftest import Client, IdentityCli

DAY = "interval '1 day'"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # The background run stays out of the way; the tests call the purge themselves.
    return {"purge_initial_delay_s": 3600}


async def _families(client: Client, user_id: str) -> list[str]:
    rows = await client.svc.pool.fetch(
        "SELECT id FROM refresh_families WHERE user_id = $1 ORDER BY created_at", user_id
    )
    return [r["id"] for r in rows]


async def _seed(client: Client) -> dict[str, Any]:
    """alice: a used verification link and three sessions; bob and carol: one link each."""
    alice = await client.register("alice")
    mail = await client.smtp.wait_for(alice["email"])
    link = re.search(r"token=([\w\-]+)", message_text(mail[0]))
    assert link
    r = await client.http.post("/api/auth/verify-email", json={"token": link.group(1)})
    assert r.status_code == 204
    old = await client.login(alice["email"])
    r = await client.http.post("/api/auth/refresh", json={"refresh_token": old["refresh_token"]})
    assert r.status_code == 200  # the family now holds a used and a live token
    await client.login(alice["email"])
    await client.login(alice["email"])
    old_family, recent_family, live_family = await _families(client, alice["id"])
    bob = await client.register("bob")
    carol = await client.register("carol")

    db = client.svc.pool
    # Past its absolute lifetime by more than the margin, within the margin, and live.
    await db.execute(
        f"UPDATE refresh_families SET expires_at = now() - 2 * {DAY} WHERE id = $1", old_family
    )
    await db.execute(
        "UPDATE refresh_families SET expires_at = now() - interval '1 hour' WHERE id = $1",
        recent_family,
    )
    # alice's link was used two days ago; carol's expired two days ago; bob's is live.
    await db.execute(
        f"UPDATE one_time_tokens SET used_at = now() - 2 * {DAY} WHERE user_id = $1", alice["id"]
    )
    await db.execute(
        f"UPDATE one_time_tokens SET created_at = now() - 4 * {DAY},"
        f" expires_at = now() - 2 * {DAY} WHERE user_id = $1",
        carol["id"],
    )
    return {
        "alice": alice["id"],
        "bob": bob["id"],
        "carol": carol["id"],
        "kept_families": [recent_family, live_family],
    }


async def _assert_purged(client: Client, seeded: dict[str, Any]) -> None:
    db = client.svc.pool
    assert await _families(client, seeded["alice"]) == seeded["kept_families"]
    # Every remaining token belongs to a remaining family (the old family's went with it).
    assert await db.fetchval("SELECT count(*) FROM refresh_tokens") == 2
    holders = await db.fetch("SELECT DISTINCT user_id FROM one_time_tokens")
    assert [r["user_id"] for r in holders] == [seeded["bob"]]


async def test_purge_deletes_expired_credentials_and_keeps_live_ones(client: Client) -> None:
    seeded = await _seed(client)
    assert await client.svc.pool.fetchval("SELECT count(*) FROM refresh_tokens") == 4
    # A batch of one: the run repeats until a batch comes back short.
    settings = client.settings.model_copy(update={"purge_batch_size": 1})
    purged = await purge_expired(client.svc.pool, settings, now())
    assert (purged.refresh_families, purged.one_time_tokens, purged.skipped) == (1, 2, False)
    await _assert_purged(client, seeded)
    again = await purge_expired(client.svc.pool, settings, now())
    assert (again.refresh_families, again.one_time_tokens) == (0, 0)


async def test_only_one_replica_purges_at_a_time(client: Client) -> None:
    await _seed(client)
    async with client.svc.pool.acquire() as conn, conn.transaction():
        assert await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", PURGE_LOCK_KEY)
        purged = await purge_expired(client.svc.pool, client.settings, now())
    assert purged.skipped and purged.refresh_families == purged.one_time_tokens == 0
    assert await client.svc.pool.fetchval("SELECT count(*) FROM refresh_families") == 3


async def test_purge_expired_cli(client: Client, identity_cli: IdentityCli) -> None:
    seeded = await _seed(client)
    code, out, err = await identity_cli("purge-expired")
    assert code == 0, err
    assert "purged 1 expired refresh session(s) and 2 used or expired" in out
    await _assert_purged(client, seeded)


@pytest.mark.parametrize(
    "settings_overrides", [{"purge_initial_delay_s": 0.2, "purge_interval_s": 0.2}]
)
async def test_the_service_purges_in_the_background(client: Client) -> None:
    seeded = await _seed(client)

    async def purged() -> bool:
        return seeded["carol"] not in [
            r["user_id"] for r in await client.svc.pool.fetch("SELECT user_id FROM one_time_tokens")
        ]

    await client.eventually(purged)
    await _assert_purged(client, seeded)

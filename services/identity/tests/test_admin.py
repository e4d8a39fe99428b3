"""Suspension and roles: admin only, effective at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from identity.admin import make_admin
from jose import jwt

if TYPE_CHECKING:
    from conftest import Client

PASSWORD = "blue-river-42-Piano"


async def admin_headers(
    client: Client, database_url: str, name: str = "olivia"
) -> tuple[str, dict]:
    user = await client.register(name)
    await make_admin(database_url, user["email"])
    tokens = await client.login(user["email"])
    return user["id"], {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_suspension_stops_everything_at_once(client: Client, database_url: str) -> None:
    _, admin = await admin_headers(client, database_url)
    mallory = await client.register("mallory")
    session = await client.login(mallory["email"])
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    assert (await client.http.get("/api/auth/me", headers=headers)).status_code == 200

    # Not for ordinary users.
    r = await client.http.post(
        f"/api/admin/users/{mallory['id']}/suspend", headers=headers, json={"reason": "x"}
    )
    assert r.status_code == 403

    r = await client.http.post(
        f"/api/admin/users/{mallory['id']}/suspend", headers=admin, json={"reason": "spam"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["suspended_at"] and r.json()["suspend_reason"] == "spam"

    assert (await client.http.get("/api/auth/me", headers=headers)).status_code == 401
    r = await client.http.post(
        "/api/auth/login", json={"email": mallory["email"], "password": PASSWORD}
    )
    assert r.status_code == 403 and r.json()["code"] == "account_suspended"
    r = await client.http.post(
        "/api/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert r.status_code == 401
    assert (await client.http.get("/api/users/mallory")).status_code == 404
    # A wrong password still says only "wrong credentials".
    r = await client.http.post(
        "/api/auth/login", json={"email": mallory["email"], "password": "x" * 9}
    )
    assert r.status_code == 401
    event = await client.svc.pool.fetchrow(
        "SELECT data, metadata FROM events WHERE type = 'UserSuspended'"
    )
    assert event["data"]["user_id"] == mallory["id"] and event["data"]["reason"] == "spam"
    assert event["metadata"]["actor_id"]

    r = await client.http.post(
        "/api/admin/users/nope/suspend", headers=admin, json={"reason": "spam"}
    )
    assert r.status_code == 404


async def test_suspended_refresh_is_403(client: Client, database_url: str) -> None:
    _, admin = await admin_headers(client, database_url)
    user = await client.register("trent")
    session = await client.login(user["email"])
    # Suspend through the command path but leave the family alive, as a suspension recorded
    # by another replica racing this refresh would.
    await client.http.post(
        f"/api/admin/users/{user['id']}/suspend", headers=admin, json={"reason": "fraud"}
    )
    await client.svc.pool.execute("UPDATE refresh_families SET revoked_at = NULL")
    r = await client.http.post(
        "/api/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert r.status_code == 403 and r.json()["code"] == "account_suspended"


async def test_admins_cannot_lock_themselves_out(client: Client, database_url: str) -> None:
    admin_id, admin = await admin_headers(client, database_url)
    r = await client.http.post(
        f"/api/admin/users/{admin_id}/suspend", headers=admin, json={"reason": "oops"}
    )
    assert r.status_code == 422
    r = await client.http.post(
        f"/api/admin/users/{admin_id}/roles", headers=admin, json={"roles": ["user"]}
    )
    assert r.status_code == 422


async def test_roles_granted_and_taken(client: Client, database_url: str) -> None:
    _, admin = await admin_headers(client, database_url)
    peggy = await client.register("peggy")
    r = await client.http.post(
        f"/api/admin/users/{peggy['id']}/roles", headers=admin, json={"roles": ["admin"]}
    )
    assert r.status_code == 200, r.text
    assert r.json()["roles"] == ["user", "admin"]
    session = await client.login(peggy["email"])
    assert jwt.get_unverified_claims(session["access_token"])["roles"] == ["admin", "user"]
    headers = {"Authorization": f"Bearer {session['access_token']}"}

    r = await client.http.post(
        f"/api/admin/users/{peggy['id']}/roles", headers=admin, json={"roles": ["wizard"]}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "roles"

    r = await client.http.post(
        f"/api/admin/users/{peggy['id']}/roles", headers=admin, json={"roles": []}
    )
    assert r.status_code == 200 and r.json()["roles"] == ["user"]
    # The admin claim in her token dies with her sessions.
    assert (await client.http.get("/api/auth/me", headers=headers)).status_code == 401
    r = await client.http.post(
        "/api/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert r.status_code == 401
    assert [
        row["reason"]
        for row in await client.svc.pool.fetch(
            "SELECT data->>'reason' AS reason FROM events WHERE type = 'SessionRevoked'"
        )
    ] == ["roles_changed"]


async def test_a_login_racing_a_suspension_gets_no_session(
    client: Client, database_url: str
) -> None:
    import asyncio

    import asyncpg

    _, admin = await admin_headers(client, database_url)
    mallory = await client.register("mallory")
    await client.login(mallory["email"])
    watcher = await asyncpg.connect(database_url)
    holder = await asyncpg.connect(database_url)

    async def lock_waiters() -> int:
        return int(
            await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )

    try:
        # Hold mallory's existing session row, so the suspension stops half-way: the account is
        # marked suspended (not yet committed) and it waits to end her sessions.
        tx = holder.transaction()
        await tx.start()
        await holder.execute(
            "SELECT 1 FROM refresh_families WHERE user_id = $1 FOR UPDATE", mallory["id"]
        )
        suspend = asyncio.create_task(
            client.http.post(
                f"/api/admin/users/{mallory['id']}/suspend", headers=admin, json={"reason": "x"}
            )
        )
        await client.eventually(lock_waiters, lambda n: n >= 1)
        # A login now must not slip a new session past the suspension.
        login = asyncio.create_task(
            client.http.post(
                "/api/auth/login", json={"email": mallory["email"], "password": PASSWORD}
            )
        )
        await client.eventually(lock_waiters, lambda n: login.done() or n >= 2)
        await tx.rollback()
        assert (await suspend).status_code == 200
        r = await login
        assert r.status_code == 403, r.text
        live = await watcher.fetchval(
            "SELECT count(*) FROM refresh_families WHERE user_id = $1 AND revoked_at IS NULL",
            mallory["id"],
        )
        assert live == 0
    finally:
        await holder.close()
        await watcher.close()


async def test_admins_list_and_search_users_page_by_page(client: Client, database_url: str) -> None:
    admin_id, admin = await admin_headers(client, database_url, "lister")
    for name in ("anna_a", "anna_b", "boris", "anna_c"):
        await client.register(name)
    someone = await client.login("boris@example.com")
    r = await client.http.get(
        "/api/admin/users", headers={"Authorization": f"Bearer {someone['access_token']}"}
    )
    assert r.status_code == 403
    assert (await client.http.get("/api/admin/users")).status_code == 401

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", "q": "ANNA"} | ({"cursor": cursor} if cursor else {})
        r = await client.http.get("/api/admin/users", headers=admin, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2
        seen += [u["username"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["anna_c", "anna_b", "anna_a"]  # newest first, every match once
    everyone = (await client.http.get("/api/admin/users", headers=admin)).json()["items"]
    assert {u["username"] for u in everyone} == {"lister", "anna_a", "anna_b", "boris", "anna_c"}
    me = next(u for u in everyone if u["id"] == admin_id)
    assert me["roles"] == ["user", "admin"] and me["email"] == "lister@example.com"
    # A wildcard in the query is a plain character; a bad cursor is a 400.
    r = await client.http.get("/api/admin/users", headers=admin, params={"q": "%"})
    assert r.json()["items"] == []
    r = await client.http.get("/api/admin/users", headers=admin, params={"cursor": "nonsense"})
    assert r.status_code == 400

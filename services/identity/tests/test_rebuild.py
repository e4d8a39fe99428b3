"""`python -m identity rebuild-projections` reproduces the read models exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from identity.admin import make_admin

if TYPE_CHECKING:
    from conftest import Client, IdentityCli


async def snapshot(client: Client) -> dict[str, list[dict[str, Any]]]:
    pool = client.svc.pool
    return {
        "users": [dict(r) for r in await pool.fetch("SELECT * FROM users ORDER BY id")],
        "follows": [
            dict(r)
            for r in await pool.fetch("SELECT * FROM follows ORDER BY follower_id, followee_id")
        ],
    }


async def test_rebuild_is_identical(
    client: Client, database_url: str, identity_cli: IdentityCli
) -> None:
    alice, alice_h = await client.user("alice")
    _, bob_h = await client.user("bob")
    _, carol_h = await client.user("carol")
    await client.http.put(
        "/api/users/me/profile",
        headers=alice_h,
        json={"bio": "hi", "social_links": {"x": "https://x.example/a"}, "username": "alice_2"},
    )
    r = await client.http.put(
        "/api/users/me/profile",
        headers=bob_h,
        json={"email": "b2@example.com", "current_password": client.PASSWORD},
    )
    assert r.status_code == 200, r.text
    for h in (bob_h, carol_h):
        await client.http.post("/api/users/alice_2/follow", headers=h)
    await client.http.delete("/api/users/alice_2/follow", headers=carol_h)
    await client.http.post("/api/users/bob/follow", headers=alice_h)
    await make_admin(database_url, "alice@example.com")
    admin_h = {"Authorization": f"Bearer {(await client.login(alice['email']))['access_token']}"}
    carol_id = (await client.http.get("/api/users/carol")).json()["id"]
    r = await client.http.post(
        f"/api/admin/users/{carol_id}/suspend", headers=admin_h, json={"reason": "spam"}
    )
    assert r.status_code == 200
    before = await snapshot(client)
    assert len(before["follows"]) == 2

    # Damage the read models, then rebuild them from the events with the command line.
    await client.svc.pool.execute("UPDATE users SET followers_count = 99, bio = 'x'")
    code, out, err = await identity_cli("rebuild-projections")
    assert code == 0, err
    assert "projections rebuilt" in out
    assert await snapshot(client) == before

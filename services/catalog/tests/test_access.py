"""Who may do what: strangers get 403 on someone's market persona and 404 on hidden ones."""

from __future__ import annotations


async def test_another_user_cannot_edit_delete_or_version_someones_persona(catalog):
    env = catalog
    owner, intruder = await env.users("owner", "intruder")
    persona = await env.approved(owner, name="Owned Persona")
    pid = persona["id"]
    h = env.headers(intruder)

    r = await env.http.patch(f"/api/personas/{pid}", headers=h, json={"name": "Stolen"})
    assert r.status_code == 403 and r.json()["code"] == "not_creator"
    r = await env.http.delete(f"/api/personas/{pid}", headers=h)
    assert r.status_code == 403
    r = await env.http.post(
        f"/api/personas/{pid}/versions",
        headers=h,
        **env.multipart({"version": "2.0.0", "changelog": "mine now"}, [("evil.md", b"x\n")]),
    )
    assert r.status_code == 403
    r = await env.http.post(f"/api/personas/{pid}/submit", headers=h)
    assert r.status_code == 403
    assert env.blobs.staged_count() == 0
    # Nothing changed.
    detail = (await env.http.get(f"/api/personas/{pid}")).json()
    assert detail["name"] == "Owned Persona" and detail["latest_version"] == "1.0.0"
    assert await env.events("PersonaUpdated") == 0
    assert await env.events("PersonaDeleted") == 0
    # Admins moderate but do not edit.
    r = await env.http.patch(f"/api/personas/{pid}", headers=env.admin, json={"name": "Admin edit"})
    assert r.status_code == 403
    # Without a token: 401.
    r = await env.http.patch(f"/api/personas/{pid}", json={"name": "Anonymous"})
    assert r.status_code == 401


async def test_nobody_else_sees_drafts_pending_rejected_or_suspended_personas(catalog):
    env = catalog
    owner, other = await env.users("hider", "peeker")
    draft = await env.create(owner, name="Draft One")
    pending = await env.create(owner, name="Pending One", submit=True)
    rejected = await env.create(owner, name="Rejected One", submit=True)
    await env.http.post(
        f"/api/admin/personas/{rejected['id']}/reject", headers=env.admin, json={"reason": "No."}
    )
    suspended = await env.approved(owner, name="Suspended One")
    await env.http.post(
        f"/api/admin/personas/{suspended['id']}/suspend", headers=env.admin, json={"reason": "Bad."}
    )

    for persona in (draft, pending, rejected, suspended):
        pid = persona["id"]
        for headers in (env.headers(other), {}):
            for path in ("", "/versions", "/preview", "/reviews"):
                r = await env.http.get(f"/api/personas/{pid}{path}", headers=headers)
                assert r.status_code == 404, (persona["name"], path, r.status_code)
            r = await env.http.patch(
                f"/api/personas/{pid}", headers=env.headers(other), json={"name": "x"}
            )
            assert r.status_code == 404
            r = await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(other))
            assert r.status_code == 404
            r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(other))
            assert r.status_code == 404
            r = await env.report(f"personas/{pid}", other, "spam")
            assert r.status_code == 404
        assert (
            await env.http.get(f"/api/personas/{pid}", headers=env.headers(owner))
        ).status_code == 200
        assert (await env.http.get(f"/api/personas/{pid}", headers=env.admin)).status_code == 200

    market = (await env.http.get("/api/personas", params={"creator": "hider"})).json()
    assert market["items"] == []
    assert (await env.http.get("/api/users/hider/personas")).json()["items"] == []
    mine = (await env.http.get("/api/users/me/personas", headers=env.headers(owner))).json()
    assert {p["status"] for p in mine["items"]} == {"draft", "pending", "rejected", "suspended"}
    only = (
        await env.http.get(
            "/api/users/me/personas", params={"status": "draft"}, headers=env.headers(owner)
        )
    ).json()
    assert [p["name"] for p in only["items"]] == ["Draft One"]
    # The owner can download their own unpublished work; it does not count.
    r = await env.http.get(f"/api/personas/{draft['id']}/download", headers=env.headers(owner))
    assert r.status_code == 200
    assert await env.events("PersonaDownloaded") == 0
    assert (await env.http.get("/api/personas/not-a-uuid")).status_code == 404


async def test_admin_routes_need_the_admin_role(catalog):
    env = catalog
    user = await env.user("regular")
    persona = await env.create(user, submit=True)
    h = env.headers(user)
    for method, path, body in (
        ("GET", "/api/admin/moderation", None),
        ("POST", f"/api/admin/personas/{persona['id']}/approve", None),
        ("POST", f"/api/admin/personas/{persona['id']}/reject", {"reason": "nope nope"}),
        ("POST", f"/api/admin/personas/{persona['id']}/suspend", {"reason": "nope nope"}),
        ("GET", "/api/admin/reports", None),
        ("POST", "/api/admin/collections", {"slug": "mine", "title": "Mine"}),
    ):
        r = await env.http.request(method, path, headers=h, json=body)
        assert r.status_code == 403, (method, path)
        assert r.json()["code"] == "role_required"
    detail = (await env.http.get(f"/api/personas/{persona['id']}", headers=h)).json()
    assert detail["status"] == "pending"


async def test_usernames_follow_identitys_profile_updates(catalog):
    from shared.contracts.identity import ProfileUpdated

    env = catalog
    creator = await env.user("oldname")
    persona = await env.approved(creator)
    await env.publish(
        "identity.ProfileUpdated", ProfileUpdated(user_id=creator, changes={"bio": "hi"})
    )
    await env.publish(
        "identity.ProfileUpdated", ProfileUpdated(user_id=creator, changes={"username": "newname"})
    )
    await env.wait_until(
        lambda: env.fetchval("SELECT username = 'newname' FROM users WHERE id = $1", creator)
    )
    detail = (await env.http.get(f"/api/personas/{persona['id']}")).json()
    assert detail["creator"] == {"id": creator, "username": "newname"}
    by_new = (await env.http.get("/api/personas", params={"creator": "NewName"})).json()
    assert [p["id"] for p in by_new["items"]] == [persona["id"]]
    assert (await env.http.get("/api/personas", params={"creator": "oldname"})).json()[
        "items"
    ] == []
    assert (await env.http.get("/api/users/newname/personas")).json()["items"][0]["id"] == persona[
        "id"
    ]
    assert (await env.http.get("/api/users/oldname/personas")).status_code == 404


async def test_a_deleted_persona_is_hidden_alike_from_reads_and_writes(catalog):
    """One visibility rule for queries and commands: after delete, the creator and admins get
    404 on reading it as on acting on it; a holder still sees and downloads it."""
    env = catalog
    owner, holder = await env.users("deleter", "keeper")
    persona = await env.approved(owner, name="Soon Gone", price_cents=0)
    pid = persona["id"]
    r = await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(holder))
    assert r.status_code == 200, r.text
    r = await env.http.delete(f"/api/personas/{pid}", headers=env.headers(owner))
    assert r.status_code == 204

    for headers in (env.headers(owner), env.admin):
        assert (await env.http.get(f"/api/personas/{pid}", headers=headers)).status_code == 404
        r = await env.http.get(f"/api/personas/{pid}/download", headers=headers)
        assert r.status_code == 404 and r.json()["code"] == "persona_not_found"
    r = await env.http.patch(
        f"/api/personas/{pid}", headers=env.headers(owner), json={"name": "Back"}
    )
    assert r.status_code == 404 and r.json()["code"] == "persona_not_found"

    seen = await env.http.get(f"/api/personas/{pid}", headers=env.headers(holder))
    assert seen.status_code == 200 and seen.json()["deleted_at"] is not None
    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(holder))
    assert r.status_code == 200
    # Seen but not theirs: the holder is told so, as for any visible persona.
    r = await env.http.patch(
        f"/api/personas/{pid}", headers=env.headers(holder), json={"name": "Mine"}
    )
    assert r.status_code == 403 and r.json()["code"] == "not_creator"
    # Acquiring again answers with the access they have, as on the market.
    r = await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(holder))
    assert r.status_code == 200 and r.json()["source"] == "free"

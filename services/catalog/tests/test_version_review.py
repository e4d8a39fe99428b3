"""New versions of an approved persona wait for review unless the creator is trusted; the
version before stays live meanwhile. The admin reads every file of the version under review."""

from __future__ import annotations

from typing import Any


async def post_version(env: Any, creator: str, pid: str, version: str, body: bytes) -> Any:
    return await env.http.post(
        f"/api/personas/{pid}/versions",
        headers=env.headers(creator),
        **env.multipart(
            {"version": version, "changelog": f"Changes in {version}"}, [("prompt.md", body)]
        ),
    )


async def test_a_new_version_waits_for_review_and_the_old_one_stays_live(catalog: Any) -> None:
    env = catalog
    creator, buyer = await env.users("versioner", "holder")
    pid = (await env.approved(creator, name="Reviewed Voice"))["id"]
    await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(buyer))

    r = await post_version(env, creator, pid, "1.1.0", b"# Prompt v1.1 with a surprise\n")
    assert r.status_code == 201, r.text
    assert (r.json()["version"], r.json()["status"]) == ("1.1.0", "in_review")
    # Not live: the market, the versions list and downloads still give 1.0.0.
    assert (await env.http.get(f"/api/personas/{pid}")).json()["latest_version"] == "1.0.0"
    mine = (await env.http.get(f"/api/personas/{pid}", headers=env.headers(creator))).json()
    assert mine["version_in_review"] == "1.1.0"  # the creator sees it waiting
    assert (await env.http.get(f"/api/personas/{pid}")).json()["version_in_review"] is None
    versions = (await env.http.get(f"/api/personas/{pid}/versions")).json()["items"]
    assert [v["version"] for v in versions] == ["1.0.0"]
    zipped = env.unzip(
        (await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))).content
    )
    assert zipped["prompt.md"] == b"# Prompt\nYou are a sarcastic chef.\n"
    assert await env.events("PersonaVersionPublished") == 1  # nobody is told of 1.1.0 yet

    # One at a time.
    r = await post_version(env, creator, pid, "1.2.0", b"again\n")
    assert r.status_code == 409 and r.json()["code"] == "version_in_review"

    # The admin's queue shows it, with the files readable.
    queue = await env.http.get("/api/admin/moderation/versions", headers=env.admin)
    assert queue.status_code == 200, queue.text
    [item] = queue.json()["items"]
    assert (item["persona_id"], item["version"], item["live_version"]) == (pid, "1.1.0", "1.0.0")
    assert (item["creator_username"], item["creator_trusted"]) == ("versioner", False)
    files = await env.http.get(f"/api/admin/personas/{pid}/files", headers=env.admin)
    assert files.status_code == 200, files.text
    assert files.json()["version"] == "1.1.0"
    assert files.json()["files"][0]["content"] == "# Prompt v1.1 with a surprise\n"
    # Every file of the live version too, not only the samples the preview shows.
    live = await env.http.get(f"/api/admin/personas/{pid}/files?version=1.0.0", headers=env.admin)
    shown = {f["path"]: f["content"] for f in live.json()["files"]}
    assert shown["prompt.md"] == "# Prompt\nYou are a sarcastic chef.\n"
    assert shown["cover.png"] is None
    # Admins only.
    for path in ("/api/admin/moderation/versions", f"/api/admin/personas/{pid}/files"):
        assert (await env.http.get(path, headers=env.headers(creator))).status_code == 403
    r = await env.http.post(
        f"/api/admin/personas/{pid}/versions/1.1.0/approve", headers=env.headers(creator)
    )
    assert r.status_code == 403

    # Rejected: gone from the queue, 1.0.0 stays; the creator may try again.
    r = await env.http.post(
        f"/api/admin/personas/{pid}/versions/1.1.0/reject",
        headers=env.admin,
        json={"reason": "The prompt asks for personal data."},
    )
    assert r.status_code == 200, r.text
    assert (await env.http.get("/api/admin/moderation/versions", headers=env.admin)).json()[
        "items"
    ] == []
    r = await env.http.post(f"/api/admin/personas/{pid}/versions/1.1.0/approve", headers=env.admin)
    assert r.status_code == 409 and r.json()["code"] == "version_not_in_review"

    r = await post_version(env, creator, pid, "1.1.1", b"# Prompt v1.1.1\n")
    assert r.json()["status"] == "in_review"
    r = await env.http.post(f"/api/admin/personas/{pid}/versions/1.1.1/approve", headers=env.admin)
    assert r.status_code == 200, r.text
    assert (await env.http.get(f"/api/personas/{pid}")).json()["latest_version"] == "1.1.1"
    zipped = env.unzip(
        (await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))).content
    )
    assert zipped["prompt.md"] == b"# Prompt v1.1.1\n"
    assert await env.events("PersonaVersionPublished") == 2


async def test_a_trusted_creators_versions_go_live_at_once(catalog: Any) -> None:
    env = catalog
    creator = await env.user("trusted_one")
    pid = (await env.approved(creator, name="Trusted Voice"))["id"]

    r = await env.http.put(
        f"/api/admin/creators/{creator}/trust", headers=env.headers(creator), json={"trusted": True}
    )
    assert r.status_code == 403  # nobody trusts themselves
    r = await env.http.put(
        f"/api/admin/creators/{creator}/trust", headers=env.admin, json={"trusted": True}
    )
    assert r.status_code == 200 and r.json() == {"creator_id": creator, "trusted": True}
    r = await env.http.put(
        f"/api/admin/creators/{creator}/trust", headers=env.admin, json={"trusted": True}
    )
    assert r.status_code == 200
    assert await env.events("CreatorTrustChanged") == 1  # the same answer twice: one event

    r = await post_version(env, creator, pid, "2.0.0", b"# Prompt v2\n")
    assert (r.status_code, r.json()["status"]) == (201, "live"), r.text
    assert (await env.http.get(f"/api/personas/{pid}")).json()["latest_version"] == "2.0.0"

    # Trust taken back: the next version is reviewed again.
    r = await env.http.put(
        f"/api/admin/creators/{creator}/trust", headers=env.admin, json={"trusted": False}
    )
    assert r.json()["trusted"] is False
    r = await post_version(env, creator, pid, "2.1.0", b"# Prompt v2.1\n")
    assert r.json()["status"] == "in_review"

    # A persona not yet approved is reviewed whole when submitted: its versions add directly.
    draft = await env.create(creator)
    r = await post_version(env, creator, draft["id"], "1.0.1", b"draft edit\n")
    assert r.json()["status"] == "live"

"""The whole life of a persona on the real service: create → submit → approve → search →
acquire → download → review, with its events on the real broker."""

from __future__ import annotations

import asyncio
import json

import aio_pika


async def spy_on_catalog_events(amqp_url: str, namespace: str):
    """A private queue bound to every catalog event, to see what went on the wire."""
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    exchange = await channel.get_exchange(f"{namespace}domain-events")
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(exchange, routing_key="catalog.#")
    return connection, queue


async def drain(queue, until_type: str, timeout: float = 15.0) -> list[dict]:
    seen: list[dict] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        message = await queue.get(fail=False)
        if message is None:
            await asyncio.sleep(0.05)
            continue
        await message.ack()
        body = json.loads(message.body)
        seen.append({"routing_key": message.routing_key, **body})
        if body["type"] == until_type:
            return seen
    raise TimeoutError(f"{until_type} not published; saw {[s['type'] for s in seen]}")


async def test_full_lifecycle_create_submit_approve_search_acquire_download_review(
    catalog, amqp_url, bus_namespace
):
    env = catalog
    connection, spy = await spy_on_catalog_events(amqp_url, bus_namespace)
    creator, buyer = await env.users("chefmaster", "hungrybuyer")

    # Create as a draft with files; only the creator sees it.
    r = await env.http.post(
        "/api/personas",
        headers=env.headers(creator),
        **env.multipart(env.fields(name="Sarcastic Chef"), env.default_files()),
    )
    assert r.status_code == 201, r.text
    persona = r.json()
    pid = persona["id"]
    assert persona["status"] == "draft"
    assert persona["creator"] == {"id": creator, "username": "chefmaster"}
    assert persona["latest_version"] == "1.0.0"
    assert [f["path"] for f in persona["versions"][0]["files"]] == [
        "prompt.md",
        "samples/roast.txt",
        "cover.png",
    ]
    assert persona["entitled"] is True  # the creator always is
    assert (
        await env.http.get(f"/api/personas/{pid}", headers=env.headers(buyer))
    ).status_code == 404
    assert (await env.http.get(f"/api/personas/{pid}")).status_code == 404

    # Submit; it waits in the moderation queue.
    r = await env.http.post(f"/api/personas/{pid}/submit", headers=env.headers(creator))
    assert r.status_code == 200 and r.json()["status"] == "pending"
    queue = (await env.http.get("/api/admin/moderation", headers=env.admin)).json()
    assert [p["id"] for p in queue["items"]] == [pid]
    assert (
        await env.http.get("/api/admin/moderation", headers=env.headers(buyer))
    ).status_code == 403
    market = (await env.http.get("/api/personas", params={"q": "Sarcastic Chef"})).json()
    assert market["items"] == []

    # Approve: the market shows it; search finds it first.
    r = await env.http.post(f"/api/admin/personas/{pid}/approve", headers=env.admin)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    await env.approved(creator, name="Chef Assistant", description="Plans weekly menus.")
    market = (await env.http.get("/api/personas", params={"q": "sarcastic chef"})).json()
    assert market["items"][0]["id"] == pid
    assert market["items"][0]["entitled"] is False

    # The public preview shows sample files only, without downloading.
    preview = (await env.http.get(f"/api/personas/{pid}/preview")).json()
    assert [f["path"] for f in preview["files"]] == ["samples/roast.txt"]
    assert preview["files"][0]["content"].startswith("Is that a soufflé")

    # Acquire (free) and see it in the library.
    assert (
        await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    ).status_code == 403
    r = await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(buyer))
    assert r.status_code == 200 and r.json()["entitled"] is True
    r = await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(buyer))
    assert r.status_code == 200  # idempotent
    assert await env.events("PersonaAcquired") == 1
    library = (await env.http.get("/api/users/me/purchases", headers=env.headers(buyer))).json()
    assert [(i["persona"]["id"], i["source"]) for i in library["items"]] == [(pid, "free")]

    # Download: a streamed zip with the same bytes plus a manifest; counted once per day.
    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert 'filename="sarcastic-chef-1.0.0.zip"' in r.headers["content-disposition"]
    files = env.unzip(r.content)
    assert dict(env.default_files()) == {k: v for k, v in files.items() if k != "persona.json"}
    assert json.loads(files["persona.json"])["version"] == "1.0.0"
    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    assert r.status_code == 200
    await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(creator))
    detail = (await env.http.get(f"/api/personas/{pid}", headers=env.headers(buyer))).json()
    assert detail["downloads"] == 1
    assert detail["entitled"] is True
    assert await env.events("PersonaDownloaded") == 1

    # Review: verified purchase, rating summary with distribution.
    r = await env.review(pid, buyer, 4, "Brutal but useful.")
    assert r.status_code == 201, r.text
    review = r.json()
    assert review["verified_purchase"] is True
    assert review["author"] == {"id": buyer, "username": "hungrybuyer"}
    detail = (await env.http.get(f"/api/personas/{pid}")).json()
    assert detail["rating_avg"] == 4.0 and detail["rating_count"] == 1
    assert detail["rating_distribution"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    reviews = (await env.http.get(f"/api/personas/{pid}/reviews")).json()
    assert [x["id"] for x in reviews["items"]] == [review["id"]]

    # Every step went out on the bus, in order, with the sale terms billing needs.
    seen = await drain(spy, "ReviewPosted")
    mine = [s for s in seen if s["stream_id"] == pid or s["data"].get("persona_id") == pid]
    types = [s["type"] for s in mine]
    for expected in (
        "PersonaCreated",
        "PersonaVersionPublished",
        "PersonaSubmitted",
        "PersonaApproved",
        "PersonaAcquired",
        "PersonaDownloaded",
        "ReviewPosted",
    ):
        assert expected in types
    assert types.index("PersonaSubmitted") < types.index("PersonaApproved")
    approved = next(s for s in mine if s["type"] == "PersonaApproved")
    assert approved["routing_key"] == "catalog.PersonaApproved"
    assert approved["data"] == {
        "persona_id": pid,
        "creator_id": creator,
        "name": "Sarcastic Chef",
        "price_cents": 0,
        "currency": "usd",
    }
    await connection.close()


async def test_edit_version_delete_and_the_creators_own_list(catalog):
    env = catalog
    creator, buyer = await env.users("maker", "holder")
    persona = await env.approved(creator, name="Gym Buddy", category="health-fitness")
    pid = persona["id"]

    r = await env.http.patch(
        f"/api/personas/{pid}",
        headers=env.headers(creator),
        json={"price_cents": 0, "tags": ["workout", "Strength"], "description": "Spots you."},
    )
    assert r.status_code == 200, r.text
    assert r.json()["tags"] == ["workout", "strength"]
    assert r.json()["status"] == "approved"
    r = await env.http.patch(
        f"/api/personas/{pid}", headers=env.headers(creator), json={"category": "nope"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "category"

    await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(buyer))

    # A new immutable version with a changelog; versions must increase.
    r = await env.http.post(
        f"/api/personas/{pid}/versions",
        headers=env.headers(creator),
        **env.multipart(
            {"version": "1.1.0", "changelog": "More sets."}, [("plan.md", b"# Plan v2\n")]
        ),
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == "1.1.0"
    assert r.json()["status"] == "in_review"  # an approved persona's new version is reviewed
    r = await env.http.post(f"/api/admin/personas/{pid}/versions/1.1.0/approve", headers=env.admin)
    assert r.status_code == 200, r.text
    r = await env.http.post(
        f"/api/personas/{pid}/versions",
        headers=env.headers(creator),
        **env.multipart({"version": "1.0.5", "changelog": "Older"}, [("plan.md", b"x\n")]),
    )
    assert r.status_code == 409 and r.json()["code"] == "version_not_greater"
    r = await env.http.post(
        f"/api/personas/{pid}/versions",
        headers=env.headers(creator),
        **env.multipart({"version": "two", "changelog": "?"}, [("plan.md", b"x\n")]),
    )
    assert r.status_code == 422
    versions = (await env.http.get(f"/api/personas/{pid}/versions")).json()["items"]
    assert [(v["version"], v["changelog"]) for v in versions] == [
        ("1.1.0", "More sets."),
        ("1.0.0", "Initial version"),
    ]
    old = await env.http.get(
        f"/api/personas/{pid}/download?version=1.0.0", headers=env.headers(buyer)
    )
    assert "prompt.md" in env.unzip(old.content)
    new = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    assert env.unzip(new.content)["plan.md"] == b"# Plan v2\n"

    mine = (await env.http.get("/api/users/me/personas", headers=env.headers(creator))).json()
    assert [(p["id"], p["status"], p["downloads"], p["acquisitions"]) for p in mine["items"]] == [
        (pid, "approved", 2, 1)
    ]
    public = (await env.http.get("/api/users/maker/personas")).json()
    assert [p["id"] for p in public["items"]] == [pid]

    # Delete: gone from the market and the creator's list; the buyer keeps it.
    assert (
        await env.http.delete(f"/api/personas/{pid}", headers=env.headers(creator))
    ).status_code == 204
    assert (await env.http.get(f"/api/personas/{pid}")).status_code == 404
    assert (await env.http.get("/api/personas")).json()["items"] == []
    assert (await env.http.get("/api/users/me/personas", headers=env.headers(creator))).json()[
        "items"
    ] == []
    library = (await env.http.get("/api/users/me/purchases", headers=env.headers(buyer))).json()
    assert [i["persona"]["id"] for i in library["items"]] == [pid]
    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    assert r.status_code == 200
    assert (
        await env.http.get(f"/api/personas/{pid}", headers=env.headers(buyer))
    ).status_code == 200
    other = await env.user("latecomer")
    assert (
        await env.http.post(f"/api/personas/{pid}/acquire", headers=env.headers(other))
    ).status_code == 404


async def test_reject_with_reason_then_resubmit_and_suspend(catalog):
    env = catalog
    creator = await env.user("resubmitter")
    persona = await env.create(creator, submit=True)
    pid = persona["id"]
    r = await env.http.post(
        f"/api/admin/personas/{pid}/reject",
        headers=env.admin,
        json={"reason": "Add a real description."},
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    mine = (await env.http.get(f"/api/personas/{pid}", headers=env.headers(creator))).json()
    assert mine["status"] == "rejected" and mine["rejection_reason"] == "Add a real description."
    r = await env.http.post(f"/api/admin/personas/{pid}/approve", headers=env.admin)
    assert r.status_code == 409
    r = await env.http.patch(
        f"/api/personas/{pid}",
        headers=env.headers(creator),
        json={"description": "Now real.", "status": "pending"},
    )
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert r.json()["rejection_reason"] is None
    await env.http.post(f"/api/admin/personas/{pid}/approve", headers=env.admin)
    r = await env.http.post(
        f"/api/admin/personas/{pid}/suspend", headers=env.admin, json={"reason": "Copyright claim."}
    )
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert (await env.http.get(f"/api/personas/{pid}")).status_code == 404
    assert (await env.http.get("/api/categories")).json()["items"][9] == {
        "slug": "food",
        "name": "Food & cooking",
        "count": 0,
    }


async def test_submitting_needs_a_verified_email(catalog):
    env = catalog
    creator = await env.user("unverified")
    unverified = env.headers(creator, email_verified=False)
    r = await env.http.post(
        "/api/personas",
        headers=unverified,
        **env.multipart({**env.fields(), "submit": "true"}, env.default_files()),
    )
    assert r.status_code == 403 and r.json()["code"] == "email_not_verified"
    assert await env.fetchval("SELECT count(*) FROM personas") == 0
    assert env.blobs.count() == 0
    r = await env.http.post(
        "/api/personas", headers=unverified, **env.multipart(env.fields(), env.default_files())
    )
    assert r.status_code == 201  # a draft is fine
    pid = r.json()["id"]
    r = await env.http.post(f"/api/personas/{pid}/submit", headers=unverified)
    assert r.status_code == 403 and r.json()["code"] == "email_not_verified"
    r = await env.http.post(f"/api/personas/{pid}/submit", headers=env.headers(creator))
    assert r.status_code == 200


async def test_the_detail_embeds_only_the_newest_versions(catalog):
    """A persona's page must not grow with every version ever published: the detail carries
    the newest few, the paginated /versions route has them all."""
    from catalog.queries import DETAIL_VERSIONS

    env = catalog
    creator = await env.user("prolific")
    pid = (await env.create(creator))["id"]
    for minor in range(1, DETAIL_VERSIONS + 1):
        r = await env.http.post(
            f"/api/personas/{pid}/versions",
            headers=env.headers(creator),
            **env.multipart(
                {"version": f"1.{minor}.0", "changelog": f"v{minor}"}, [("plan.md", b"x\n")]
            ),
        )
        assert r.status_code == 201, r.text
    detail = (await env.http.get(f"/api/personas/{pid}", headers=env.headers(creator))).json()
    assert len(detail["versions"]) == DETAIL_VERSIONS
    assert detail["versions"][0]["version"] == f"1.{DETAIL_VERSIONS}.0"
    assert detail["latest_version"] == f"1.{DETAIL_VERSIONS}.0"
    # Every version, in keyset pages, newest first.
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        r = await env.http.get(
            f"/api/personas/{pid}/versions", params=params, headers=env.headers(creator)
        )
        assert r.status_code == 200, r.text
        seen += [v["version"] for v in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"1.{m}.0" for m in range(DETAIL_VERSIONS, 0, -1)] + ["1.0.0"]
    # The detail reads its versions in the persona's own query (as JSON): the same answer,
    # field for field, as the versions route.
    r = await env.http.get(
        f"/api/personas/{pid}/versions",
        params={"limit": DETAIL_VERSIONS},
        headers=env.headers(creator),
    )
    assert detail["versions"] == r.json()["items"]
    r = await env.http.get(
        f"/api/personas/{pid}/versions", params={"cursor": "bogus"}, headers=env.headers(creator)
    )
    assert r.status_code in (400, 422) and r.json()["code"] == "invalid_cursor"
    assert r.status_code == 400

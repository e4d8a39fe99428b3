"""Reviews, helpful votes, creator responses, reports and their moderation, collections."""

from __future__ import annotations

import asyncio


async def test_concurrent_reviews_keep_the_average_exact(catalog):
    env = catalog
    creator = await env.user("popular")
    persona = await env.approved(creator)
    pid = persona["id"]
    ratings = [(i % 5) + 1 for i in range(23)]  # sum 67 over 23 reviews: 2.913...
    users = [f"00000000-0000-4000-8000-{i:012d}" for i in range(len(ratings))]

    async def post(user: str, rating: int) -> int:
        r = await env.http.post(
            f"/api/personas/{pid}/reviews",
            headers=env.headers(user),
            json={"rating": rating, "body": f"{rating} stars"},
        )
        return r.status_code

    statuses = await asyncio.gather(*(post(u, r) for u, r in zip(users, ratings, strict=True)))
    assert statuses == [201] * len(ratings)
    # A new user posting twice at once ends with one review: the first post wins the review's
    # stream, the other clashes, retries and becomes an edit.
    newcomer = "00000000-0000-4000-8000-999999999999"
    twice = await asyncio.gather(post(newcomer, 5), post(newcomer, 5))
    assert sorted(twice) == [200, 201]
    ratings.append(5)
    detail = (await env.http.get(f"/api/personas/{pid}")).json()
    assert detail["rating_count"] == len(ratings)
    assert detail["rating_avg"] == round(sum(ratings) / len(ratings), 2)
    assert detail["rating_distribution"] == {str(s): ratings.count(s) for s in range(1, 6)}
    assert await env.fetchval(
        "SELECT rating_sum FROM personas WHERE id = $1", persona["id"]
    ) == sum(ratings)

    # Walk the reviews in pages of 5: each once.
    seen: list[str] = []
    cursor = None
    while True:
        page = (
            await env.http.get(
                f"/api/personas/{pid}/reviews", params={"limit": 5, "cursor": cursor}
            )
        ).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == len(ratings)


async def test_one_review_per_user_editable_and_deletable_by_its_author(catalog):
    env = catalog
    creator, author, other = await env.users("reviewed", "critic", "bystander")
    pid = (await env.approved(creator))["id"]
    r = await env.review(pid, author, 2, "Meh.")
    assert r.status_code == 201
    review = r.json()
    rid = review["id"]
    assert review["verified_purchase"] is False

    r = await env.review(pid, author, 3, "Better.")
    assert r.status_code == 200 and r.json()["id"] == rid  # the same review, replaced
    r = await env.http.patch(
        f"/api/reviews/{rid}", headers=env.headers(author), json={"rating": 4, "body": "Good now."}
    )
    assert r.status_code == 200 and r.json()["rating"] == 4
    detail = (await env.http.get(f"/api/personas/{pid}")).json()
    assert (detail["rating_count"], detail["rating_avg"]) == (1, 4.0)

    r = await env.http.patch(f"/api/reviews/{rid}", headers=env.headers(other), json={"rating": 1})
    assert r.status_code == 403
    assert (
        await env.http.delete(f"/api/reviews/{rid}", headers=env.headers(other))
    ).status_code == 403
    r = await env.review(pid, creator, 5)
    assert r.status_code == 403 and r.json()["code"] == "own_persona"
    r = await env.review(pid, other, 6)
    assert r.status_code == 422

    assert (
        await env.http.delete(f"/api/reviews/{rid}", headers=env.headers(author))
    ).status_code == 204
    detail = (await env.http.get(f"/api/personas/{pid}")).json()
    assert (detail["rating_count"], detail["rating_avg"]) == (0, None)
    assert (
        await env.http.patch(f"/api/reviews/{rid}", headers=env.headers(author), json={"rating": 1})
    ).status_code == 404
    # After deleting, the author may review again.
    r = await env.review(pid, author, 1)
    assert r.status_code == 201 and r.json()["helpful_count"] == 0


async def test_helpful_votes_once_per_user_and_one_creator_response(catalog):
    env = catalog
    creator, author = await env.users("responder", "writer")
    voters = await env.users(*(f"voter{i}" for i in range(3)))
    pid = (await env.approved(creator))["id"]
    rid = (await env.review(pid, author, 5, "Great")).json()["id"]

    for v in voters:
        r = await env.http.post(f"/api/reviews/{rid}/helpful", headers=env.headers(v))
        assert r.status_code == 200
    r = await env.http.post(f"/api/reviews/{rid}/helpful", headers=env.headers(voters[0]))
    assert r.json() == {"review_id": rid, "helpful_count": 3, "voted_helpful": True}
    r = await env.http.post(f"/api/reviews/{rid}/helpful", headers=env.headers(author))
    assert r.status_code == 403
    # Nor the persona's creator: they would be grading reviews of their own work.
    r = await env.http.post(f"/api/reviews/{rid}/helpful", headers=env.headers(creator))
    assert r.status_code == 403 and r.json()["code"] == "own_persona"
    listed = (
        await env.http.get(f"/api/personas/{pid}/reviews", headers=env.headers(voters[1]))
    ).json()
    assert listed["items"][0]["voted_helpful"] is True and listed["items"][0]["helpful_count"] == 3

    r = await env.http.post(
        f"/api/reviews/{rid}/response", headers=env.headers(author), json={"body": "me too"}
    )
    assert r.status_code == 403
    r = await env.http.post(
        f"/api/reviews/{rid}/response", headers=env.headers(creator), json={"body": "Thank you!"}
    )
    assert r.status_code == 200 and r.json()["response"]["body"] == "Thank you!"
    r = await env.http.post(
        f"/api/reviews/{rid}/response", headers=env.headers(creator), json={"body": "Again"}
    )
    assert r.status_code == 409 and r.json()["code"] == "already_responded"
    helpful = (
        await env.http.get(f"/api/personas/{pid}/reviews", params={"sort": "helpful"})
    ).json()
    assert helpful["items"][0]["id"] == rid


async def test_reports_queue_dismiss_and_take_down(catalog):
    env = catalog
    creator = await env.user("reported")
    reporters = await env.users(*(f"reporter{i}" for i in range(3)))
    author = await env.user("troll")
    persona = await env.approved(creator)
    pid = persona["id"]
    rid = (await env.review(pid, author, 1, "spam spam")).json()["id"]

    r = await env.report(f"reviews/{rid}", reporters[0], "spam")
    assert r.status_code == 201
    review_report = r.json()["id"]
    r = await env.report(f"reviews/{rid}", reporters[0], "spam again")
    assert r.status_code == 200 and r.json()["id"] == review_report  # one open report per reporter
    r = await env.report(f"personas/{pid}", reporters[1], "copyright", "My text.")
    first = r.json()["id"]
    second = (await env.report(f"personas/{pid}", reporters[2], "copyright")).json()["id"]

    queue = (await env.http.get("/api/admin/reports", headers=env.admin)).json()
    assert [r["id"] for r in queue["items"]] == [review_report, first, second]
    assert queue["items"][1]["persona_id"] == pid and queue["items"][1]["details"] == "My text."
    assert queue["items"][0]["reporter"]["username"] == "reporter0"

    r = await env.resolve(first, "dismiss")
    assert r.status_code == 200
    assert (await env.http.get(f"/api/personas/{pid}")).status_code == 200
    r = await env.resolve(first, "dismiss")
    assert r.status_code == 409
    r = await env.resolve(first, "explode")
    assert r.status_code == 422

    # Taking the review down removes it (and its rating); taking the persona down suspends it.
    await env.resolve(review_report, "take_down")
    detail = (await env.http.get(f"/api/personas/{pid}")).json()
    assert detail["rating_count"] == 0
    assert (await env.http.get(f"/api/personas/{pid}/reviews")).json()["items"] == []
    third = (await env.report(f"personas/{pid}", reporters[0], "copyright")).json()["id"]
    r = await env.resolve(second, "take_down", "Confirmed.")
    assert r.status_code == 200
    assert (await env.http.get(f"/api/personas/{pid}")).status_code == 404
    mine = (await env.http.get(f"/api/personas/{pid}", headers=env.headers(creator))).json()
    assert mine["status"] == "suspended" and mine["suspension_reason"] == "Confirmed."
    assert (await env.http.get("/api/admin/reports", headers=env.admin)).json()["items"] == []
    resolved = (
        await env.http.get("/api/admin/reports", params={"status": "resolved"}, headers=env.admin)
    ).json()
    assert {r["id"]: r["action"] for r in resolved["items"]} == {
        review_report: "take_down",
        first: "dismiss",
        second: "take_down",
        third: "take_down",
    }


async def test_admin_curated_collections(catalog):
    env = catalog
    creator = await env.user("curated")
    a = await env.approved(creator, name="First Pick")
    b = await env.approved(creator, name="Second Pick")
    hidden = await env.create(creator, name="Not Yet")
    body = {
        "slug": "staff-picks",
        "title": "Staff picks",
        "description": "Our favourites.",
        "persona_ids": [b["id"], a["id"], hidden["id"]],
    }
    r = await env.http.post("/api/admin/collections", headers=env.admin, json=body)
    assert r.status_code == 201, r.text
    assert [p["name"] for p in r.json()["personas"]] == ["Second Pick", "First Pick"]
    assert (
        await env.http.post("/api/admin/collections", headers=env.admin, json=body)
    ).status_code == 409
    bad = {**body, "slug": "other", "persona_ids": ["00000000-0000-4000-8000-000000000000"]}
    assert (
        await env.http.post("/api/admin/collections", headers=env.admin, json=bad)
    ).status_code == 422
    r = await env.http.patch(
        "/api/admin/collections/staff-picks", headers=env.admin, json={"persona_ids": [a["id"]]}
    )
    assert r.status_code == 200 and [p["id"] for p in r.json()["personas"]] == [a["id"]]
    listed = (await env.http.get("/api/collections")).json()
    assert [(c["slug"], c["title"], c["persona_count"]) for c in listed["items"]] == [
        ("staff-picks", "Staff picks", 1)
    ]
    assert (await env.http.get("/api/collections/staff-picks")).json()[
        "description"
    ] == "Our favourites."
    assert (await env.http.get("/api/collections/nope")).status_code == 404

"""Saving a review never blanks what the author did not touch (PATCH semantics)."""

from __future__ import annotations


async def test_a_save_changes_only_the_fields_sent(catalog):
    env = catalog
    creator, author = await env.users("maker", "writer")
    pid = (await env.approved(creator))["id"]
    r = await env.review(pid, author, 2, "Long, careful text.")
    assert r.status_code == 201
    rid = r.json()["id"]

    r = await env.http.patch(f"/api/reviews/{rid}", headers=env.headers(author), json={"rating": 5})
    assert r.status_code == 200
    assert (r.json()["rating"], r.json()["body"]) == (5, "Long, careful text.")
    r = await env.http.patch(
        f"/api/reviews/{rid}", headers=env.headers(author), json={"body": "Shorter."}
    )
    assert (r.json()["rating"], r.json()["body"]) == (5, "Shorter.")
    # posting again with a rating only (the review form's upsert) keeps the text too
    r = await env.review(pid, author, 3)
    assert r.status_code == 200 and (r.json()["rating"], r.json()["body"]) == (3, "Shorter.")
    # clearing is explicit
    r = await env.http.patch(f"/api/reviews/{rid}", headers=env.headers(author), json={"body": ""})
    assert (r.json()["rating"], r.json()["body"]) == (3, "")
    r = await env.http.patch(f"/api/reviews/{rid}", headers=env.headers(author), json={"rating": 0})
    assert r.status_code == 422

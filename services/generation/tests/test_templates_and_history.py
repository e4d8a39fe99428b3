"""Templates through the API, and the history: search, pages, rerun with a diff, favourites,
delete, streamed exports."""

from __future__ import annotations

import csv
import io
import json

from conftest import GenEnv

MINE = {
    "name": "Launch post",
    "description": "Announce something",
    "body": "Announce {{ product }}{% if urgent %} TODAY{% endif %} in {{ words }} words.",
    "params_schema": {
        "type": "object",
        "properties": {
            "product": {"type": "string", "maxLength": 40},
            "urgent": {"type": "boolean", "default": False},
            "words": {"type": "integer", "minimum": 5, "maximum": 50, "default": 20},
        },
        "required": ["product"],
    },
}


async def test_own_templates_are_versioned_private_and_checked(gen: GenEnv) -> None:
    ann, bob = await gen.user("ann"), await gen.user("bob")
    h = gen.headers(ann)
    r = await gen.http.post("/api/templates", json=MINE, headers=h)
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    assert r.json()["version"] == 1

    bad = {**MINE, "body": "Hello\n{{ product | }}"}
    r = await gen.http.post("/api/templates", json=bad, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["message"].startswith("Line 2:")
    r = await gen.http.post(
        "/api/templates",
        json={**MINE, "params_schema": {"properties": {"x": {"type": "string"}}}},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "params_schema.x"

    # pages: the 8 built-ins first, then mine
    seen, cursor = [], None
    while True:
        page = (
            await gen.http.get(
                "/api/templates",
                params={"limit": 3, **({"cursor": cursor} if cursor else {})},
                headers=h,
            )
        ).json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 9 and seen[-1] == tid and seen[0].startswith("builtin:")
    bobs = (
        await gen.http.get("/api/templates", params={"limit": 100}, headers=gen.headers(bob))
    ).json()
    assert tid not in [t["id"] for t in bobs["items"]]
    assert (
        await gen.http.get(f"/api/templates/{tid}", headers=gen.headers(bob))
    ).status_code == 404

    r = await gen.http.put(
        f"/api/templates/{tid}", json={**MINE, "body": "New {{ product }}"}, headers=h
    )
    assert r.json()["version"] == 2
    assert (
        await gen.http.put("/api/templates/builtin:bio", json=MINE, headers=h)
    ).status_code == 404


async def test_history_search_rerun_favourite_delete_export(gen: GenEnv) -> None:
    ann = await gen.user("ann")
    h = gen.headers(ann)
    persona = await gen.persona(ann)
    tid = (await gen.http.post("/api/templates", json=MINE, headers=h)).json()["id"]

    # an undefined name shows up when rendering: a 422 pointing at the line, nothing stored
    r = await gen.http.post(
        "/api/templates", json={**MINE, "name": "Broken", "body": "ok\n{{ nope }}"}, headers=h
    )
    broken = r.json()["id"]
    r = await gen.http.post("/api/generations", headers=h, json={
        "persona_id": persona["id"], "template_id": broken, "params": {"product": "x"}, "model": "ok"})  # fmt: skip
    assert (
        r.status_code == 422 and r.json()["errors"][0]["message"] == "Line 2: 'nope' is undefined"
    )

    first = await gen.generate(ann, persona["id"], tid, {"product": "Tea"}, model="ok", seed=5)
    first_id = first[0][1]["id"]
    # the template changes afterwards; the rerun keeps the version used
    await gen.http.put(
        f"/api/templates/{tid}", json={**MINE, "body": "v2 {{ product }}"}, headers=h
    )
    r = await gen.http.post(
        f"/api/generations/{first_id}/rerun", json={"params": {"urgent": True}}, headers=h
    )
    assert r.status_code == 200
    rerun_id = r.text.split('"id": "', 1)[1].split('"', 1)[0]
    detail = (await gen.http.get(f"/api/generations/{rerun_id}", headers=h)).json()
    assert detail["rerun_of"] == first_id and detail["template_version"] == 1
    assert detail["params"] == {"product": "Tea", "urgent": True, "words": 20}
    assert detail["params_diff"] == {"urgent": {"from": False, "to": True}}
    assert "TODAY" in detail["prompt"] and detail["seed"] == 5
    r = await gen.http.post(
        f"/api/generations/{first_id}/rerun", json={"params": {"words": 500}}, headers=h
    )
    assert r.status_code == 422

    await gen.generate(
        ann, persona["id"], "builtin:bio", {"who": "a baker", "topics": "bread"}, model="ok"
    )
    assert (
        await gen.http.put(
            f"/api/generations/{first_id}/favourite", json={"favourite": True}, headers=h
        )
    ).status_code == 200

    async def ids(**params: object) -> list[str]:
        return [
            g["id"]
            for g in (await gen.http.get("/api/generations", params=params, headers=h)).json()[
                "items"
            ]
        ]

    everything = await ids()
    assert len(everything) == 3 and everything[-1] == first_id
    assert await ids(favourite="true") == [first_id]
    assert await ids(template_id=tid) == [rerun_id, first_id]
    assert await ids(q="fake model") == everything
    assert await ids(q="Launch") == [rerun_id, first_id]  # template name
    assert len(await ids(persona_id=persona["id"], since="2000-01-01")) == 3
    assert await ids(until="2000-01-01") == []
    page = (await gen.http.get("/api/generations", params={"limit": 2}, headers=h)).json()
    nxt = (
        await gen.http.get(
            "/api/generations", params={"limit": 2, "cursor": page["next_cursor"]}, headers=h
        )
    ).json()
    assert [g["id"] for g in page["items"] + nxt["items"]] == everything and nxt[
        "next_cursor"
    ] is None
    assert (
        await gen.http.get("/api/generations", params={"cursor": "garbage"}, headers=h)
    ).status_code == 400
    other = await gen.user("bob")
    assert (
        await gen.http.get(f"/api/generations/{first_id}", headers=gen.headers(other))
    ).status_code == 404
    assert (await gen.http.get("/api/generations/not-a-uuid", headers=h)).status_code == 404

    r = await gen.http.get(
        "/api/generations/export", params={"format": "json", "favourite": "true"}, headers=h
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    [row] = json.loads(r.text)
    assert (
        row["id"] == first_id
        and row["output"] == "Hello from the fake model."
        and "prompt" not in row
    )
    r = await gen.http.get("/api/generations/export", params={"format": "csv"}, headers=h)
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 3 and json.loads(rows[-1]["params"])["product"] == "Tea"
    r = await gen.http.get("/api/generations/export", params={"format": "md"}, headers=h)
    assert r.text.startswith("# Generations") and r.text.count("\n## ") == 3
    assert (
        await gen.http.get("/api/generations/export", params={"format": "pdf"}, headers=h)
    ).status_code == 422

    assert (
        await gen.http.delete(f"/api/generations/{first_id}", headers=gen.headers(other))
    ).status_code == 404
    assert (await gen.http.delete(f"/api/generations/{first_id}", headers=h)).status_code == 204
    assert (await gen.http.get(f"/api/generations/{first_id}", headers=h)).status_code == 404
    assert first_id not in await ids()
    assert await gen.fetchval("SELECT output FROM generations WHERE id = $1::uuid", first_id) == ""


async def test_odd_dates_in_history_filters_are_answered_not_broken_off(gen: GenEnv) -> None:
    # An export streams: a failure after its first bytes could only cut the answer short. Filters
    # are checked before anything is sent, so an odd date is either a 200 or a 400 problem.
    h = gen.headers(await gen.user("ada"))
    for since, until in [
        ("0197-01-01", None),
        ("0001-01-01", "9999-12-31"),
        (None, "9999-12-31"),
        ("9999-12-31", "0001-01-01"),
    ]:
        params = {k: v for k, v in (("since", since), ("until", until)) if v}
        for path in ("/api/generations", "/api/generations/export"):
            r = await gen.http.get(path, params=params, headers=h)
            assert r.status_code in (200, 400), (path, params, r.status_code, r.text)
            if r.status_code == 400:
                assert r.headers["content-type"] == "application/problem+json"
            elif path.endswith("export"):
                assert json.loads(r.text) == []

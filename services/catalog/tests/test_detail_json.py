"""Persona detail is written without FastAPI's response validation (`shared.responses`): its body
must be exactly what the route's model would render, for every kind of viewer."""

from __future__ import annotations

from typing import Any

from catalog.schemas import PersonaOut

from .test_media import png, put_cover


def rendered_by_model(body: dict[str, Any]) -> dict[str, Any]:
    return PersonaOut.model_validate(body).model_dump(mode="json")


async def test_detail_body_is_what_its_model_renders(catalog) -> None:
    env = catalog
    creator, buyer = await env.users("detailer", "looker")
    mine = env.headers(creator)
    created = await env.create(creator, submit=True, tags="cooking,quick")
    pid = created["id"]
    version = created["latest_version"]
    r = await put_cover(env, pid, png(), mine)
    assert r.status_code == 200, r.text
    r = await env.http.post(
        f"/api/personas/{pid}/versions/{version}/gallery",
        params={"caption": "A sample"},
        headers={**mine, "content-type": "image/png"},
        content=png(color=(5, 6, 7)),
    )
    assert r.status_code == 201, r.text

    # The owner's view of a pending persona: the POST answer went through the model.
    owner = (await env.http.get(f"/api/personas/{pid}", headers=mine)).json()
    assert owner == rendered_by_model(owner)
    assert owner["cover"]["url"].startswith("/api/images/")
    assert owner["versions"][0]["gallery"][0]["caption"] == "A sample"
    assert owner["created_at"].endswith("Z")  # UTC as the model writes it
    keys = set(created) - {"cover", "updated_at"}  # the cover came after creation
    assert {k: owner[k] for k in keys if k != "versions"} == {
        k: created[k] for k in keys if k != "versions"
    }

    r = await env.http.post(f"/api/admin/personas/{pid}/approve", headers=env.admin)
    assert r.status_code == 200, r.text
    approved = r.json()  # validated by the model on the way out
    for headers in (mine, env.headers(buyer), env.admin, {}):
        body = (await env.http.get(f"/api/personas/{pid}", headers=headers)).json()
        assert body == rendered_by_model(body)
        assert body["id"] == pid and body["status"] == "approved"
    # The approval answers without versions.
    seen = (await env.http.get(f"/api/personas/{pid}", headers=env.admin)).json()
    assert {k: v for k, v in seen.items() if k != "versions"} == {
        k: v for k, v in approved.items() if k != "versions"
    }

    # The market's card (validated by the list's model) agrees with the detail on every field
    # a card carries.
    card = next(p for p in (await env.http.get("/api/personas")).json()["items"] if p["id"] == pid)
    anon = (await env.http.get(f"/api/personas/{pid}")).json()
    assert {k: v for k, v in anon.items() if k in card and k != "versions"} == {
        k: v for k, v in card.items() if k != "versions"
    }

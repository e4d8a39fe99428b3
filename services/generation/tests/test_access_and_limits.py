"""Who may generate (owner, entitled, try-outs) and the per-user limits."""

from __future__ import annotations

from conftest import GenEnv
from shared.contracts.catalog import EntitlementRevoked
from shared.testing.publish import publish_event
from shared.testing.wait import eventually

CAPTION = {"picture": "a cat"}


async def test_entitled_users_generate_until_the_grant_is_revoked(gen: GenEnv) -> None:
    creator = await gen.user("rosa")
    buyer = await gen.user("ben")
    persona = await gen.persona(creator, approve=True)
    pid = persona["id"]
    body = {"persona_id": pid, "template_id": "builtin:caption", "params": CAPTION, "model": "ok"}
    r = await gen.http.post("/api/generations", json=body, headers=gen.headers(buyer))
    assert (r.status_code, r.json()["code"]) == (403, "persona_not_owned")

    await gen.acquire(buyer, pid)
    events = await gen.generate(buyer, pid, "builtin:caption", CAPTION, model="ok")
    assert events[-1][1]["status"] == "completed"
    detail = (
        await gen.http.get(f"/api/generations/{events[0][1]['id']}", headers=gen.headers(buyer))
    ).json()
    assert detail["prompt_visible"] and "Chef Rosa" in detail["system_prompt"]

    # A refund revokes the purchase's grant (here: the free grant's key, as catalog would).
    event = EntitlementRevoked(persona_id=pid, user_id=buyer, creator_id=creator,
                               transaction_id="free", reason="refund")  # fmt: skip
    await publish_event(
        gen.broker, event, stream_type="entitlement", stream_id=f"{pid}:{buyer}", version=9
    )
    await eventually(lambda: gen.fetchval(
        "SELECT revoked FROM entitlement_grants WHERE persona_id = $1 AND user_id = $2", pid, buyer
    ))  # fmt: skip
    r = await gen.http.post("/api/generations", json=body, headers=gen.headers(buyer))
    assert r.status_code == 403
    # Their history stays, but the persona's prompt is no longer shown to them.
    detail = (
        await gen.http.get(f"/api/generations/{events[0][1]['id']}", headers=gen.headers(buyer))
    ).json()
    assert detail["output"] and not detail["prompt_visible"] and "system_prompt" not in detail


async def test_tryouts_give_a_few_outputs_a_day_and_never_the_prompt(gen: GenEnv) -> None:
    creator = await gen.user("rosa")
    guest = await gen.user("gus")
    persona = await gen.persona(creator, approve=True)
    pid = persona["id"]
    r = await gen.http.put(
        f"/api/generations/tryouts/{pid}", json={"allowed": True}, headers=gen.headers(guest)
    )
    assert r.status_code == 403
    r = await gen.http.put(
        f"/api/generations/tryouts/{pid}", json={"allowed": True}, headers=gen.headers(creator)
    )
    assert r.status_code == 200 and r.json()["tryouts"] is True
    info = (
        await gen.http.get(f"/api/generations/tryouts/{pid}", headers=gen.headers(guest))
    ).json()
    assert info == {"persona_id": pid, "tryouts": True, "per_day": 3, "full_access": False,
                    "used_today": 0, "remaining_today": 3}  # fmt: skip
    # A try-out never shows the prompt, so the rendered prompt is not theirs to fetch either.
    body = {"persona_id": pid, "template_id": "builtin:caption", "params": CAPTION}
    r = await gen.http.post("/api/generations/prompt", json=body, headers=gen.headers(guest))
    assert (r.status_code, r.json()["code"]) == (403, "persona_not_owned")
    r = await gen.http.post("/api/generations/prompt", json=body, headers=gen.headers(creator))
    assert r.status_code == 200, r.text
    rendered = r.json()
    assert [m["role"] for m in rendered["messages"]] == ["system", "user"]
    assert "Chef Rosa" in rendered["system_prompt"] and "a cat" in rendered["prompt"]
    assert await gen.fetchval("SELECT count(*) FROM generations") == 0  # nothing generated

    for _ in range(3):
        events = await gen.generate(guest, pid, "builtin:caption", CAPTION, model="ok")
        assert events[0][1]["tryout"] is True and events[-1][1]["status"] == "completed"
    detail = (
        await gen.http.get(f"/api/generations/{events[0][1]['id']}", headers=gen.headers(guest))
    ).json()
    assert detail["output"] == "Hello from the fake model."
    assert not detail["prompt_visible"] and "prompt" not in detail and "system_prompt" not in detail
    body = {"persona_id": pid, "template_id": "builtin:caption", "params": CAPTION, "model": "ok"}
    r = await gen.http.post("/api/generations", json=body, headers=gen.headers(guest))
    assert (r.status_code, r.json()["code"]) == (429, "tryouts_used")
    assert 0 < int(r.headers["Retry-After"]) <= 86400
    info = (
        await gen.http.get(f"/api/generations/tryouts/{pid}", headers=gen.headers(guest))
    ).json()
    assert (info["used_today"], info["remaining_today"]) == (3, 0)
    mine = (
        await gen.http.get(f"/api/generations/tryouts/{pid}", headers=gen.headers(creator))
    ).json()
    assert mine["full_access"] is True
    # the creator is not limited by try-outs
    assert (await gen.generate(creator, pid, "builtin:caption", CAPTION, model="ok"))[-1][1][
        "status"
    ] == "completed"
    completed = await gen.fetchval(
        "SELECT count(*) FROM events WHERE type = 'GenerationCompleted' AND data->>'tryout' = 'true'"
    )
    assert completed == 3


async def test_rate_limit_and_daily_budget_answer_429_with_retry_after(gen: GenEnv) -> None:
    settings = gen.app.state.settings
    creator = await gen.user("rosa")
    persona = await gen.persona(creator)
    body = {
        "persona_id": persona["id"],
        "template_id": "builtin:caption",
        "params": CAPTION,
        "model": "ok",
    }
    settings.rate_per_minute = 2
    for _ in range(2):
        assert (
            await gen.http.post("/api/generations", json=body, headers=gen.headers(creator))
        ).status_code == 200
    r = await gen.http.post("/api/generations", json=body, headers=gen.headers(creator))
    assert (r.status_code, r.json()["code"]) == (429, "generation_rate_limited")
    assert 1 <= int(r.headers["Retry-After"]) <= 61
    other = await gen.user("ben")
    own = await gen.persona(other)
    assert (await gen.http.post("/api/generations", json={**body, "persona_id": own["id"]},
                                headers=gen.headers(other))).status_code == 200  # fmt: skip

    settings.rate_per_minute = 100
    settings.daily_token_budget = 40  # two generations used 2 x 16 tokens
    assert (
        await gen.http.post("/api/generations", json=body, headers=gen.headers(creator))
    ).status_code == 200
    r = await gen.http.post("/api/generations", json=body, headers=gen.headers(creator))
    assert (r.status_code, r.json()["code"]) == (429, "token_budget_used")
    assert "midnight" in r.json()["detail"]
    # deleting a generation does not give the budget back
    first = (await gen.http.get("/api/generations", headers=gen.headers(creator))).json()["items"][
        0
    ]
    assert (
        await gen.http.delete(f"/api/generations/{first['id']}", headers=gen.headers(creator))
    ).status_code == 204
    r = await gen.http.post("/api/generations", json=body, headers=gen.headers(creator))
    assert r.status_code == 429

"""Provider failures against a fake OpenAI-compatible server: shown in plain words, recorded,
never a hung stream; Stop and a client that goes away close the upstream stream."""

from __future__ import annotations

import asyncio
import json

import httpx
from conftest import GenEnv, parse_sse
from shared.testing.wait import eventually

CAPTION = {"picture": "a cat"}


async def test_a_completed_generation_records_usage_and_sends_the_operators_key(
    gen: GenEnv,
) -> None:
    creator = await gen.user("rosa")
    persona = await gen.persona(creator)
    events = await gen.generate(creator, persona["id"], "builtin:caption", CAPTION, model="ok")
    assert "".join(d["text"] for k, d in events if k == "token") == "Hello from the fake model."
    done = events[-1][1]
    assert (done["status"], done["tokens_in"], done["tokens_out"]) == ("completed", 11, 5)
    sent = gen.fake.requests[-1]
    assert sent["auth"] == "Bearer fake-key"
    assert sent["body"]["stream"] is True and sent["body"]["model"] == "ok"
    assert sent["body"]["messages"][0]["role"] == "system"


async def test_provider_errors_are_plain_words_and_recorded(gen: GenEnv) -> None:
    creator = await gen.user("rosa")
    persona = await gen.persona(creator)
    expected = {
        "busy": ("provider_busy", "busy", ""),
        "error500": ("provider_error", "error 500", ""),
        "slow": ("provider_timeout", "too long", ""),
        "stall": ("provider_timeout", "too long", "Hello from "),
        "malformed": ("provider_broken_stream", "cut off", "Hello from "),
        "truncated": ("provider_broken_stream", "cut off", "Hello from "),
    }
    for model, (code, words, partial) in expected.items():
        events = await gen.generate(creator, persona["id"], "builtin:caption", CAPTION, model=model)
        kinds = [k for k, _ in events]
        assert kinds[0] == "start" and kinds[-2:] == ["error", "done"], (model, kinds)
        error, done = events[-2][1], events[-1][1]
        assert error["code"] == code and words in error["message"], (model, error)
        assert done["status"] == "failed"
        r = await gen.http.get(f"/api/generations/{done['id']}", headers=gen.headers(creator))
        row = r.json()
        assert (row["status"], row["error_code"], row["output"]) == ("failed", code, partial), model
        assert words in row["error"]
    # no GenerationCompleted for any of them
    assert await gen.fetchval("SELECT count(*) FROM events WHERE type = 'GenerationCompleted'") == 0


async def test_stop_and_a_vanished_client_close_the_upstream_stream(gen: GenEnv) -> None:
    creator = await gen.user("rosa")
    persona = await gen.persona(creator)
    body = {"persona_id": persona["id"], "template_id": "builtin:caption", "params": CAPTION,
            "model": "endless"}  # fmt: skip

    # 1. The browser goes away mid-stream.
    async with gen.http.stream(
        "POST", "/api/generations", json=body, headers=gen.headers(creator)
    ) as r:
        assert r.status_code == 200
        seen = ""
        async for line in r.aiter_lines():
            seen += line + "\n"
            if seen.count("event: token") >= 3:
                break
    gen_id = parse_sse(seen)[0][1]["id"]
    await asyncio.wait_for(gen.fake.disconnected.wait(), 10)
    row = await eventually(
        lambda: gen.http.get(f"/api/generations/{gen_id}", headers=gen.headers(creator)),
        lambda r: r.json()["status"] != "running",
    )
    assert row.json()["status"] == "cancelled"
    assert row.json()["output"].startswith("word word word")

    # 2. Stop through the API while the stream is read to its end.
    gen.fake.disconnected.clear()

    async def stop_soon(events: list[str]) -> None:
        while not events:
            await asyncio.sleep(0.05)
        r = await gen.http.post(
            f"/api/generations/{events[0]}/cancel", headers=gen.headers(creator)
        )
        assert r.status_code == 202
        other = await gen.user("mallory")
        r = await gen.http.post(f"/api/generations/{events[0]}/cancel", headers=gen.headers(other))
        assert r.status_code == 404

    ids: list[str] = []
    stopper = asyncio.create_task(stop_soon(ids))
    text = ""
    async with gen.http.stream(
        "POST", "/api/generations", json=body, headers=gen.headers(creator)
    ) as r:
        async for line in r.aiter_lines():
            text += line + "\n"
            if line.startswith("data: ") and not ids:
                ids.append(json.loads(line[6:])["id"])
    await stopper
    events = parse_sse(text)
    assert events[-1][0] == "done" and events[-1][1]["status"] == "cancelled"
    await asyncio.wait_for(gen.fake.disconnected.wait(), 10)
    row = (await gen.http.get(f"/api/generations/{ids[0]}", headers=gen.headers(creator))).json()
    assert row["status"] == "cancelled" and row["output"].startswith("word")


async def test_refusals_come_before_any_streaming(gen: GenEnv) -> None:
    creator = await gen.user("rosa")
    persona = await gen.persona(creator)
    h = gen.headers(creator)

    async def post(**body: object) -> httpx.Response:
        full = {"persona_id": persona["id"], "template_id": "builtin:caption", "params": CAPTION}
        full.update(body)  # type: ignore[arg-type]
        return await gen.http.post("/api/generations", json=full, headers=h)

    r = await post(provider="elsewhere")
    assert (r.status_code, r.json()["code"]) == (422, "unknown_provider")
    r = await post(model="gpt-5")
    assert (r.status_code, r.json()["code"]) == (422, "unknown_provider")
    r = await post(params={"picture": "x" * 301})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "params.picture"
    r = await post(template_id="builtin:nope")
    assert (r.status_code, r.json()["code"]) == (404, "template_not_found")
    r = await post(persona_id="no-such-persona")
    assert (r.status_code, r.json()["code"]) == (404, "persona_not_found")
    r = await gen.http.post("/api/generations", json={})
    assert r.status_code == 401
    assert await gen.fetchval("SELECT count(*) FROM generations") == 0

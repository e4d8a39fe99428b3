"""Generation through the gateway with every service real and the local demo model: a reader
acquires a free persona and generates; tokens stream as server-sent events (the first one arrives
while the model is still writing) and leaving early stops the model."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shared.testing.wait import eventually

# Test modules are imported by path (pytest's importlib mode): make the helper beside it importable.
sys.path.insert(0, str(Path(__file__).parent))
from persona_support import PersonaSpec, cast, publish


async def _persona(stack: Any, creator: dict[str, str], admin: dict[str, str]) -> str:
    prompt = (("prompt.md", b"You are Coach Kai, upbeat and brief.\n"),)
    spec = PersonaSpec("Coach Kai", files=prompt, category="coaching", tags="motivation")
    return await publish(stack, creator, admin, spec)


async def test_acquire_then_generate_streams_through_the_gateway(stack: Any) -> None:
    creator, admin, reader = await cast(stack, "kai", "mod", "sam")
    pid = await _persona(stack, creator, admin)

    r = await stack.http.get("/api/providers", headers=reader)
    assert r.status_code == 200 and r.json()["items"][0]["label"] == "demo model (small, local)"

    body = {
        "persona_id": pid,
        "template_id": "builtin:thread",
        "params": {"topic": "getting up early", "posts": 5},
        "temperature": 0,
        "seed": 1,
        "max_tokens": 32,
    }
    # Not owned yet: refused before anything streams.
    r = await stack.http.post("/api/generations", json=body, headers=reader)
    assert (r.status_code, r.json()["code"]) == (403, "persona_not_owned")

    r = await stack.http.post(f"/api/personas/{pid}/acquire", headers=reader)
    assert r.status_code == 200
    # generation learns of the acquisition from catalog's event
    await eventually(
        lambda: stack.http.post("/api/generations", json={**body, "max_tokens": 1}, headers=reader),
        lambda r: r.status_code == 200,
    )

    # Read until the first token, then leave: the generation is cut short and kept, cancelled.
    async with stack.http.stream("POST", "/api/generations", json=body, headers=reader) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events: list[tuple[str, dict]] = []
        kind = ""
        async for line in r.aiter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append((kind, json.loads(line[6:])))
                if kind == "token":
                    break
    assert [k for k, _ in events] == ["start", "token"]
    gen_id = events[0][1]["id"]
    row = await eventually(
        lambda: stack.http.get(f"/api/generations/{gen_id}", headers=reader),
        lambda r: r.json()["status"] != "running",
    )
    cut = row.json()
    assert cut["status"] == "cancelled", cut
    assert cut["output"].startswith(events[1][1]["text"])

    # A whole one, read to the end.
    r = await stack.http.post("/api/generations", json=body, headers=reader)
    kinds = [line[7:] for line in r.text.splitlines() if line.startswith("event: ")]
    assert kinds[0] == "start" and kinds[-1] == "done" and "token" in kinds
    done = json.loads(r.text.strip().splitlines()[-1][6:])
    assert done["status"] == "completed" and 0 < done["tokens_out"] <= 32

    history = (await stack.http.get("/api/generations", headers=reader)).json()["items"]
    assert [g["id"] for g in history][:2] == [done["id"], gen_id]
    # The creator sees none of it.
    assert (await stack.http.get("/api/generations", headers=creator)).json()["items"] == []

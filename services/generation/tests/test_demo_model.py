"""Happy paths on the real local demo model (nothing configured; max_tokens ≤ 32, temperature 0)."""

from __future__ import annotations

import json

from conftest import GenEnv
from prometheus_client.parser import text_string_to_metric_families


async def generation_metrics(demo: GenEnv) -> dict[str, float]:
    r = await demo.http.get("/metrics")
    assert r.status_code == 200
    wanted = {"service": "generation", "provider": "demo"}
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(r.text)
        for sample in family.samples
        if all(sample.labels.get(k) == v for k, v in wanted.items())
        and sample.labels.get("status", "completed") == "completed"
        and not sample.name.endswith("_created")
    }


async def test_providers_default_to_the_demo_model(demo: GenEnv) -> None:
    user = await demo.user("ann")
    r = await demo.http.get("/api/providers", headers=demo.headers(user))
    assert r.status_code == 200
    [provider] = r.json()["items"]
    assert provider["name"] == "demo"
    assert provider["label"] == "demo model (small, local)"
    assert provider["models"] == ["smollm2-135m-instruct"]
    assert provider["local_demo"] is True
    assert "base_url" not in provider and "api_key" not in provider


async def test_owner_generates_with_a_builtin_template_and_it_repeats(demo: GenEnv) -> None:
    creator = await demo.user("rosa")
    persona = await demo.persona(creator)
    body = {"picture": "a bowl of pasta"}
    before = await generation_metrics(demo)
    first = await demo.generate(
        creator, persona["id"], "builtin:caption", body, temperature=0, seed=7, max_tokens=12
    )
    kinds = [k for k, _ in first]
    assert kinds[0] == "start" and kinds[-1] == "done" and "token" in kinds
    done = first[-1][1]
    assert done["status"] == "completed", done
    assert done["tokens_out"] > 0 and done["tokens_in"] > 0
    text = "".join(d["text"] for k, d in first if k == "token")
    assert text.strip()

    again = await demo.generate(
        creator, persona["id"], "builtin:caption", body, temperature=0, seed=7, max_tokens=12
    )
    assert "".join(d["text"] for k, d in again if k == "token") == text

    r = await demo.http.get(f"/api/generations/{done['id']}", headers=demo.headers(creator))
    stored = r.json()
    assert stored["output"] == text
    assert stored["provider"] == "demo" and stored["model"] == "smollm2-135m-instruct"
    assert stored["persona_version"] and stored["template_version"] == 1
    assert "Chef Rosa" in stored["system_prompt"] and "Short sentences" in stored["system_prompt"]
    assert "Not part of the prompt" not in stored["system_prompt"]
    assert "a bowl of pasta" in stored["prompt"]
    assert stored["ttft_ms"] is not None and stored["tokens_per_s"] is not None
    # /metrics: both generations timed to their first token and measured in tokens/s
    after = await generation_metrics(demo)
    for name in (
        "generation_time_to_first_token_seconds_count",
        "generation_tokens_per_second_count",
        "generations_total",
    ):
        assert after.get(name, 0) - before.get(name, 0) == 2, name
    completed = json.loads(
        await demo.fetchval(
            "SELECT data FROM events WHERE type = 'GenerationCompleted' AND stream_id = $1",
            f"generation-{done['id']}",
        )
    )
    assert completed["persona_id"] == persona["id"]
    assert "output" not in completed and "prompt" not in completed

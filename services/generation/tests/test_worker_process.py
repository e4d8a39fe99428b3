"""`python -m generation worker` as a real process: it finishes a batch, stops cleanly on
SIGTERM, and the item it was generating when SIGKILLed is taken over by the next worker and
generated exactly once more (never twice, never lost)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from contextlib import AbstractContextManager
from typing import Any

from conftest import GenEnv
from shared.testing.processes import service_process
from shared.testing.wait import eventually

CAPTION = {"picture": "a cat"}


def worker_process(
    env: GenEnv, lease_s: float = 2.0
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    settings = env.app.state.settings
    worker_env = {
        "GENERATION_DATABASE_URL": env.database_url,
        "GENERATION_CATALOG_URL": settings.catalog_url,
        "SERVICE_TOKEN": settings.service_token,
        "GENERATION_PROVIDERS": json.dumps([p.model_dump() for p in settings.providers]),
        "GENERATION_WORKER_POLL_S": "0.1",
        "GENERATION_LEASE_S": str(lease_s),
        "AMQP_URL": settings.amqp_url,
        "BUS_NAMESPACE": settings.bus_namespace,
    }
    return service_process("generation", "worker", env=worker_env, log=os.environ.get("WORKER_LOG"))


async def start_batch(env: GenEnv, user: str, persona_id: str, model: str, n: int) -> str:
    body = {"persona_id": persona_id, "template_id": "builtin:caption", "model": model,
            "params": CAPTION, "variants": n, "seed": 1}  # fmt: skip
    r = await env.http.post("/api/generations/batch", json=body, headers=env.headers(user))
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


async def progress(env: GenEnv, user: str, batch_id: str) -> dict[str, Any]:
    r = await eventually(
        lambda: env.http.get(f"/api/generations/batch/{batch_id}", headers=env.headers(user)),
        lambda r: r.json()["status"] != "running",
        timeout=90,
    )
    return dict(r.json())


async def test_a_worker_process_runs_a_batch_and_stops_on_sigterm(gen: GenEnv) -> None:
    ann = await gen.user("ann")
    persona = await gen.persona(ann)
    batch = await start_batch(gen, ann, persona["id"], "ok", 3)
    with worker_process(gen) as proc:
        final = await progress(gen, ann, batch)
        assert final["status"] == "done" and final["counts"] == {"done": 3}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0  # a clean exit, not killed by the signal
    assert (
        await gen.fetchval(
            "SELECT count(*) FROM generations WHERE batch_id = $1::uuid AND status = 'completed'",
            batch,
        )
        == 3
    )


async def test_a_sigkilled_workers_item_is_taken_over_exactly_once(gen: GenEnv) -> None:
    ann = await gen.user("ann")
    persona = await gen.persona(ann)
    batch = await start_batch(gen, ann, persona["id"], "steady", 2)
    with worker_process(gen) as first:
        # Killed in the middle of its first item: some text streamed, not finished.
        async def streaming() -> bool:
            return gen.fake.steady_words >= 3

        await eventually(streaming, timeout=60, interval=0.05)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
    killed = await gen.fetchval(
        "SELECT batch_item FROM generations WHERE batch_id = $1::uuid AND status = 'running'",
        batch,
    )
    assert killed is not None
    requests_before = len(gen.fake.requests)
    with worker_process(gen):
        final = await progress(gen, ann, batch)
    assert final["status"] == "done" and final["counts"] == {"done": 2}, final
    # One generation per item, all complete; the dead worker's half-written one was replaced.
    rows = await gen.fetchval(
        "SELECT json_agg(json_build_object('item', batch_item, 'status', status))"
        " FROM generations WHERE batch_id = $1::uuid",
        batch,
    )
    assert sorted((r["item"], r["status"]) for r in json.loads(rows)) == [
        (0, "completed"),
        (1, "completed"),
    ]
    # The second worker asked the model once per item: the killed item once more, nothing twice.
    assert len(gen.fake.requests) - requests_before == 2
    attempts = await gen.fetchval(
        "SELECT attempts FROM batch_items WHERE batch_id = $1::uuid AND idx = $2", batch, killed
    )
    assert attempts == 2

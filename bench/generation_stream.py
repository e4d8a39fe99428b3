"""Streaming overhead of generation and the gateway, on the local demo model.

    uv run python bench/generation_stream.py [--runs 8] [--tokens 32]

Starts, in this process, the generation service (demo model, fresh database
`generation_bench_<pid>`) and a gateway in front of it, with a local token issuer. The persona a
user may generate with is written straight into generation's read model (this is a benchmark of
streaming, not of catalog). Then, sequentially, the same request (temperature 0, fixed seed):

- `model`: the demo model's own OpenAI endpoint (the SDK, streaming),
- `service`: POST /api/generations on the generation service,
- `gateway`: the same through the gateway,

and, with 4 generations streaming, `GET /api/templates` latency against idle. Figures (p50 time to
first token, p50 tokens/s, ratios to direct) go to bench/results/generation_stream.json and .md.
Targets (issue 13): gateway TTFT ≤ model TTFT + 50 ms (p50); gateway tokens/s ≥ 0.95 of direct;
other endpoints' p99 ≤ 2x idle while 4 generations stream.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import openai
from result_files import save

ROOT = Path(__file__).resolve().parent.parent
PERSONA = "bench-persona"
MESSAGES_PARAMS = {"picture": "a bowl of pasta on a wooden table"}


def log(msg: str) -> None:
    print(f"[generation bench] {msg}", flush=True)


async def via_model(
    base_url: str, key: str, system: str, prompt: str, tokens: int
) -> tuple[float, float]:
    client = openai.AsyncOpenAI(base_url=base_url, api_key=key, max_retries=0)
    start = time.perf_counter()
    first, count = None, 0
    stream = await client.chat.completions.create(
        model="smollm2-135m-instruct",
        messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
        temperature=0, seed=1, max_tokens=tokens, stream=True,
    )  # fmt: skip
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            first = first or time.perf_counter()
            count += 1
    end = time.perf_counter()
    await client.close()
    assert first is not None
    return (first - start) * 1000, count / (end - first) if end > first else 0.0


async def via_http(
    http: httpx.AsyncClient, headers: dict[str, str], tokens: int
) -> tuple[float, float]:
    body = {"persona_id": PERSONA, "template_id": "builtin:caption", "params": MESSAGES_PARAMS,
            "temperature": 0, "seed": 1, "max_tokens": tokens}  # fmt: skip
    start = time.perf_counter()
    first, count = None, 0
    async with http.stream("POST", "/api/generations", json=body, headers=headers) as r:
        assert r.status_code == 200, await r.aread()
        async for line in r.aiter_lines():
            if line.startswith("event: token"):
                first = first or time.perf_counter()
                count += 1
    end = time.perf_counter()
    assert first is not None
    return (first - start) * 1000, count / (end - first) if end > first else 0.0


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def latency(http: httpx.AsyncClient, headers: dict[str, str], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        r = await http.get("/api/templates", headers=headers)
        assert r.status_code == 200
        out.append((time.perf_counter() - start) * 1000)
    return out


async def main(runs: int, tokens: int) -> dict[str, Any]:
    from gateway.app import create_app as gateway_app
    from gateway.settings import GatewaySettings
    from generation.app import create_app as generation_app
    from generation.settings import GenerationSettings
    from shared.testing.servers import create_database, drop_database, serve_app
    from shared.testing.tokens import token_issuer

    server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    dsn = await create_database(server, "genbench")
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    try:
        async with token_issuer() as tokens_:
            common = {"bus_namespace": namespace, "jwks_url": tokens_.jwks_url, "env": "test"}
            app = generation_app(GenerationSettings(database_url=dsn, rate_per_minute=10_000,
                                                    daily_token_budget=10**9, **common))  # fmt: skip
            async with serve_app(app) as gen_url:
                gw = gateway_app(GatewaySettings(generation_url=gen_url, **common))
                async with serve_app(gw) as gw_url:
                    return await measure(app, dsn, gen_url, gw_url, tokens_, runs, tokens)
    finally:
        await drop_database(dsn)


async def measure(
    app: Any, dsn: str, gen_url: str, gw_url: str, issuer: Any, runs: int, tokens: int
) -> dict[str, Any]:
    user = str(uuid.uuid4())
    headers = issuer.headers(user)
    conn = await asyncpg.connect(dsn)
    system = "You are Chef Rosa, a warm Italian home cook. Short sentences."
    sha = "bench-sha"
    await conn.execute(
        "INSERT INTO personas (persona_id, creator_id, name, latest_version) VALUES ($1, $2, 'Rosa', '1.0.0')",
        PERSONA,
        user,
    )
    await conn.execute("INSERT INTO persona_versions VALUES ($1, '1.0.0', $2::jsonb)", PERSONA,
                       json.dumps([{"path": "prompt.md", "sha256": sha, "size": 1, "content_type": "text/markdown"}]))  # fmt: skip
    await conn.execute("INSERT INTO file_cache (sha256, content) VALUES ($1, $2)", sha, system)
    await conn.close()
    demo = app.state.registry.providers["demo"].config
    prompt = "Write a friendly caption (at most 20 words) for this picture: a bowl of pasta on a wooden table."
    results: dict[str, dict[str, float]] = {}
    async with (
        httpx.AsyncClient(base_url=gen_url, timeout=300) as svc,
        httpx.AsyncClient(base_url=gw_url, timeout=300) as gw,
    ):
        await via_http(svc, headers, tokens)  # warm-up
        samples: dict[str, list[tuple[float, float]]] = {"model": [], "service": [], "gateway": []}
        for i in range(runs):
            log(f"run {i + 1}/{runs}")
            samples["model"].append(
                await via_model(demo.base_url, demo.api_key, system, prompt, tokens)
            )
            samples["service"].append(await via_http(svc, headers, tokens))
            samples["gateway"].append(await via_http(gw, headers, tokens))
        for name, rows in samples.items():
            results[name] = {"ttft_p50_ms": round(statistics.median(r[0] for r in rows), 1),
                             "tokens_per_s_p50": round(statistics.median(r[1] for r in rows), 2)}  # fmt: skip
        log("GET /api/templates idle")
        idle = await latency(gw, headers, 50)
        log("GET /api/templates with 4 generations streaming")
        load = [asyncio.create_task(via_http(gw, headers, tokens * 4)) for _ in range(4)]
        await asyncio.sleep(0.5)
        busy = await latency(gw, headers, 50)
        # Stop the streams rather than wait for them (the browser's Stop): the figure is taken.
        for task in load:
            task.cancel()
        await asyncio.gather(*load, return_exceptions=True)
        log("done")
    ttft_over, tps, p99_idle, p99_busy, table = figures(results, idle, busy)
    return {
        "benchmark": "generation_stream",
        "rows": table,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "runs": runs,
        "max_tokens": tokens,
        "streams": results,
        "gateway_ttft_over_model_ms": ttft_over,
        "gateway_tokens_per_s_ratio": tps,
        "templates_p99_idle_ms": p99_idle,
        "templates_p99_with_4_streams_ms": p99_busy,
        "targets": {"ttft_over_model_ms": 50, "tokens_per_s_ratio": 0.95, "p99_ratio": 2.0},
    }


def figures(
    results: dict[str, dict[str, float]], idle: list[float], busy: list[float]
) -> tuple[float, float, float, float, list[dict[str, Any]]]:
    """The targets' figures, and the rows bench/report.py puts in its table."""
    m, g = results["model"], results["gateway"]
    ttft_over = round(g["ttft_p50_ms"] - m["ttft_p50_ms"], 1)
    tps = round(g["tokens_per_s_p50"] / m["tokens_per_s_p50"], 3) if m["tokens_per_s_p50"] else 0.0
    p99_idle, p99_busy = round(p(idle, 0.99), 1), round(p(busy, 0.99), 1)
    p99_ratio = round(p99_busy / p99_idle, 2) if p99_idle else 0.0
    # For bench/report.py's table (figure, project vs reference, ratio, goal, met).
    table = [
        {"figure": "generation time to first token, gateway vs model server", "metric": "p50 ms",
         "project": "gateway", "project_value": g["ttft_p50_ms"], "reference": "model",
         "reference_value": m["ttft_p50_ms"], "ratio": f"+{ttft_over} ms",
         "goal": "<= model + 50 ms", "met": ttft_over <= 50},
        {"figure": "generation tokens/s, gateway vs model server", "metric": "p50",
         "project": "gateway", "project_value": g["tokens_per_s_p50"], "reference": "model",
         "reference_value": m["tokens_per_s_p50"], "ratio": tps, "goal": ">= 0.95",
         "met": tps >= 0.95},
        {"figure": "GET /api/templates with 4 generations streaming", "metric": "p99 ms",
         "project": "4 streams", "project_value": p99_busy, "reference": "idle",
         "reference_value": p99_idle, "ratio": p99_ratio, "goal": "<= 2.0",
         "met": p99_ratio <= 2.0},
    ]  # fmt: skip
    return ttft_over, tps, p99_idle, p99_busy, table


def write(result: dict[str, Any]) -> None:
    s = result["streams"]
    lines = [
        "# Generation streaming (demo model)", "",
        f"{result['measured_at']}, {result['machine']}, {result['runs']} runs, max_tokens {result['max_tokens']}", "",
        "| path | TTFT p50 (ms) | tokens/s p50 |", "|---|---|---|",
        *[f"| {k} | {v['ttft_p50_ms']} | {v['tokens_per_s_p50']} |" for k, v in s.items()], "",
        f"- gateway TTFT - model TTFT: {result['gateway_ttft_over_model_ms']} ms (target ≤ 50)",
        f"- gateway tokens/s ÷ model: {result['gateway_tokens_per_s_ratio']} (target ≥ 0.95)",
        f"- GET /api/templates p99: idle {result['templates_p99_idle_ms']} ms, with 4 streams "
        f"{result['templates_p99_with_4_streams_ms']} ms (target <= 2x idle)",
    ]  # fmt: skip
    save("generation_stream", result, lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=32)
    args = parser.parse_args()
    result = asyncio.run(main(args.runs, args.tokens))
    write(result)
    print(json.dumps(result, indent=2))

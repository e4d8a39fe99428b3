"""Gateway overhead and catalog's persona detail, each against its reference in the same run.

    uv run python bench/gateway_overhead.py [--rounds 3 --seconds 5]

Starts, on free ports: a JWKS for a benchmark token, a catalog on the benchmark database (the one
bench/catalog_search.py seeds), a gateway in front of it, and the minimal FastAPI + asyncpg
endpoint of bench/references/minimal_endpoint.py on the same table. Then wrk alternates A/B
rounds (so the machine's noise hits both sides) and the median round counts:

* gateway_latency: the same authenticated GET of a persona through the gateway / straight to the
  catalog, 1 connection, p50 and p99 (goals ≤ 1.2 and ≤ 1.4);
* gateway_throughput: the same at 32 connections, requests/s (goal ≥ 0.8);
* catalog_detail: catalog's persona detail / the minimal endpoint, 32 connections (goal ≥ 0.7).

Writes bench/results/<figure>.json; bench/report.py turns them into the table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog_search import (
    ROOT,
    ensure_seeded,
    free_port,
    log,
    process,
    wait_for,
)

RESULTS = ROOT / "bench" / "results"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def serve_jwks(jwks: dict[str, Any]) -> str:
    body = json.dumps(jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/jwks.json"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str, connections: int, seconds: int, token: str | None, watch: dict[str, int] | None = None
) -> dict[str, float]:
    """One wrk run. `watch` (name -> pid): also the CPU each process spent per request, in µs,
    a figure that the machine's other load disturbs far less than latency or requests/s."""
    import subprocess

    before = {name: cpu_seconds(pid) for name, pid in (watch or {}).items()}

    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors against {url}:\n{out}")

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return float(m.group(1)) * UNITS[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"^\s+(\d+) requests in", out, re.M)
    assert rps and total, out
    result = {"p50_ms": pct("50"), "p99_ms": pct("99"), "rps": float(rps.group(1))}
    for name, pid in (watch or {}).items():
        spent = cpu_seconds(pid) - before[name]
        result[f"{name}_cpu_us_per_request"] = round(spent / max(1, int(total.group(1))) * 1e6, 1)
    return result


def ab(
    a: str,
    b: str,
    connections: int,
    rounds: int,
    seconds: int,
    token: str | None,
    watch: dict[str, int] | None = None,
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Alternating rounds A, B, B, A, A, B, ... so drift in the machine's load hits both."""
    runs_a: list[dict[str, float]] = []
    runs_b: list[dict[str, float]] = []
    for i in range(rounds):
        order = [(a, runs_a), (b, runs_b)] if i % 2 == 0 else [(b, runs_b), (a, runs_a)]
        for url, runs in order:
            runs.append(wrk(url, connections, seconds, token, watch))
    return runs_a, runs_b


def median(runs: list[dict[str, float]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 3)


def figure(
    name: str, project: str, reference: str, metric: str, runs_a: list, runs_b: list, goal: str
) -> dict[str, Any]:
    a, b = median(runs_a, metric), median(runs_b, metric)
    ratio = round(a / b, 3) if b else float("inf")
    op, limit = goal.split()
    met = ratio <= float(limit) if op == "<=" else ratio >= float(limit)
    return {
        "figure": name,
        "metric": metric,
        "project": project,
        "project_value": a,
        "reference": reference,
        "reference_value": b,
        "ratio": ratio,
        "goal": goal,
        "met": met,
        "rounds": {"project": runs_a, "reference": runs_b},
    }


def write(name: str, rows: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    doc = {
        "benchmark": name,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "rows": rows,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
    for r in rows:
        log(
            f"{r['figure']} {r['metric']}: {r['project_value']} vs {r['reference_value']}"
            f" = {r['ratio']} (goal {r['goal']}: {'met' if r['met'] else 'NOT met'})"
        )


def profile_gateway(pid: int, url: str, token: str, seconds: int) -> None:
    """py-spy samples the gateway while wrk loads it; self time per function, top 25."""
    import subprocess
    from collections import Counter

    raw = RESULTS / "gateway_profile.folded"
    RESULTS.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [
            *("py-spy", "record", "--pid", str(pid), "--subprocesses", "--nonblocking"),
            *("--duration", str(seconds), "--rate", "250", "--format", "raw", "--output", str(raw)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wrk(url, 32, seconds, token)
    spy.wait(timeout=seconds + 30)
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        n = int(count)
        total += n
        own[frames[-1]] += n
    lines = [
        "# Gateway profile (py-spy, self time, 32 connections)",
        "",
        f"{total} samples. Written by `python bench/gateway_overhead.py --profile`.",
        "",
        "| share | function |",
        "|---:|---|",
    ]
    lines += [f"| {n / total:.1%} | `{fn}` |" for fn, n in own.most_common(25)]
    (RESULTS / "gateway_profile.md").write_text("\n".join(lines) + "\n")
    log(f"gateway profile: {RESULTS / 'gateway_profile.md'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also sample the gateway with py-spy under 32 connections and write"
        " bench/results/gateway_profile.md (self time per function)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "CATALOG_BENCH_DATABASE_URL", "postgresql://localhost/catalog_bench"
        ),
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        log("wrk is missing: apt-get install wrk (make setup does it as root)")
        return 1
    from shared.testing.tokens import TokenIssuer

    blob_dir = str(ROOT / ".run" / "bench-blobs")
    ensure_seeded(args.database_url, 1_000, blob_dir)
    import asyncio

    import asyncpg

    async def some_persona() -> str:
        conn = await asyncpg.connect(args.database_url)
        try:
            return str(await conn.fetchval("SELECT id FROM personas WHERE listed LIMIT 1"))
        finally:
            await conn.close()

    persona = asyncio.run(some_persona())
    issuer = TokenIssuer()
    jwks_url = serve_jwks(issuer.jwks())
    token = issuer.mint("bench-user", roles=["user"], email_verified=True, ttl=3600)
    env = {
        **os.environ,
        "CATALOG_DATABASE_URL": args.database_url,
        "CATALOG_BLOB_DIR": blob_dir,
        "BUS_NAMESPACE": "catalog-bench.",
        "JWKS_URL": jwks_url,
        "JWT_ISSUER": issuer.issuer,
        "JWT_AUDIENCE": issuer.audience,
        "LOG_LEVEL": "WARNING",
        "BENCH_DATABASE_URL": args.database_url,
    }
    catalog_port, gateway_port, minimal_port = free_port(), free_port(), free_port()
    catalog = f"http://127.0.0.1:{catalog_port}"
    gateway = f"http://127.0.0.1:{gateway_port}"
    minimal = f"http://127.0.0.1:{minimal_port}"
    py = sys.executable
    with (
        process(
            [py, "-m", "catalog", "serve", "--port", str(catalog_port)], env, "catalog"
        ) as catalog_proc,
        process(
            [py, "-m", "gateway", "serve", "--port", str(gateway_port)],
            {**env, "GATEWAY_CATALOG_URL": catalog},
            "gateway",
        ) as gateway_proc,
        process(
            [
                py,
                "-m",
                "uvicorn",
                "minimal_endpoint:app",
                "--app-dir",
                str(ROOT / "bench" / "references"),
                "--port",
                str(minimal_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env,
            "minimal",
        ),
    ):
        path = f"/api/personas/{persona}"
        for url in (catalog, gateway, minimal):
            if not wait_for(url + path, timeout=90):
                log(f"{url} did not come up; see .run/bench-*.log")
                return 1
        log(f"measuring GET {path}: {args.rounds} alternating rounds of {args.seconds}s")
        gw1, direct1 = ab(gateway + path, catalog + path, 1, args.rounds, args.seconds, token)
        watch = {"gateway": gateway_proc.pid, "catalog": catalog_proc.pid}
        gw32, direct32 = ab(
            gateway + path, catalog + path, 32, args.rounds, args.seconds, token, watch
        )
        cat32, ref32 = ab(catalog + path, minimal + path, 32, args.rounds, args.seconds, token)
        if args.profile:
            profile_gateway(gateway_proc.pid, gateway + path, token, max(args.seconds, 10))
    via, direct = "gateway → catalog", "catalog directly"
    write(
        "gateway_latency",
        [
            figure("gateway/direct, 1 conn", via, direct, "p50_ms", gw1, direct1, "<= 1.2"),
            figure("gateway/direct, 1 conn", via, direct, "p99_ms", gw1, direct1, "<= 1.4"),
        ],
    )
    throughput = figure("gateway/direct, 32 conn", via, direct, "rps", gw32, direct32, ">= 0.8")
    # What each process spends per request, through the gateway: the gateway's own cost next to
    # the service's, and the service's cost direct (its token check, its stack) for comparison.
    throughput["cpu_us_per_request"] = {
        "gateway": median(gw32, "gateway_cpu_us_per_request"),
        "catalog behind the gateway": median(gw32, "catalog_cpu_us_per_request"),
        "catalog direct": median(direct32, "catalog_cpu_us_per_request"),
    }
    log(f"CPU per request, 32 conn (µs): {throughput['cpu_us_per_request']}")
    write("gateway_throughput", [throughput])
    write(
        "catalog_detail",
        [
            figure(
                "persona detail / minimal endpoint, 32 conn",
                "catalog persona detail",
                "FastAPI + asyncpg, one query",
                "rps",
                cat32,
                ref32,
                ">= 0.7",
            )
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

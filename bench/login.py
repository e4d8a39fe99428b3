"""Login throughput against raw argon2id verifies with the same parameters on the same cores.

    uv run python bench/login.py [--rounds 3 --seconds 10]

Starts identity (its own fresh database, production argon2id parameters: m=19 MiB, t=2, p=1,
`IDENTITY_HASH_WORKERS` threads) on a free port and registers one user. Then alternating rounds:
wrk posting that user's login straight to identity (4 connections: the hash pool stays busy
without reaching its queue limit), and the reference — `argon2.PasswordHasher.verify` of the
same hash in as many threads as identity has hash workers. The median round counts; goal: login
/s ≥ 0.9 x verifies/s. Writes bench/results/login.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog_search import free_port, process, wait_for
from gateway_overhead import cpu_seconds, write
from shared.testing.servers import create_database, drop_database

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
HASH_WORKERS = 2  # identity's default; both sides use it
PASSWORD = "blue-river-42-Piano"


def log(msg: str) -> None:
    print(f"[login bench] {msg}", flush=True)


def wrk_login(url: str, email: str, seconds: int) -> float:
    body = json.dumps({"email": email, "password": PASSWORD})
    script = (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", "-c4", f"-d{seconds}s", "-s", f.name, f"{url}/api/auth/login"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert m, out
    return float(m.group(1))


def raw_verifies(hasher: PasswordHasher, hashed: str, seconds: int) -> float:
    done = [0] * HASH_WORKERS
    stop = time.perf_counter() + seconds

    def work(i: int) -> None:
        while time.perf_counter() < stop:
            hasher.verify(hashed, PASSWORD)
            done[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(HASH_WORKERS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    dsn = asyncio.run(create_database(POSTGRES))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "IDENTITY_DATABASE_URL": dsn,
        "BUS_NAMESPACE": f"bench{uuid.uuid4().hex[:8]}.",
        "IDENTITY_HASH_WORKERS": str(HASH_WORKERS),
        "LOG_LEVEL": "WARNING",
    }
    hasher = PasswordHasher(memory_cost=19 * 1024, time_cost=2, parallelism=1)
    hashed = hasher.hash(PASSWORD)
    runs: dict[str, list[dict[str, float]]] = {"login": [], "argon2": []}
    try:
        with process([sys.executable, "-m", "identity", "serve", "--port", str(port)], env,
                     "identity") as identity:  # fmt: skip
            if not wait_for(f"{url}/readyz"):
                raise RuntimeError("identity did not become ready (.run/bench-identity.log)")
            email = "bench-login@example.com"
            r = httpx.post(
                f"{url}/api/auth/register",
                json={"email": email, "username": "benchlogin", "password": PASSWORD},
                timeout=30,
            )
            assert r.status_code == 201, r.text
            for i in range(args.rounds):
                order = ["login", "argon2"] if i % 2 == 0 else ["argon2", "login"]
                for side in order:
                    # CPU per login (identity's process) or per verify (this one): what a login
                    # costs besides the hash, apart from wrk's and PostgreSQL's share.
                    started = time.perf_counter()
                    if side == "login":
                        cpu = cpu_seconds(identity.pid)
                        rate = wrk_login(url, email, args.seconds)
                        cpu = cpu_seconds(identity.pid) - cpu
                    else:
                        cpu = time.process_time()
                        rate = raw_verifies(hasher, hashed, args.seconds)
                        cpu = time.process_time() - cpu
                    cpu_ms = cpu / (rate * (time.perf_counter() - started)) * 1000
                    runs[side].append({"per_s": round(rate, 2), "cpu_ms_each": round(cpu_ms, 2)})
                    log(f"round {i + 1} {side}: {rate:.1f}/s, {cpu_ms:.1f} ms CPU each")
    finally:
        asyncio.run(drop_database(dsn))
    a = round(statistics.median(r["per_s"] for r in runs["login"]), 2)
    b = round(statistics.median(r["per_s"] for r in runs["argon2"]), 2)
    ratio = round(a / b, 3)
    write(
        "login",
        [
            {
                "figure": "login_throughput",
                "metric": "per_s",
                "project": "POST /api/auth/login (identity, 4 connections)",
                "project_value": a,
                "reference": f"raw argon2id verify, {HASH_WORKERS} threads",
                "reference_value": b,
                "ratio": ratio,
                "goal": ">= 0.9",
                "met": ratio >= 0.9,
                "rounds": {"project": runs["login"], "reference": runs["argon2"]},
            }
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

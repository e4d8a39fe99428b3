"""Catalog search and listing latency with 100,000 approved personas, through the gateway.

    uv run python bench/catalog_search.py                 # what `make bench` runs
    uv run python bench/catalog_search.py --url http://localhost:8000   # a running stack

Without `--url`, the script uses the gateway at http://localhost:8000 when one is running and its
catalog already holds enough personas; otherwise it seeds a benchmark database
(`CATALOG_BENCH_DATABASE_URL`, default postgresql://localhost/catalog_bench; seeding 100,000
personas takes about a minute and is done once), starts a catalog on it and a gateway in front
of it on free ports, and measures through that gateway (directly against the catalog only if
no gateway can be started; the results say which).

Requests are sequential (latency, not throughput) after a warm-up. Figures go to
bench/results/catalog_search.json and .md (catalog_search_1m.* for a run at 1,000,000). Goals
(issue 10): search with `q` and two filters p95 <= 25 ms and p99 <= 50 ms, a typo search p95 <= 40 ms, a listing page p95 <= 15 ms. The
q + two filters mix pairs a query with a category it is not about one time in four, so it
reaches the pages' fallback branch (past the sort-index window, through the filters' own
indexes); `search_fallback` measures only such pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from result_files import save

ROOT = Path(__file__).resolve().parent.parent
# p95 goals; the q + two filters search also has a p99 goal (P99_TARGETS_MS).
TARGETS_MS = {
    "search_q_two_filters": 25.0,
    "listing_page": 15.0,
    "search_typo": 40.0,
    "search_fallback": 25.0,  # the q + two filters goal, on the pairs that reach the fallback
}
P99_TARGETS_MS = {"search_q_two_filters": 50.0}


def log(msg: str) -> None:
    print(f"[catalog bench] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def market_size(url: str) -> int | None:
    """Approved personas behind `url` (the categories' counts add up to the market)."""
    try:
        r = httpx.get(f"{url}/api/categories", timeout=3)
        if r.status_code != 200:
            return None
        return sum(int(c.get("count", 0)) for c in r.json()["items"])
    except (httpx.HTTPError, ValueError, KeyError):
        return None


def wait_for(url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        time.sleep(0.3)
    return False


@contextlib.contextmanager
def process(cmd: list[str], env: dict[str, str], name: str) -> Iterator[subprocess.Popen[bytes]]:
    logfile = (ROOT / ".run" / f"bench-{name}.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        logfile.close()


def seeded_count(dsn: str) -> int:
    import asyncpg

    async def count() -> int:
        try:
            conn = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError):
            return 0
        try:
            exists = await conn.fetchval("SELECT to_regclass('personas') IS NOT NULL")
            return (
                int(await conn.fetchval("SELECT count(*) FROM personas WHERE listed"))
                if exists
                else 0
            )
        finally:
            await conn.close()

    return asyncio.run(count())


def ensure_seeded(dsn: str, count: int, blob_dir: str) -> None:
    have = seeded_count(dsn)
    if have >= count:
        log(f"{dsn} already holds {have:,} approved personas")
        return
    from seeders.catalog_market import seed

    log(f"seeding {count - have:,} personas into {dsn} (once; about a minute per 100,000)")
    started = time.monotonic()
    total = asyncio.run(seed(dsn, count - have, blob_dir=blob_dir, random_seed=1000 + have))
    log(f"seeded in {time.monotonic() - started:.0f}s; {total:,} on the market")
    # A live database's autovacuum would have run after a bulk load like this (it is off on
    # some machines): set the visibility map and statistics the way it would.
    asyncio.run(_vacuum(dsn))


async def _vacuum(dsn: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM (ANALYZE) personas")
    finally:
        await conn.close()


# ---------------------------------------------------------------- workloads


def search_requests(rng: random.Random) -> Callable[[], dict[str, Any]]:
    """What a buyer types and picks: a role, trait or topic of the generated catalog, mostly
    about the category they filter on (and about something else one time in four), with two
    filters from category, price, minimum rating and tag."""
    from seeders.catalog_vocabulary import GENERIC_TAGS, ROLES, TOPIC_TAGS, TRAITS

    categories = list(ROLES)

    def query(category: str) -> str:
        roles = [r.lower() for r in ROLES[category]]
        topics = [t.replace("-", " ") for t in TOPIC_TAGS[category]]
        kind = rng.random()
        if kind < 0.35:
            return rng.choice(roles)
        if kind < 0.6:
            return f"{rng.choice(TRAITS).lower()} {rng.choice(roles)}"
        if kind < 0.85:
            return rng.choice(topics)
        return f"{rng.choice(topics)} {rng.choice(roles).split()[0]}"

    def make() -> dict[str, Any]:
        category = rng.choice(categories)
        about = category if rng.random() < 0.75 else rng.choice(categories)
        filters: dict[str, Any] = {}
        for name in rng.sample(["category", "price", "min_rating", "tag"], 2):
            if name == "category":
                extra = rng.sample(categories, rng.choice([0, 0, 1, 2]))
                filters["category"] = list(dict.fromkeys([category, *extra]))
            elif name == "price":
                filters["price"] = rng.choice(["free", "paid"])
            elif name == "min_rating":
                filters["min_rating"] = rng.choice([3, 3.5, 4, 4.5])
            else:
                filters["tag"] = rng.choice(TOPIC_TAGS[category] + GENERIC_TAGS)
        return {"q": query(about), **filters}

    return make


def fallback_requests(rng: random.Random) -> Callable[[], dict[str, Any]]:
    """A topic of one category searched within another, with a second filter: rare matches,
    so the page goes past the sort-index window to the filters' own indexes."""
    from seeders.catalog_vocabulary import ROLES, TOPIC_TAGS

    categories = list(ROLES)

    def make() -> dict[str, Any]:
        about, within = rng.sample(categories, 2)
        second: dict[str, Any] = rng.choice(
            [{"price": rng.choice(["free", "paid"])}, {"min_rating": rng.choice([3, 4])}]
        )
        return {
            "q": rng.choice(TOPIC_TAGS[about]).replace("-", " "),
            "category": [within],
            **second,
        }

    return make


def listing_requests(
    rng: random.Random, client: httpx.Client, url: str
) -> Callable[[], dict[str, Any]]:
    """A market page as the browse view asks for it: a sort, first or a following page."""
    cursors: dict[str, list[str]] = {}
    for sort in ("downloads", "newest", "rating", "price"):
        page = client.get(f"{url}/api/personas", params={"sort": sort, "limit": 20}).json()
        cursors[sort] = [page["next_cursor"]]
        for _ in range(3):
            page = client.get(
                f"{url}/api/personas",
                params={"sort": sort, "limit": 20, "cursor": cursors[sort][-1]},
            ).json()
            cursors[sort].append(page["next_cursor"])

    def make() -> dict[str, Any]:
        sort = rng.choice(["downloads", "downloads", "newest", "rating", "price"])
        params: dict[str, Any] = {"sort": sort, "limit": 20}
        if rng.random() < 0.4:
            params["cursor"] = rng.choice(cursors[sort])
        return params

    return make


def typo_requests(rng: random.Random) -> Callable[[], dict[str, Any]]:
    from seeders.catalog_vocabulary import ROLES, TRAITS

    def make() -> dict[str, Any]:
        word = f"{rng.choice(TRAITS)} {rng.choice(ROLES[rng.choice(list(ROLES))])}".lower()
        i = rng.randrange(1, len(word) - 1)
        return {"q": word[:i] + word[i + 1 :]}  # one letter missing

    return make


def measure(
    client: httpx.Client, url: str, make: Callable[[], dict[str, Any]], n: int, warmup: int
) -> dict[str, Any]:
    times: list[float] = []
    empty = 0
    for i in range(warmup + n):
        params = make()
        start = time.perf_counter()
        r = client.get(f"{url}/api/personas", params=params)
        elapsed = (time.perf_counter() - start) * 1000
        if r.status_code != 200:
            raise RuntimeError(f"{params} -> {r.status_code} {r.text[:200]}")
        if i >= warmup:
            times.append(elapsed)
            empty += not r.json()["items"]
    times.sort()

    def pct(p: float) -> float:
        return round(times[min(len(times) - 1, round(p / 100 * len(times) + 0.5) - 1)], 2)

    return {
        "requests": n,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": round(statistics.fmean(times), 2),
        "max_ms": round(times[-1], 2),
        "empty_results": empty,
    }


def run(url: str, via: str, requests: int, warmup: int, market: int) -> dict[str, Any]:
    rng = random.Random(20261124)
    with httpx.Client(timeout=30) as client:
        scenarios = {
            "search_q_two_filters": measure(client, url, search_requests(rng), requests, warmup),
            "listing_page": measure(
                client, url, listing_requests(rng, client, url), requests, warmup
            ),
            "search_typo": measure(
                client, url, typo_requests(rng), max(requests // 2, 50), warmup // 2
            ),
            "search_fallback": measure(
                client, url, fallback_requests(rng), max(requests // 2, 50), warmup // 2
            ),
        }
    for name, target in TARGETS_MS.items():
        scenarios[name]["target_p95_ms"] = target
        scenarios[name]["meets_target"] = scenarios[name]["p95_ms"] <= target
    for name, target in P99_TARGETS_MS.items():
        scenarios[name]["target_p99_ms"] = target
        scenarios[name]["meets_target"] &= scenarios[name]["p99_ms"] <= target
    return {
        "benchmark": "catalog_search",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "url": url,
        "via": via,
        "approved_personas": market,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_1m": round(os.getloadavg()[0], 1),
        "scenarios": scenarios,
    }


def write(result: dict[str, Any]) -> None:
    lines = [
        "# Catalog search benchmark",
        "",
        f"{result['when']} — {result['approved_personas']:,} approved personas, via {result['via']}"
        f" ({result['url']}), {result['machine']['cpus']} CPUs, load {result.get('load_average_1m')},"
        " sequential requests.",
        "",
        "| scenario | requests | p50 ms | p95 ms | p99 ms | max ms | goal | met |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for name, s in result["scenarios"].items():
        goals = [f"p95 <= {s['target_p95_ms']:g} ms"] if "target_p95_ms" in s else []
        goals += [f"p99 <= {s['target_p99_ms']:g} ms"] if "target_p99_ms" in s else []
        target = ", ".join(goals) or "—"
        met = ("yes" if s["meets_target"] else "**no**") if "meets_target" in s else "—"
        lines.append(
            f"| {name} | {s['requests']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']}"
            f" | {s['max_ms']} | {target} | {met} |"
        )
    # A run at the capacity model's size (`make bench SIZE=1m`) keeps its own files, so the
    # default run at 100,000 does not replace it (docs/capacity.md prefers it).
    big = result.get("approved_personas", 0) >= 1_000_000
    save("catalog_search_1m" if big else "catalog_search", result, lines)
    print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="measure this gateway (or catalog) as it is")
    parser.add_argument("--count", type=int, default=100_000, help="approved personas wanted")
    parser.add_argument("--requests", type=int, default=400, help="measured requests per scenario")
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "CATALOG_BENCH_DATABASE_URL", "postgresql://localhost/catalog_bench"
        ),
        help="benchmark database used when the script starts its own catalog",
    )
    args = parser.parse_args()
    (ROOT / ".run").mkdir(exist_ok=True)

    if args.url:
        size = market_size(args.url) or 0
        if size < args.count:
            log(f"note: {args.url} holds {size:,} approved personas, fewer than {args.count:,}")
        write(run(args.url.rstrip("/"), "the given URL", args.requests, args.warmup, size))
        return 0
    gateway = "http://localhost:8000"
    size = market_size(gateway)
    if size is not None and size >= args.count:
        log(f"using the running gateway at {gateway} ({size:,} personas)")
        write(run(gateway, "gateway (running stack)", args.requests, args.warmup, size))
        return 0

    blob_dir = str(ROOT / ".run" / "bench-blobs")
    ensure_seeded(args.database_url, args.count, blob_dir)
    # A fixed private namespace: runs reuse the same few queues instead of leaving new ones.
    namespace = "catalog-bench."
    env = {
        **os.environ,
        "CATALOG_DATABASE_URL": args.database_url,
        "CATALOG_BLOB_DIR": blob_dir,
        "BUS_NAMESPACE": namespace,
        "LOG_LEVEL": "WARNING",
    }
    catalog_port, gateway_port = free_port(), free_port()
    catalog_url = f"http://127.0.0.1:{catalog_port}"
    cmd = [sys.executable, "-m", "catalog", "serve", "--port", str(catalog_port)]
    with process(cmd, env, "catalog"):
        if not wait_for(f"{catalog_url}/healthz"):
            log("the catalog did not start; see .run/bench-catalog.log")
            return 1
        size = market_size(catalog_url) or 0
        gw_env = {**env, "GATEWAY_CATALOG_URL": catalog_url}
        gw_cmd = [sys.executable, "-m", "gateway", "serve", "--port", str(gateway_port)]
        with process(gw_cmd, gw_env, "gateway"):
            gateway_url = f"http://127.0.0.1:{gateway_port}"
            if wait_for(f"{gateway_url}/api/categories", timeout=120):
                log(
                    f"measuring through a gateway on :{gateway_port} in front of a catalog on :{catalog_port}"
                )
                write(run(gateway_url, "gateway", args.requests, args.warmup, size))
            else:
                log(
                    "no gateway could be started (see .run/bench-gateway.log); measuring the catalog directly"
                )
                write(
                    run(
                        catalog_url,
                        "catalog directly (no gateway)",
                        args.requests,
                        args.warmup,
                        size,
                    )
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

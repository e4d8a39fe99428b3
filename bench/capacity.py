"""The capacity model (issue 15): bench/results/*.json → docs/capacity.md.

What one replica handles comes from this machine's own `make bench` figures (2 cores, the whole
stack on one machine, so every per-replica figure is a lower bound); the load comes from the
targets below and the assumptions written next to them. Run `make capacity` after `make bench`.
A figure the results do not hold is shown as "not measured" and its component gets no replica
count, never a guess.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "capacity.md"

# The targets of issue 15.
PERSONAS = 1_000_000
DAILY_BUYERS = 100_000
PURCHASES_PER_MIN = 10_000
GENERATIONS_PER_MIN = 1_000

# Assumptions (each is a knob: change it here and re-run `make capacity`).
REQUESTS_PER_BUYER_DAY = 60  # pages and their API calls: browse, search, detail, library
PEAK_HOUR_SHARE = 0.15  # share of a day's requests in its busiest hour
SEARCH_SHARE = 0.30  # of browsing requests
DETAIL_SHARE = 0.30  # of browsing requests; each detail view also reports one analytics view
LOGINS_PER_BUYER_DAY = 1  # a session lasts the refresh token's life; most days need one login
REQUESTS_PER_PURCHASE = 3  # checkout session, the webhook, the library refresh
EVENTS_PER_PURCHASE = 4  # PurchaseCompleted, entitlement, ledger entry, receipt notice
TOKENS_PER_GENERATION = 200  # a caption or a short post
TARGET_UTILISATION = 0.6  # replicas run at most 60% busy: headroom for bursts and a lost node


def _load(results: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(results.glob("*.json"))}


def _row(docs: dict[str, dict[str, Any]], prefix: str, metric: str) -> tuple[float, str] | None:
    """The project value of the first `rows` entry whose figure starts with `prefix`."""
    for name, doc in docs.items():
        for r in doc.get("rows", []):
            if str(r.get("figure", "")).startswith(prefix) and r.get("metric") == metric:
                return float(r["project_value"]), f"{name}.json: {r['figure']} ({metric})"
    return None


def _key(docs: dict[str, dict[str, Any]], name: str, *path: str) -> tuple[float, str] | None:
    node: Any = docs.get(name)
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return (float(node), f"{name}.json: {'.'.join(path)}") if node is not None else None


def measured(docs: dict[str, dict[str, Any]]) -> dict[str, tuple[float, str] | None]:
    """What one replica does per second, by component, with where the figure came from."""
    # Search measured at the target's size (`make bench SIZE=1m`) when there is such a run.
    search = "catalog_search_1m" if "catalog_search_1m" in docs else "catalog_search"
    search_ms = _key(docs, search, "scenarios", "search_q_two_filters", "mean_ms")
    tps = _key(docs, "generation_stream", "streams", "gateway", "tokens_per_s_p50")
    ttft = _key(docs, "generation_stream", "streams", "gateway", "ttft_p50_ms")
    fanout = docs.get("notifications_fanout")
    generation = None
    if tps and ttft and tps[0] > 0:  # one stream at a time per worker replica
        seconds = ttft[0] / 1000 + TOKENS_PER_GENERATION / tps[0]
        generation = (1 / seconds, f"{tps[1]}; {ttft[1]}; {TOKENS_PER_GENERATION} tokens each")
    return {
        "gateway": _row(docs, "gateway/direct, 32 conn", "rps"),
        "catalog_detail": _row(docs, "persona detail / minimal endpoint", "rps"),
        "catalog_search": (
            1000 / search_ms[0],
            f"{search_ms[1]}, one connection, at "
            f"{docs[search].get('approved_personas', 0):,} personas",
        )
        if search_ms and search_ms[0] > 0
        else None,
        "identity_login": _row(docs, "login_throughput", "per_s"),
        "outbox_relay": _row(docs, "outbox_relay", "msgs_per_s"),
        "webhook_purchases": _key(docs, "webhook_purchases", "payouts_handled_per_s"),
        "analytics_consumer": _key(docs, "analytics", "events_per_s"),
        "analytics_views": (1000 / v[0], v[1])
        if (v := _key(docs, "analytics", "view_report_p50_ms")) and v[0] > 0
        else None,
        "generation_worker": generation,
        "notifications_fanout": (
            fanout["notified"] / fanout["fanout_seconds"],
            "notifications_fanout.json: notified / fanout_seconds",
        )
        if fanout and fanout.get("fanout_seconds")
        else None,
    }


@dataclass(frozen=True)
class Component:
    name: str
    figure: str  # key into measured()
    load_per_s: float
    why: str
    scales: str  # "horizontal" or why it does not


def components() -> list[Component]:
    browsing = DAILY_BUYERS * REQUESTS_PER_BUYER_DAY * PEAK_HOUR_SHARE / 3600
    purchases = PURCHASES_PER_MIN / 60
    generations = GENERATIONS_PER_MIN / 60
    api = browsing + purchases * REQUESTS_PER_PURCHASE + generations
    return [
        Component("gateway", "gateway", api, "browsing + purchases x 3 + generations", "horizontal"),
        Component("catalog (persona detail)", "catalog_detail", browsing * DETAIL_SHARE,
                  f"{DETAIL_SHARE:.0%} of browsing", "horizontal"),
        Component("catalog (search)", "catalog_search", browsing * SEARCH_SHARE,
                  f"{SEARCH_SHARE:.0%} of browsing", "horizontal (read replicas under it)"),
        Component("identity (login)", "identity_login",
                  DAILY_BUYERS * LOGINS_PER_BUYER_DAY * PEAK_HOUR_SHARE / 3600,
                  "one login per buyer a day, peak hour", "horizontal (argon2 is CPU)"),
        Component("billing webhook → catalog + payouts", "webhook_purchases", purchases,
                  "10,000 purchases a minute", "horizontal (inbox-guarded consumers)"),
        Component("outbox relay (billing, the busiest)", "outbox_relay",
                  purchases * EVENTS_PER_PURCHASE / 2,
                  "half of the purchase events are billing's", "one elected relay per service"),
        Component("analytics stream consumer", "analytics_consumer",
                  purchases * EVENTS_PER_PURCHASE + browsing * DETAIL_SHARE / 10,
                  "every purchase event + view batches (10 views a batch)",
                  "single active reader (offset order)"),
        Component("analytics view reports", "analytics_views", browsing * DETAIL_SHARE,
                  "one report per detail view", "horizontal"),
        Component("generation workers", "generation_worker", generations,
                  "1,000 generations a minute", "horizontal (KEDA on queue depth)"),
        Component("notifications (receipts)", "notifications_fanout", purchases,
                  "one receipt notice per purchase", "horizontal (KEDA on queue depth)"),
    ]  # fmt: skip


def replicas(load: float, per_replica: float) -> int:
    return max(1, math.ceil(load / (per_replica * TARGET_UTILISATION)))


def render(docs: dict[str, dict[str, Any]]) -> str:
    figures = measured(docs)
    when = sorted(
        str(d.get("when") or d.get("measured_at") or d.get("at") or "")
        for d in docs.values()
        if d.get("when") or d.get("measured_at") or d.get("at")
    )
    rows, pressure = [], []
    for c in components():
        fig = figures.get(c.figure)
        if fig is None:
            rows.append(f"| {c.name} | {c.load_per_s:,.1f} | not measured | — | {c.scales} |")
            continue
        n = replicas(c.load_per_s, fig[0])
        rows.append(f"| {c.name} | {c.load_per_s:,.1f} | {fig[0]:,.1f} | {n} | {c.scales} |")
        if not c.scales.startswith("horizontal"):
            pressure.append((c.load_per_s / fig[0], c.name))
    inputs = [
        f"| {key} | {fig[0]:,.2f} | {fig[1]} |" if fig else f"| {key} | not measured | — |"
        for key, fig in figures.items()
    ]
    ranked = [f"{i}. {name}: {share:.0%} of one replica's measured capacity at peak"
              for i, (share, name) in enumerate(sorted(pressure, reverse=True), 1)]  # fmt: skip
    span = f"{when[0]} to {when[-1]}" if when else "no results"
    return TEMPLATE.format(
        personas=PERSONAS, buyers=DAILY_BUYERS, purchases=PURCHASES_PER_MIN,
        generations=GENERATIONS_PER_MIN, span=span, util=TARGET_UTILISATION,
        rows="\n".join(rows), inputs="\n".join(inputs),
        ranked="\n".join(ranked) or "(no single-reader component was measured)",
        assumptions=ASSUMPTIONS.format(**globals()),
    )  # fmt: skip


ASSUMPTIONS = """\
| assumption | value |
|---|---|
| API requests per daily buyer | {REQUESTS_PER_BUYER_DAY} |
| share of a day's requests in the peak hour | {PEAK_HOUR_SHARE} |
| share of browsing that is search / persona detail | {SEARCH_SHARE} / {DETAIL_SHARE} |
| logins per buyer a day | {LOGINS_PER_BUYER_DAY} |
| API requests per purchase | {REQUESTS_PER_PURCHASE} |
| domain events per purchase | {EVENTS_PER_PURCHASE} |
| tokens per generation | {TOKENS_PER_GENERATION} |
| a replica is sized to be at most this busy | {TARGET_UTILISATION} |"""

TEMPLATE = """\
# Capacity model

Written by `make capacity` (bench/capacity.py) from `make bench`'s results on this project's own
2-core machine ({span}); do not edit by hand. The targets: {personas:,} personas, {buyers:,} daily
active buyers, {purchases:,} purchases a minute and {generations:,} generations a minute, all at
their peak at once.

**How to read it.** "One replica handles" is what the bench measured with the whole stack
(PostgreSQL, RabbitMQ, every service) on the same two cores, so it is a lower bound for a replica
with two cores of its own. Replicas needed = load / (one replica x {util}), rounded up.

## Load and replicas

| component | load at peak (/s) | one replica handles (/s) | replicas | scales |
|---|---:|---:|---:|---|
{rows}

## Assumptions

{assumptions}

## Inputs (bench/results)

| figure | per second | from |
|---|---:|---|
{inputs}

## The first bottleneck, and how it is relieved

Components that cannot add replicas, by how much of one replica the peak takes:

{ranked}

- **The analytics stream consumer** reads `analytics.events` in offset order with one active
  reader (RabbitMQ 3.10 has no single-active-consumer on streams, and the projections store the
  offset with each batch). When the peak nears its measured rate: shard the stream by persona
  into N streams (RabbitMQ 3.11+ super streams, one reader per partition, each storing its own
  offset) and keep the per-day rollups partitioned by day (pg_partman) so a batch touches one
  partition.
- **Each service's outbox relay** is one elected process per service. It relays in batches with
  publisher confirms; past its measured rate, split the outbox by stream id into K relays, each
  elected on its own advisory lock.
- **Catalog search at {personas:,} personas** is PostgreSQL work: add CloudNativePG read replicas
  (the `-ro` service) for the query side and a Pooler in front of them; the write side (projections)
  stays on the primary.
- **Generation** scales out but is the most expensive: on the demo model each worker replica
  computes its generations on its own CPU. Relief: a GPU model server declared as a provider
  (`GENERATION_PROVIDERS`, any OpenAI-compatible endpoint), so a worker only relays tokens.
- **Notifications** are bounded by the SMTP relay's rate, not by the workers: use a provider with
  a sending rate above the receipt rate, and keep the digest categories batched.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--out", type=Path, default=DOC)
    args = parser.parse_args()
    args.out.write_text(render(_load(args.results)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

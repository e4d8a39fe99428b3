"""deploy/observability: the Grafana dashboard and the Prometheus alert rules refer only to
metrics the code exports (shared/src/shared/metrics.py), cover what issue 15 asks for, and pass
promtool's own checks and the alert unit tests where promtool is installed (Debian's
`prometheus` package, which scripts/setup.sh installs)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared import metrics

HERE = Path(__file__).resolve().parents[2] / "deploy" / "observability"
DASHBOARD = HERE / "grafana-dashboard.json"
ALERTS = HERE / "alerts.yml"

# PromQL words that are not metric names (functions are recognised by their "(").
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring"}
KEYWORDS |= {"group_left", "group_right", "inf", "nan"}
# Aggregation operators may be followed by `by (...)` before their "(".
KEYWORDS |= {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values"}
KEYWORDS |= {"bottomk", "topk", "quantile", "limitk", "limit_ratio"}


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects: identifiers that are not functions, keywords,
    label names (inside `{...}` or a `by (...)` list), strings, durations or numbers."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (label values, templates)
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors: [5m], [$__rate_interval]
    text = re.sub(
        r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r"\1", text
    )  # grouping label lists
    text = re.sub(r"\$\w+", "", text)  # Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in KEYWORDS:
            continue
        names.add(name)
    return names


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = []
    panels: list[dict[str, Any]] = list(dashboard["panels"])
    while panels:
        panel = panels.pop()
        panels.extend(panel.get("panels", []))
        exprs.extend(t["expr"] for t in panel.get("targets", []))
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        if isinstance(query, dict) and variable.get("type") == "query":
            inner = re.fullmatch(r"label_values\((\w+),\s*\w+\)", query["query"])
            assert inner, query
            exprs.append(inner.group(1))
    return exprs


def alert_rules() -> dict[str, str]:
    document = yaml.safe_load(ALERTS.read_text())
    return {rule["alert"]: rule["expr"] for group in document["groups"] for rule in group["rules"]}


def test_the_expression_parser_finds_metric_names_only() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket"
        '{service=~"$service", status="5.."}[$__rate_interval]))) / on(service) outbox_depth > 1'
    )
    assert metric_names(expr) == {"http_request_duration_seconds_bucket", "outbox_depth"}


def test_every_expression_names_exported_metrics_only() -> None:
    exported = metrics.exported_names()
    exprs = dashboard_exprs() + list(alert_rules().values())
    assert exprs
    for expr in exprs:
        names = metric_names(expr)
        assert names, expr
        assert names <= exported, (expr, names - exported)


def test_the_dashboard_shows_every_platform_metric() -> None:
    shown = set().union(*(metric_names(e) for e in dashboard_exprs()))
    ours = {
        value._name
        for value in vars(metrics).values()
        if isinstance(value, metrics.Counter | metrics.Gauge | metrics.Histogram)
    }
    assert ours
    for family in ours:
        assert any(name == family or name.startswith(family + "_") for name in shown), family


def test_the_alerts_cover_what_issue_15_asks_for() -> None:
    rules = alert_rules()
    used = {name: metric_names(expr) for name, expr in rules.items()}

    def alerting_on(metric: str) -> list[str]:
        return [name for name, names in used.items() if metric in names]

    assert alerting_on("outbox_relay_lag_seconds")  # relay lag
    assert alerting_on("dlq_depth_messages")  # DLQ non-empty
    assert alerting_on("consumer_lag_messages")  # consumer lag
    assert alerting_on("http_request_duration_seconds_count")  # 5xx rate
    assert alerting_on("payouts_by_status")  # payout failures
    assert 'status=~"5.."' in rules["HighServerErrorRate"]
    assert 'status="failed"' in rules["PayoutFailures"]
    assert re.search(r"dlq_depth_messages\)\s*>\s*0\b", rules["DeadLetterQueueNotEmpty"])


PROMTOOL = shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian package prometheus)")
@pytest.mark.parametrize(
    "args",
    [
        ["check", "rules", "alerts.yml"],
        ["check", "config", "prometheus.yml"],
        ["test", "rules", "alerts.test.yml"],  # the alerts fire on the series we export
    ],
)
def test_promtool(args: list[str]) -> None:
    assert PROMTOOL is not None
    done = subprocess.run(
        [PROMTOOL, *args], cwd=HERE, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_make_run_prints_every_metrics_endpoint_the_local_prometheus_scrapes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_script", HERE.parents[1] / "scripts/run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    env = {"PUBLIC_URL": "http://localhost:8000"}
    printed = {
        url.removeprefix("http://").removesuffix("/metrics")
        for _, url in run.metrics_endpoints(env)
    }
    banner = run.metrics_banner(env)
    assert all(f"http://{target}/metrics" in banner for target in printed)
    config = yaml.safe_load((HERE / "prometheus.yml").read_text())
    scraped = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert printed == scraped
    # every process of the Procfile is listed
    names = {line.split(":")[0] for line in run.procfile().splitlines()} - {"stripe"}
    assert names == {name for name, _ in run.metrics_endpoints(env)}

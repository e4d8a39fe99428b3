"""The capacity model (bench/capacity.py → docs/capacity.md) turns bench results into replicas."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def capacity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("capacity", ROOT / "bench" / "capacity.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["capacity"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def results(tmp_path: Path) -> Path:
    def rows(figure: str, metric: str, value: float) -> dict[str, object]:
        return {"rows": [{"figure": figure, "metric": metric, "project_value": value}]}

    files = {
        "gateway_throughput": rows("gateway/direct, 32 conn", "rps", 1000.0),
        "login": rows("login_throughput", "per_s", 20.0),
        "bus_paths": rows("outbox_relay", "msgs_per_s", 5000.0),
        "analytics": {"events_per_s": 2500, "view_report_p50_ms": 2.0, "when": "2026-12-07"},
        "generation_stream": {
            "streams": {"gateway": {"tokens_per_s_p50": 40.0, "ttft_p50_ms": 500}}
        },
    }
    for name, doc in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(doc))
    return tmp_path


def test_replicas_keep_the_headroom() -> None:
    c = capacity()
    assert c.replicas(60, 100) == 1  # exactly 60% busy
    assert c.replicas(61, 100) == 2
    assert c.replicas(0.1, 1000) == 1  # never zero


def test_the_model_uses_measured_figures_and_says_what_is_missing(tmp_path: Path) -> None:
    c = capacity()
    figures = c.measured(c._load(results(tmp_path)))
    assert figures["gateway"][0] == 1000.0
    # one generation: 0.5 s to the first token, then 200 tokens at 40/s = 5.5 s
    assert math.isclose(figures["generation_worker"][0], 1 / 5.5)
    assert figures["catalog_search"] is None  # no catalog_search.json
    doc = c.render(c._load(results(tmp_path)))
    gateway = next(x for x in c.components() if x.figure == "gateway")
    assert (
        f"| gateway | {gateway.load_per_s:,.1f} | 1,000.0 | {c.replicas(gateway.load_per_s, 1000.0)} |"
        in doc
    )
    assert "| catalog (search) |" in doc and "not measured" in doc
    # the single-reader components are ranked by how much of their capacity the peak takes
    assert "analytics stream consumer:" in doc and "outbox relay (billing, the busiest):" in doc


def test_the_committed_model_was_written_by_the_generator() -> None:
    doc = (ROOT / "docs" / "capacity.md").read_text()
    assert doc.startswith("# Capacity model\n\nWritten by `make capacity`")
    for component in capacity().components():
        assert f"| {component.name} |" in doc


def test_search_is_taken_at_the_target_size_when_measured_there(tmp_path: Path) -> None:
    c = capacity()
    folder = results(tmp_path)

    def search(size: int, mean_ms: float) -> str:
        scenarios = {"search_q_two_filters": {"mean_ms": mean_ms}}
        return json.dumps({"approved_personas": size, "scenarios": scenarios})

    (folder / "catalog_search.json").write_text(search(100_000, 10.0))
    assert c.measured(c._load(folder))["catalog_search"][0] == 100.0
    (folder / "catalog_search_1m.json").write_text(search(1_000_000, 40.0))
    value, source = c.measured(c._load(folder))["catalog_search"]
    assert value == 25.0 and "at 1,000,000 personas" in source

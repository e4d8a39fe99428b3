"""The AsyncAPI 3.0 catalogue: generated from the contracts, self-consistent, and committed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.asyncapi import build_document, contract_classes, render
from shared.contracts.billing import PurchaseCompleted

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_the_committed_catalogue_matches_the_contracts() -> None:
    assert COMMITTED.read_text() == render(), (
        "shared/contracts changed: regenerate the catalogue with"
        " `uv run python -m shared.asyncapi > docs/asyncapi.json` and commit it"
    )


def test_every_contract_is_a_channel_and_every_reference_resolves() -> None:
    doc = build_document()
    assert doc["asyncapi"] == "3.0.0"
    for cls in contract_classes():
        channel = doc["channels"][cls.routing_key()]
        assert channel["address"] == cls.routing_key()
        assert cls.type_name() in doc["channels"]["analytics.events"]["messages"]
    for ref in refs(doc):
        assert resolve(doc, ref) is not None, ref
    envelope = doc["components"]["schemas"]["PurchaseCompletedEnvelope"]
    assert envelope["properties"]["type"]["const"] == "PurchaseCompleted"
    data = doc["components"]["schemas"]["PurchaseCompleted"]
    assert set(PurchaseCompleted.model_fields) == set(data["properties"])
    assert {"amount", "currency", "creator_revenue"} <= set(data["required"])
    json.dumps(doc)  # plain JSON

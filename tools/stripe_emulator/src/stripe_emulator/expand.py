"""`expand[]` support: replace ids with the objects they name, along dotted paths."""

from __future__ import annotations

from typing import Any

from .errors import invalid
from .objects import list_object
from .store import Obj, Store, public


def _includable(store: Store, node: Obj, key: str) -> Any:
    """Fields Stripe leaves out unless expanded (they are lists, not ids)."""
    kind = node.get("object")
    if kind == "checkout.session" and key == "line_items":
        items = store.line_items.get(node["id"], [])
        return list_object(public(items), f"/v1/checkout/sessions/{node['id']}/line_items")
    if kind == "charge" and key == "refunds":
        charge = store.objects.get(node["id"], {})
        refunds = [public(store.objects[r]) for r in charge.get("_refunds", [])]
        return list_object(refunds, f"/v1/charges/{node['id']}/refunds") | {
            "total_count": len(refunds)
        }
    return None


def _expand(store: Store, node: Any, parts: list[str], full: str) -> None:
    if not isinstance(node, dict) or not parts:
        return
    key, rest = parts[0], parts[1:]
    if node.get("object") == "list" and key == "data":
        for item in node["data"]:
            _expand(store, item, rest, full)
        return
    if key not in node:
        value = _includable(store, node, key)
        if value is None:
            raise invalid(f"This property cannot be expanded ({full}).", param="expand")
        node[key] = value
    value = node[key]
    if isinstance(value, str):
        target = store.find(value)
        if target is None:
            raise invalid(f"This property cannot be expanded ({full}).", param="expand")
        node[key] = value = public(target)
    _expand(store, value, rest, full)


def expand(store: Store, body: Obj, paths: list[str]) -> Obj:
    if len(paths) > 0 and any(p.count(".") >= 4 for p in paths):
        raise invalid("You cannot expand more than 4 levels of a property.", param="expand")
    for path in paths:
        _expand(store, body, path.split("."), path)
    return body

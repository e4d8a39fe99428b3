"""Decoding of Stripe's bracketed form/query encoding and typed parameter access.

The SDK sends `a[b][c]=v`, `items[0][x]=v` (arrays always indexed) and older clients
send `expand[]=v`; all of them decode into plain nested dicts and lists here.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from .errors import StripeError, invalid, missing_param

Params = dict[str, Any]

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def _tokens(key: str) -> list[str]:
    m = _KEY.match(key)
    if not m:
        raise invalid(f"Invalid parameter name: {key}", param=key)
    return [m.group(1), *re.findall(r"\[([^\[\]]*)\]", m.group(2))]


def _listify(node: Any) -> Any:
    """Turn dicts whose keys are all integers (or "[]" appends) into lists, recursively."""
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(isinstance(k, int) for k in node):
            return [node[k] for k in sorted(node)]
        return node
    if isinstance(node, list):
        return [_listify(v) for v in node]
    return node


def decode(raw: str) -> Params:
    root: dict[Any, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        parts = _tokens(key)
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            k: Any = part
            if part == "":  # `a[]=x` appends
                k = len(node)
            elif part.isdigit() and i > 0:
                k = int(part)
            if last:
                node[k] = value
            else:
                nxt = node.get(k)
                if not isinstance(nxt, dict):
                    nxt = {}
                    node[k] = nxt
                node = nxt
    return _listify(root)


def param_name(path: list[str | int]) -> str:
    head, *rest = path
    return str(head) + "".join(f"[{p}]" for p in rest)


# -- typed accessors ---------------------------------------------------------------
# Each takes the containing dict, the key and the full path prefix (for error `param`).


def _given(
    d: Params, key: str, path: list[str | int] | None, required: bool = False
) -> tuple[str, Any]:
    """The parameter's full name and its value; None when absent or empty (an error if
    `required`)."""
    full = param_name([*(path or []), key])
    v = d.get(key)
    if v is None or v == "":
        if required:
            raise missing_param(full)
        return full, None
    return full, v


def get_str(
    d: Params, key: str, path: list[str | int] | None = None, *, required: bool = False
) -> str | None:
    full, v = _given(d, key, path, required)
    if v is None:
        return None
    if not isinstance(v, str):
        raise invalid(f"Invalid string: {v!r}", param=full)
    return v


def get_int(
    d: Params,
    key: str,
    path: list[str | int] | None = None,
    *,
    required: bool = False,
    minimum: int | None = None,
) -> int | None:
    full, v = _given(d, key, path, required)
    if v is None:
        return None
    if isinstance(v, int):
        n = v
    elif isinstance(v, str) and re.fullmatch(r"-?\d+", v.strip()):
        n = int(v)
    else:
        raise invalid(f"Invalid integer: {v}", param=full)
    if minimum is not None and n < minimum:
        raise invalid(f"This value must be greater than or equal to {minimum}.", param=full)
    return n


def get_bool(d: Params, key: str, path: list[str | int] | None = None) -> bool | None:
    full, v = _given(d, key, path)
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    raise invalid(f"Invalid boolean: {v}", param=full)


def get_dict(d: Params, key: str, path: list[str | int] | None = None) -> Params:
    v = d.get(key)
    if v is None or v == "":
        return {}
    if not isinstance(v, dict):
        raise invalid("Invalid object", param=param_name([*(path or []), key]))
    return v


def get_list(d: Params, key: str, path: list[str | int] | None = None) -> list[Any]:
    v = d.get(key)
    if v is None or v == "":
        return []
    if isinstance(v, dict):  # a lone `a[x]=` that was not an index
        raise invalid("Invalid array", param=param_name([*(path or []), key]))
    if not isinstance(v, list):
        return [v]
    return v


def get_expand(d: Params) -> list[str]:
    return [str(x) for x in get_list(d, "expand")]


def get_metadata(
    d: Params, key: str = "metadata", current: dict[str, str] | None = None
) -> dict[str, str]:
    """Merge metadata like Stripe: keys set to "" are removed, `metadata=""` clears all."""
    raw = d.get(key)
    result = dict(current or {})
    if raw is None:
        return result
    if raw == "":
        return {}
    if not isinstance(raw, dict):
        raise invalid("Invalid hash", param=key)
    for k, v in raw.items():
        if not isinstance(v, str):
            raise invalid("Invalid metadata value: must be a string", param=f"{key}[{k}]")
        if len(k) > 40:
            raise invalid("Metadata keys can have up to 40 characters.", param=f"{key}[{k}]")
        if len(v) > 500:
            raise invalid("Metadata values can have up to 500 characters.", param=f"{key}[{k}]")
        if v == "":
            result.pop(k, None)
        else:
            result[k] = v
    if len(result) > 50:
        raise invalid("Metadata can have up to 50 keys.", param=key)
    return result


def update_metadata(obj: dict[str, Any], params: Params, previous: dict[str, Any]) -> None:
    """Apply an update's `metadata` (if it has one) to `obj`, keeping the old value in
    `previous` (the `*.updated` event's `previous_attributes`)."""
    if "metadata" in params:
        previous["metadata"] = dict(obj["metadata"])
        obj["metadata"] = get_metadata(params, current=obj["metadata"])


def get_currency(
    d: Params, key: str, path: list[str | int] | None = None, *, required: bool = False
) -> str | None:
    v = get_str(d, key, path, required=required)
    if v is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", v):
        raise StripeError(400, f"Invalid currency: {v}", param=param_name([*(path or []), key]))
    return v.lower()

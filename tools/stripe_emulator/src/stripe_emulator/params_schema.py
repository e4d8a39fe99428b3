"""Reject parameters Stripe itself would reject, using the SDK's own TypedDict definitions.

The installed `stripe` package ships one TypedDict per request (generated from Stripe's
OpenAPI spec). Walking it tells us every parameter name Stripe accepts, nested ones
included, so a typo like `line_items[0][price_data][unit_ammount]` fails here exactly as
it would against Stripe: 400 `parameter_unknown`.
"""

from __future__ import annotations

import functools
import importlib
import sys
import typing
from typing import Any

from typing_extensions import is_typeddict

from .errors import unknown_param
from .forms import Params, param_name

# Request options live on the same TypedDicts but are never sent as form fields.
_OPTION_KEYS = {
    "api_key",
    "stripe_version",
    "stripe_account",
    "stripe_context",
    "max_network_retries",
    "idempotency_key",
    "content_type",
    "headers",
}

_ANY = object()  # schema node meaning "accept whatever is here"


def _resolve(tp: Any, module: str) -> Any:
    """Reduce an annotation to a TypedDict class, ("list", node) or _ANY."""
    if isinstance(tp, typing.ForwardRef):
        name = tp.__forward_arg__.strip()
        if name.isidentifier():
            target = getattr(sys.modules[module], name, None)
            return _resolve(target, module) if target is not None else _ANY
        return _ANY  # unions such as "Dict[str, str]|UntypedStripeObject[str]"
    if isinstance(tp, str):
        return _resolve(typing.ForwardRef(tp), module)
    if is_typeddict(tp):
        return tp
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (list, typing.List):  # noqa: UP006
        return ("list", _resolve(args[0], module)) if args else _ANY
    if (
        args
        and origin is not None
        and getattr(origin, "__name__", "") in ("NotRequired", "Required")
    ):
        return _resolve(args[0], module)
    if repr(origin) in ("typing_extensions.NotRequired", "typing.NotRequired", "typing.Required"):
        return _resolve(args[0], module)
    return _ANY


def _fields(td: Any) -> dict[str, Any]:
    return {
        k: _resolve(v, td.__module__)
        for k, v in td.__annotations__.items()
        if k not in _OPTION_KEYS
    }


@functools.cache
def _load(qualified: str) -> Any:
    module, _, name = qualified.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _check(value: Any, node: Any, path: list[str | int]) -> None:
    if node is _ANY:
        return
    if isinstance(node, tuple):  # ("list", element node)
        if isinstance(value, list):
            for i, item in enumerate(value):
                _check(item, node[1], [*path, i])
        return
    if not isinstance(value, dict):
        return  # type errors are the handlers' business; here we only look at names
    fields = _fields(node)
    for key, sub in value.items():
        if key not in fields:
            raise unknown_param(param_name([*path, key]))
        _check(sub, fields[key], [*path, key])


def check_known(params: Params, typed_dict: str) -> None:
    """`typed_dict` is e.g. "stripe.params.TransferCreateParams"."""
    try:
        td = _load(typed_dict)
    except (ImportError, AttributeError):  # an SDK without it: be permissive, not wrong
        return
    fields = _fields(td)
    fields.setdefault("expand", _ANY)
    for key, sub in params.items():
        if key not in fields:
            raise unknown_param(key)
        _check(sub, fields[key], [key])

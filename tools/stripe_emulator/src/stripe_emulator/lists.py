"""List endpoints: filtering and cursor pagination (`limit`, `starting_after`, `ending_before`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .errors import invalid
from .forms import Params, get_int, get_str, param_name
from .objects import list_object
from .store import Obj


def _created_ok(created: int, spec: Any) -> bool:
    if isinstance(spec, str):
        return created == int(spec)
    ops: dict[str, Callable[[int, int], bool]] = {
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    return all(ops[k](created, int(v)) for k, v in spec.items() if k in ops)


def filtered(
    items: Iterable[Obj], params: Params, fields: dict[str, str] | None = None
) -> list[Obj]:
    """Keep items whose `field` equals the given param, for each param -> field pair."""
    out = list(items)
    for param, field in (fields or {}).items():
        wanted = get_str(params, param)
        if wanted is not None:
            out = [o for o in out if o.get(field) == wanted]
    created = params.get("created")
    if created not in (None, ""):
        try:
            out = [o for o in out if _created_ok(o["created"], created)]
        except (TypeError, ValueError, AttributeError) as exc:
            raise invalid("Invalid `created` filter", param="created") from exc
    return out


def paginate(items: list[Obj], params: Params, url: str) -> Obj:
    limit = get_int(params, "limit")
    limit = 10 if limit is None else limit
    if not 1 <= limit <= 100:
        raise invalid("Invalid limit: must be between 1 and 100.", param="limit")
    after = get_str(params, "starting_after")
    before = get_str(params, "ending_before")
    if after and before:
        raise invalid(
            "You may only specify one of these parameters: ending_before, starting_after."
        )
    ids = [o["id"] for o in items]
    if after:
        if after not in ids:
            raise invalid(
                f"No such object: '{after}'",
                param=param_name(["starting_after"]),
                code="resource_missing",
            )
        start = ids.index(after) + 1
        window, has_more = items[start : start + limit], start + limit < len(items)
    elif before:
        if before not in ids:
            raise invalid(
                f"No such object: '{before}'", param="ending_before", code="resource_missing"
            )
        end = ids.index(before)
        start = max(0, end - limit)
        window, has_more = items[start:end], start > 0
    else:
        window, has_more = items[:limit], len(items) > limit
    return list_object(window, url, has_more)

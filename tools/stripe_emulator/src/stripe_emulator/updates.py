"""The plain `POST /v1/<objects>/{id}` update: metadata and a few string fields, and one
`<object>.updated` event carrying the values it replaced."""

from __future__ import annotations

from .forms import Params, get_str, update_metadata
from .params_schema import check_known
from .store import Obj, RequestInfo, Store


def modify(
    store: Store,
    kind: str,
    object_id: str,
    params: Params,
    req: RequestInfo,
    *,
    schema: str,
    fields: tuple[str, ...] = (),
) -> Obj:
    """Update `metadata` and the string `fields` sent; no event when nothing was sent
    (`schema` is the SDK's params class, `kind` also names the id in "no such" errors)."""
    check_known(params, schema)
    obj = store.get(kind, object_id, kind)
    previous: Obj = {}
    update_metadata(obj, params, previous)
    for name in fields:
        if name in params:
            previous[name] = obj[name]
            obj[name] = get_str(params, name)
    if previous:
        store.emit(f"{kind}.updated", obj, req, previous=previous)
    return obj

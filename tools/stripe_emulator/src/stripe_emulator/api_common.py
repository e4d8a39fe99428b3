"""Plumbing shared by all `/v1` routes: auth, parameter decoding, the state lock,
idempotency keys, `expand[]` and Stripe-shaped error responses."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from . import checkout
from .errors import StripeError
from .expand import expand
from .forms import Params, decode, get_expand
from .ids import new_id
from .lists import filtered, paginate
from .params_schema import check_known
from .settings import Settings
from .store import IdempotentResult, Obj, RequestInfo, Store, public
from .webhooks import WebhookDispatcher


@dataclass
class Emulator:
    settings: Settings
    store: Store
    webhooks: WebhookDispatcher


def emulator(request: Request) -> Emulator:
    emu: Emulator = request.app.state.emulator
    return emu


@dataclass
class Call:
    """Everything an API operation may use; built per request."""

    store: Store
    settings: Settings
    params: Params
    req: RequestInfo
    account: str | None  # `Stripe-Account` header (acting as a connected account)


def error_response(err: StripeError, request_id: str | None = None, **headers: str) -> JSONResponse:
    h = {**err.headers, **headers}
    if request_id:
        h["Request-Id"] = request_id
    return JSONResponse(err.body(), status_code=err.status, headers=h)


def _api_key(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    key = ""
    if scheme.lower() == "bearer":
        key = value.strip()
    elif scheme.lower() == "basic":  # curl -u sk_test_...:
        try:
            key = base64.b64decode(value).decode().split(":", 1)[0]
        except ValueError:
            key = ""
    if not key:
        raise StripeError(
            401,
            "You did not provide an API key. Send it in the Authorization header as "
            "'Authorization: Bearer sk_test_...'.",
        )
    if not key.startswith(("sk_test_", "rk_test_")):
        shown = key[:8] + "*" * max(0, len(key) - 12) + key[-4:] if len(key) > 12 else key
        raise StripeError(
            401,
            f"Invalid API Key provided: {shown}. The emulator only accepts test-mode secret "
            "keys (sk_test_...).",
        )
    return key


def list_op(
    kind: str, url: str, schema: str, fields: dict[str, str] | None = None
) -> Callable[[Call], Obj]:
    """An operation listing `kind` newest first, filtered by equality on `fields`."""

    def op(c: Call) -> Obj:
        check_known(c.params, schema)
        return paginate(filtered(c.store.all(kind), c.params, fields), c.params, url)

    return op


def get_op(kind: str, object_id: str, param: str = "id") -> Callable[[Call], Obj]:
    return lambda c: c.store.get(kind, object_id, param)


class Resource(NamedTuple):
    """A Stripe resource's read routes: `GET url` (newest first, filtered by equality on
    `filters`) and `GET url/{id}` (`param` names the id in "no such" errors)."""

    kind: str
    url: str
    schema: str  # the SDK's list params class (`stripe.params....ListParams`)
    filters: tuple[str, ...] = ()
    param: str = "id"


def read_routes(router: APIRouter, *resources: Resource) -> None:
    for res in resources:
        fields = {name: name for name in res.filters}

        async def list_objects(
            request: Request, res: Resource = res, fields: Any = fields
        ) -> Response:
            return await run(request, list_op(res.kind, res.url, res.schema, fields))

        async def retrieve_object(
            request: Request, object_id: str, res: Resource = res
        ) -> Response:
            return await run(request, get_op(res.kind, object_id, res.param))

        router.add_api_route(res.url, list_objects, methods=["GET"], name=f"list {res.kind}")
        router.add_api_route(
            res.url + "/{object_id}", retrieve_object, methods=["GET"], name=f"get {res.kind}"
        )


def write_routes(router: APIRouter, routes: Mapping[str, Callable[..., Obj]]) -> None:
    """`POST path` for each operation `op(call, **path_params)`, in the order given."""
    for path, op in routes.items():

        async def write(request: Request, op: Callable[..., Obj] = op) -> Response:
            return await run(request, lambda c: op(c, **request.path_params))

        # The path parameters are not in the endpoint's signature: name them for the docs.
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", path)
        ]
        router.add_api_route(
            path,
            write,
            methods=["POST"],
            name=f"POST {path}",
            openapi_extra={"parameters": parameters} if parameters else None,
        )


async def run(request: Request, op: Callable[[Call], Obj]) -> Response:
    emu = emulator(request)
    store = emu.store
    request_id = new_id("req", 14)
    base_headers = {
        "Request-Id": request_id,
        "Stripe-Version": request.headers.get("stripe-version", store.api_version),
    }
    method = request.method.upper()
    key: str | None = None
    try:
        _api_key(request)
        raw = (
            (await request.body()).decode(errors="replace")
            if method == "POST"
            else request.url.query
        )
        params = decode(raw)
        key = request.headers.get("idempotency-key") if method == "POST" else None
        account = request.headers.get("stripe-account")
        async with store.lock:
            return _execute(
                emu, op, params, method, request.url.path, key, account, request_id, base_headers
            )
    except StripeError as err:
        return error_response(err, **base_headers)


def _execute(
    emu: Emulator,
    op: Callable[[Call], Obj],
    params: Params,
    method: str,
    path: str,
    key: str | None,
    account: str | None,
    request_id: str,
    headers: dict[str, str],
) -> Response:
    store = emu.store
    method_path = f"{method} {path}"
    fingerprint = json.dumps(params, sort_keys=True)
    slot = (account or "", key or "")
    if key:
        headers["Idempotency-Key"] = key
        prior = store.idempotency.get(slot)
        if prior is not None:
            if prior.method_path != method_path or prior.fingerprint != fingerprint:
                raise StripeError(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters "
                    f"they were first used with. Try using a key other than '{key}' if you "
                    "meant to execute a different request.",
                    type="idempotency_error",
                )
            return JSONResponse(
                prior.body,
                status_code=prior.status,
                headers={
                    **headers,
                    "Idempotent-Replayed": "true",
                    "Original-Request": prior.request_id,
                },
            )
    call = Call(store, emu.settings, params, RequestInfo(request_id, key), account)
    try:
        checkout.expire_due(store)
        body: Any = expand(store, public(op(call)), get_expand(params))
        status = 200
    except StripeError as err:
        if key and err.replayable:
            store.idempotency[slot] = IdempotentResult(
                method_path, fingerprint, err.status, err.body(), request_id
            )
        raise
    if key:
        store.idempotency[slot] = IdempotentResult(
            method_path, fingerprint, status, body, request_id
        )
    return JSONResponse(body, status_code=status, headers=headers)

"""`/v1/checkout/sessions` routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from . import checkout
from .api_common import Call, Resource, read_routes, run
from .forms import get_metadata
from .lists import paginate
from .params_schema import check_known
from .store import Obj

router = APIRouter()
read_routes(
    router,
    Resource(
        "checkout.session",
        "/v1/checkout/sessions",
        "stripe.params.checkout.SessionListParams",
        ("payment_intent", "status", "customer"),
        "session",
    ),
)


@router.post("/v1/checkout/sessions")
async def create_session(request: Request) -> Response:
    return await run(request, lambda c: checkout.create_session(c.store, c.settings, c.params))


@router.post("/v1/checkout/sessions/{session}")
async def update_session(request: Request, session: str) -> Response:
    def op(c: Call) -> Obj:
        check_known(c.params, "stripe.params.checkout.SessionModifyParams")
        obj = c.store.get("checkout.session", session, "session")
        if "metadata" in c.params:
            obj["metadata"] = get_metadata(c.params, current=obj["metadata"])
        return obj

    return await run(request, op)


@router.post("/v1/checkout/sessions/{session}/expire")
async def expire_session(request: Request, session: str) -> Response:
    return await run(request, lambda c: checkout.expire_session(c.store, session, c.req))


@router.get("/v1/checkout/sessions/{session}/line_items")
async def list_line_items(request: Request, session: str) -> Response:
    def op(c: Call) -> Obj:
        check_known(c.params, "stripe.params.checkout.SessionListLineItemsParams")
        c.store.get("checkout.session", session, "session")
        items = c.store.line_items.get(session, [])
        return paginate(items, c.params, f"/v1/checkout/sessions/{session}/line_items")

    return await run(request, op)

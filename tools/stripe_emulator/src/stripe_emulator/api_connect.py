"""Connect routes: accounts, account links, transfers and transfer reversals."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from . import connect
from .api_common import Call, Resource, read_routes, run, write_routes
from .errors import no_such
from .lists import paginate
from .params_schema import check_known
from .store import Obj

router = APIRouter()
read_routes(
    router,
    Resource("account", "/v1/accounts", "stripe.params.AccountListParams", param="account"),
    Resource(
        "transfer",
        "/v1/transfers",
        "stripe.params.TransferListParams",
        ("destination", "transfer_group"),
        "transfer",
    ),
)


write_routes(
    router,
    {
        "/v1/accounts": lambda c: connect.create_account(c.store, c.params),
        "/v1/accounts/{account}": lambda c, account: connect.update_account(
            c.store, account, c.params, c.req
        ),
        "/v1/account_links": lambda c: connect.create_account_link(c.store, c.settings, c.params),
        "/v1/transfers": lambda c: connect.create_transfer(c.store, c.params, c.req),
        "/v1/transfers/{transfer}": lambda c, transfer: connect.update_transfer(
            c.store, transfer, c.params, c.req
        ),
        "/v1/transfers/{transfer}/reversals": lambda c, transfer: connect.create_reversal(
            c.store, transfer, c.params, c.req
        ),
    },
)


@router.get("/v1/transfers/{transfer}/reversals")
async def list_reversals(request: Request, transfer: str) -> Response:
    def op(c: Call) -> Obj:
        check_known(c.params, "stripe.params.TransferReversalListParams")
        tr = c.store.get("transfer", transfer, "id")
        return paginate(
            list(tr["reversals"]["data"]), c.params, f"/v1/transfers/{transfer}/reversals"
        )

    return await run(request, op)


@router.get("/v1/transfers/{transfer}/reversals/{reversal}")
async def retrieve_reversal(request: Request, transfer: str, reversal: str) -> Response:
    def op(c: Call) -> Obj:
        c.store.get("transfer", transfer, "transfer")
        trr = c.store.get("transfer_reversal", reversal, "id")
        if trr["transfer"] != transfer:
            raise no_such("transfer_reversal", reversal)
        return trr

    return await run(request, op)

"""Balance, balance transactions and events routes.

`Stripe-Account: acct_...` switches balance views to that connected account, and limits
event listings to that account's (Connect) events.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from fastapi import APIRouter, Request
from fastapi.responses import Response

from . import balance
from .api_common import Call, get_op, run
from .forms import get_list, get_str
from .lists import filtered, paginate
from .params_schema import check_known
from .store import Obj

router = APIRouter()


@router.get("/v1/balance")
async def retrieve_balance(request: Request) -> Response:
    def op(c: Call) -> Obj:
        if c.account is not None:
            c.store.get("account", c.account, "Stripe-Account")
        return balance.balance(c.store, c.account)

    return await run(request, op)


@router.get("/v1/balance_transactions")
async def list_balance_transactions(request: Request) -> Response:
    def op(c: Call) -> Obj:
        check_known(c.params, "stripe.params.BalanceTransactionListParams")
        mine = [t for t in c.store.all("balance_transaction") if t["_account"] == c.account]
        fields = {"type": "type", "source": "source", "currency": "currency"}
        return paginate(filtered(mine, c.params, fields), c.params, "/v1/balance_transactions")

    return await run(request, op)


@router.get("/v1/balance_transactions/{txn}")
async def retrieve_balance_transaction(request: Request, txn: str) -> Response:
    return await run(request, get_op("balance_transaction", txn, "id"))


@router.get("/v1/events")
async def list_events(request: Request) -> Response:
    def op(c: Call) -> Obj:
        check_known(c.params, "stripe.params.EventListParams")
        events = c.store.all("event")
        if c.account is not None:
            events = [e for e in events if e.get("account") == c.account]
        patterns = [
            p for p in [get_str(c.params, "type"), *map(str, get_list(c.params, "types"))] if p
        ]
        if patterns:  # `type` accepts `*` wildcards, e.g. `charge.dispute.*`
            events = [e for e in events if any(fnmatchcase(e["type"], p) for p in patterns)]
        return paginate(filtered(events, c.params), c.params, "/v1/events")

    return await run(request, op)


@router.get("/v1/events/{event}")
async def retrieve_event(request: Request, event: str) -> Response:
    return await run(request, get_op("event", event, "id"))

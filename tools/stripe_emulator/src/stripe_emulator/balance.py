"""Balance bookkeeping: every money movement is a BalanceTransaction; balances are sums.

Simplifications (documented in the README): no Stripe fees (fee 0, net = amount), and
funds are available immediately instead of after the payout schedule.
"""

from __future__ import annotations

from collections import defaultdict

from . import objects
from .store import Obj, Store

# Which `source_types` bucket a balance transaction type moves.
_SOURCE_TYPE = "card"


def record(
    store: Store,
    source: str,
    amount: int,
    currency: str,
    category: str,
    *,
    type: str | None = None,
    description: str | None = None,
    account: str | None = None,
) -> Obj:
    """One money movement of `source` (an object id), signed: + in, - out of the account's
    balance (the platform's unless `account`). `type` defaults to the reporting `category`."""
    txn = objects.balance_transaction(
        amount=amount,
        currency=currency,
        source=source,
        type=type or category,
        reporting_category=category,
        description=description,
        account=account,
    )
    return store.add(txn)


def available(store: Store, currency: str, account: str | None = None) -> int:
    return sum(
        t["net"]
        for t in store.all("balance_transaction")
        if t["_account"] == account and t["currency"] == currency and t["status"] == "available"
    )


def balance(store: Store, account: str | None, default_currency: str = "usd") -> Obj:
    sums: dict[str, dict[str, int]] = defaultdict(lambda: {"available": 0, "pending": 0})
    for t in store.all("balance_transaction"):
        if t["_account"] == account:
            sums[t["currency"]][t["status"]] += t["net"]
    if not sums:
        sums[default_currency]

    def entries(status: str) -> list[Obj]:
        return [
            {"amount": v[status], "currency": cur, "source_types": {_SOURCE_TYPE: v[status]}}
            for cur, v in sorted(sums.items())
        ]

    result: Obj = {
        "object": "balance",
        "available": entries("available"),
        "livemode": False,
        "pending": entries("pending"),
    }
    if account is None:
        result["connect_reserved"] = [{"amount": 0, "currency": cur} for cur in sorted(sums)]
    return result

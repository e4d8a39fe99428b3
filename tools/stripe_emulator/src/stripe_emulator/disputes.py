"""Disputes (chargebacks): opened by a test switch (or a test card), closed won or lost."""

from __future__ import annotations

from . import balance, objects
from .errors import invalid
from .forms import Params, get_bool, get_dict, update_metadata
from .params_schema import check_known
from .store import AUTOMATIC, Obj, RequestInfo, Store, public

REASONS = (
    "bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated",
    "debit_not_authorized", "duplicate", "fraudulent", "general", "incorrect_account_details",
    "insufficient_funds", "product_not_received", "product_unacceptable",
    "subscription_canceled", "unrecognized",
)  # fmt: skip
OPEN_STATUSES = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")


def open_dispute(
    store: Store, charge_id: str, reason: str = "fraudulent", amount: int | None = None
) -> Obj:
    ch = store.get("charge", charge_id, "charge")
    if ch["status"] != "succeeded":
        raise invalid(
            f"Charge {charge_id} has not succeeded, so it cannot be disputed.", param="charge"
        )
    if ch.get("_dispute"):
        raise invalid(f"Charge {charge_id} already has a dispute.", param="charge")
    if reason not in REASONS:
        raise invalid(f"Invalid reason: must be one of {', '.join(REASONS)}", param="reason")
    amount = ch["amount"] if amount is None else amount
    if not 0 < amount <= ch["amount"]:
        raise invalid(
            "Dispute amount must be positive and at most the charge amount.", param="amount"
        )
    dp = store.add(objects.dispute(ch=ch, amount=amount, reason=reason))
    withdrawal = f"Chargeback withdrawal for {ch['id']}"
    txn = balance.record(
        store,
        dp["id"],
        -amount,
        ch["currency"],
        "dispute",
        type="adjustment",
        description=withdrawal,
    )
    dp["balance_transactions"].append(public(txn))
    ch["disputed"] = True
    ch["_dispute"] = dp["id"]
    store.emit("charge.dispute.created", dp)
    store.emit("charge.dispute.funds_withdrawn", dp)
    return dp


def close_dispute(store: Store, dispute_id: str, outcome: str, req: RequestInfo = AUTOMATIC) -> Obj:
    dp = store.get("dispute", dispute_id, "dispute")
    if dp["status"] not in OPEN_STATUSES:
        raise invalid(f"Dispute {dispute_id} is already closed ({dp['status']}).", param="dispute")
    if outcome == "won":
        reversal = f"Chargeback reversal for {dp['charge']}"
        txn = balance.record(
            store,
            dp["id"],
            dp["amount"],
            dp["currency"],
            "dispute_reversal",
            type="adjustment",
            description=reversal,
        )
        dp["balance_transactions"].append(public(txn))
        dp["status"] = "won"
        store.emit("charge.dispute.funds_reinstated", dp, req)
    elif outcome == "lost":
        dp["status"] = "lost"
    else:
        raise invalid("outcome must be `won` or `lost`", param="outcome")
    dp["evidence_details"]["past_due"] = False
    store.emit("charge.dispute.closed", dp, req)
    return dp


def update_dispute(store: Store, dispute_id: str, params: Params, req: RequestInfo) -> Obj:
    """Stage or submit evidence. Submitting (the default, as on Stripe) moves it under review."""
    check_known(params, "stripe.params.DisputeModifyParams")
    dp = store.get("dispute", dispute_id, "dispute")
    if dp["status"] not in OPEN_STATUSES:
        raise invalid(
            f"Dispute {dispute_id} is closed and can no longer be updated.", param="dispute"
        )
    previous: Obj = {}
    evidence = get_dict(params, "evidence")
    if evidence:
        previous["evidence"] = dict(dp["evidence"])
        for key, value in evidence.items():
            dp["evidence"][key] = value or None
        dp["evidence_details"]["has_evidence"] = True
    update_metadata(dp, params, previous)
    submit = get_bool(params, "submit")
    if submit is None or submit:
        previous["status"] = dp["status"]
        dp["status"] = "under_review"
        dp["evidence_details"]["submission_count"] += 1
    store.emit("charge.dispute.updated", dp, req, previous=previous)
    return dp

"""Refunds on succeeded charges (full or partial), by charge or by PaymentIntent."""

from __future__ import annotations

from . import balance, objects
from .errors import StripeError, invalid
from .forms import Params, get_int, get_metadata, get_str
from .money import fmt
from .params_schema import check_known
from .store import Obj, RequestInfo, Store
from .updates import modify

REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def _charge_for(store: Store, params: Params) -> Obj:
    charge_id = get_str(params, "charge")
    pi_id = get_str(params, "payment_intent")
    if charge_id is None and pi_id is None:
        raise invalid(
            "One of `charge` or `payment_intent` is required to create a refund.",
            code="parameter_missing",
        )
    if pi_id is not None:
        pi = store.get("payment_intent", pi_id, "payment_intent")
        if pi["status"] != "succeeded" or not pi["latest_charge"]:
            raise invalid(
                f"PaymentIntent {pi_id} has no succeeded charge to refund.",
                param="payment_intent",
            )
        if charge_id is not None and charge_id != pi["latest_charge"]:
            raise invalid("`charge` does not belong to `payment_intent`.", param="charge")
        charge_id = pi["latest_charge"]
    assert charge_id is not None
    return store.get("charge", charge_id, "charge")


def create_refund(store: Store, params: Params, req: RequestInfo) -> Obj:
    check_known(params, "stripe.params.RefundCreateParams")
    ch = _charge_for(store, params)
    if ch["status"] != "succeeded":
        raise invalid(
            f"Charge {ch['id']} has not succeeded, so it cannot be refunded.", param="charge"
        )
    dispute = store.find(ch.get("_dispute") or "")
    if dispute is not None and dispute["status"] != "won":
        raise StripeError(
            400,
            f"Charge {ch['id']} has been disputed; refunds are not possible while it is charged back.",
            code="charge_disputed",
            param="charge",
        )
    remaining = ch["amount"] - ch["amount_refunded"]
    if remaining <= 0:
        raise StripeError(
            400,
            f"Charge {ch['id']} has already been refunded.",
            code="charge_already_refunded",
            param="charge",
        )
    amount = get_int(params, "amount", minimum=1)
    if amount is None:
        amount = remaining
    if amount > remaining:
        raise StripeError(
            400,
            f"Refund amount ({fmt(amount, ch['currency'])}) is greater than the unrefunded "
            f"amount on the charge ({fmt(remaining, ch['currency'])})",
            code="amount_too_large",
            param="amount",
        )
    reason = get_str(params, "reason")
    if reason is not None and reason not in REASONS:
        raise invalid(f"Invalid reason: must be one of {', '.join(REASONS)}", param="reason")

    refund = store.add(
        objects.refund(
            ch=ch,
            amount=amount,
            reason=reason,
            metadata=get_metadata(params),
            description=get_str(params, "description"),
        )
    )
    txn = balance.record(store, refund["id"], -amount, ch["currency"], "refund")
    refund["balance_transaction"] = txn["id"]
    previous = {"amount_refunded": ch["amount_refunded"], "refunded": ch["refunded"]}
    ch["amount_refunded"] += amount
    ch["refunded"] = ch["amount_refunded"] == ch["amount"]
    ch.setdefault("_refunds", []).insert(0, refund["id"])
    store.emit("charge.refunded", ch, req, previous=previous)
    store.emit("refund.created", refund, req)
    return refund


def update_refund(store: Store, refund_id: str, params: Params, req: RequestInfo) -> Obj:
    return modify(
        store, "refund", refund_id, params, req, schema="stripe.params.RefundModifyParams"
    )

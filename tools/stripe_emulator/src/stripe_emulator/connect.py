"""Connect: Express accounts, onboarding links, and transfers to connected accounts."""

from __future__ import annotations

import re

from . import balance, objects
from .errors import StripeError, invalid, missing_param
from .forms import (
    Params,
    get_bool,
    get_currency,
    get_dict,
    get_int,
    get_metadata,
    get_str,
    update_metadata,
)
from .ids import new_id, now
from .money import fmt
from .params_schema import check_known
from .settings import Settings
from .store import AUTOMATIC, AccountLinkState, Obj, RequestInfo, Store, TransferFailRule
from .updates import modify

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY_BY_COUNTRY = {
    "US": "usd",
    "GB": "gbp",
    "CA": "cad",
    "AU": "aud",
    "CH": "chf",
    "JP": "jpy",
}
_EURO = {"AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PT"}
LINK_TTL = 300  # account links expire after five minutes, as on Stripe


# -- accounts ------------------------------------------------------------------------


def create_account(store: Store, params: Params) -> Obj:
    check_known(params, "stripe.params.AccountCreateParams")
    account_type = get_str(params, "type")
    if account_type is None:
        if "controller" not in params:
            raise missing_param("type")
        account_type = "express"  # controller-defined accounts: modelled as Express
    if account_type not in ("express", "standard", "custom"):
        raise invalid("Invalid type: must be one of custom, express, or standard", param="type")
    email = get_str(params, "email")
    if email is not None and not _EMAIL.match(email):
        raise invalid(f"Invalid email address: {email}", param="email", code="email_invalid")
    country = (get_str(params, "country") or "US").upper()
    requested = [
        name
        for name, spec in get_dict(params, "capabilities").items()
        if isinstance(spec, dict) and get_bool(spec, "requested", ["capabilities", name])
    ]
    if account_type in ("express", "custom") and not requested:
        raise invalid(
            "Express and Custom accounts must request capabilities, e.g. "
            "`capabilities[transfers][requested]=true`.",
            param="capabilities",
            code="parameter_missing",
        )
    default_currency = get_currency(params, "default_currency") or _CURRENCY_BY_COUNTRY.get(
        country, "eur" if country in _EURO else "usd"
    )
    acct = objects.account(
        type=account_type,
        email=email,
        country=country,
        metadata=get_metadata(params),
        capabilities=requested,
        business_type=get_str(params, "business_type"),
        business_profile=get_dict(params, "business_profile"),
        default_currency=default_currency,
    )
    return store.add(acct)


def update_account(store: Store, account_id: str, params: Params, req: RequestInfo) -> Obj:
    check_known(params, "stripe.params.AccountUpdateParams")
    acct = store.get("account", account_id, "account")
    previous: Obj = {}
    update_metadata(acct, params, previous)
    email = get_str(params, "email")
    if email is not None:
        previous["email"] = acct["email"]
        acct["email"] = email
    for key, value in get_dict(params, "business_profile").items():
        previous.setdefault("business_profile", dict(acct["business_profile"]))
        acct["business_profile"][key] = value or None
    for name, spec in get_dict(params, "capabilities").items():
        if isinstance(spec, dict) and get_bool(spec, "requested", ["capabilities", name]):
            if name not in acct["capabilities"]:
                previous.setdefault("capabilities", dict(acct["capabilities"]))
                acct["capabilities"][name] = "active" if acct["details_submitted"] else "inactive"
    if previous:
        store.emit("account.updated", acct, req, account=acct["id"], previous=previous)
    return acct


def complete_onboarding(store: Store, account_id: str) -> Obj:
    """What finishing the hosted onboarding form does. No-op (no event) if already done."""
    acct = store.get("account", account_id, "account")
    if acct["details_submitted"]:
        return acct
    changes = objects.onboarded_fields(acct)
    previous = {k: acct[k] for k in changes}
    acct.update(changes)
    store.emit("account.updated", acct, AUTOMATIC, account=acct["id"], previous=previous)
    return acct


def transfers_enabled(acct: Obj) -> bool:
    return acct["capabilities"].get("transfers") == "active"


# -- account links ---------------------------------------------------------------------


def create_account_link(store: Store, settings: Settings, params: Params) -> Obj:
    check_known(params, "stripe.params.AccountLinkCreateParams")
    account_id = get_str(params, "account", required=True)
    assert account_id is not None
    store.get("account", account_id, "account")
    link_type = get_str(params, "type", required=True)
    if link_type not in ("account_onboarding", "account_update"):
        raise invalid(
            "Invalid type: must be one of account_onboarding or account_update", param="type"
        )
    refresh_url = get_str(params, "refresh_url", required=True)
    return_url = get_str(params, "return_url", required=True)
    assert refresh_url is not None and return_url is not None
    created = now()
    token = new_id("acctlink", 32)
    store.account_links[token] = AccountLinkState(
        account=account_id,
        refresh_url=refresh_url,
        return_url=return_url,
        type=link_type,
        expires_at=created + LINK_TTL,
    )
    return {
        "object": "account_link",
        "created": created,
        "expires_at": created + LINK_TTL,
        "url": f"{settings.public_url}/connect/onboarding/{token}",
    }


# -- transfers -------------------------------------------------------------------------


def create_transfer(store: Store, params: Params, req: RequestInfo) -> Obj:
    check_known(params, "stripe.params.TransferCreateParams")
    amount = get_int(params, "amount", required=True, minimum=1)
    currency = get_currency(params, "currency", required=True)
    destination = get_str(params, "destination", required=True)
    assert amount is not None and currency is not None and destination is not None
    dest = store.find(destination)
    if dest is None or dest.get("object") != "account":
        raise StripeError(
            400,
            f"No such destination: '{destination}'",
            param="destination",
            code="resource_missing",
        )
    source_transaction = get_str(params, "source_transaction")
    if source_transaction is not None:
        source = store.find(source_transaction)
        if source is None or source.get("object") != "charge":
            raise invalid(
                f"No such charge: '{source_transaction}'",
                param="source_transaction",
                code="resource_missing",
            )
        if amount > source["amount"] - source["amount_refunded"]:
            raise invalid(
                "Transfer amount exceeds the source transaction's amount.", param="amount"
            )
    if not transfers_enabled(dest):
        raise StripeError(
            400,
            "Your destination account needs to have the `transfers` capability enabled "
            "(finish onboarding) before it can receive transfers.",
            param="destination",
            code="insufficient_capabilities_for_transfer",
        )
    for rule in list(store.transfer_fail_rules):
        if rule.destination in (None, destination):
            store.transfer_fail_rules.remove(rule)
            raise StripeError(400, rule.message, code=rule.code, replayable=True)
    if source_transaction is None and balance.available(store, currency) < amount:
        raise StripeError(
            400,
            f"Insufficient available funds: transferring {fmt(amount, currency)} needs at least "
            "that much available balance. Take a payment first (e.g. with 4242 4242 4242 4242).",
            code="balance_insufficient",
            replayable=True,
        )
    destination_payment = new_id("py")
    tr = objects.transfer(
        amount=amount,
        currency=currency,
        destination=destination,
        destination_payment=destination_payment,
        description=get_str(params, "description"),
        metadata=get_metadata(params),
        transfer_group=get_str(params, "transfer_group"),
        source_transaction=source_transaction,
    )
    store.add(tr)
    txn = balance.record(store, tr["id"], -amount, currency, "transfer")
    tr["balance_transaction"] = txn["id"]
    balance.record(
        store, destination_payment, amount, currency, "charge", type="payment", account=destination
    )
    store.emit("transfer.created", tr, req)
    return tr


def update_transfer(store: Store, transfer_id: str, params: Params, req: RequestInfo) -> Obj:
    return modify(
        store,
        "transfer",
        transfer_id,
        params,
        req,
        schema="stripe.params.TransferModifyParams",
        fields=("description",),
    )


def reverse_transfer(
    store: Store,
    transfer_id: str,
    *,
    amount: int | None,
    metadata: dict[str, str],
    req: RequestInfo = AUTOMATIC,
) -> Obj:
    tr = store.get("transfer", transfer_id, "id")
    remaining = tr["amount"] - tr["amount_reversed"]
    if remaining <= 0:
        raise invalid(f"Transfer {transfer_id} has already been fully reversed.", param="id")
    amount = remaining if amount is None else amount
    if not 0 < amount <= remaining:
        raise invalid(
            f"Reversal amount ({fmt(amount, tr['currency'])}) must be positive and at most the "
            f"unreversed amount ({fmt(remaining, tr['currency'])}).",
            param="amount",
        )
    trr = objects.transfer_reversal(
        tr=tr, amount=amount, metadata=metadata, destination_payment_refund=new_id("pyr")
    )
    store.add(trr)
    txn = balance.record(
        store, trr["id"], amount, tr["currency"], "transfer_reversal", type="transfer_refund"
    )
    trr["balance_transaction"] = txn["id"]
    balance.record(
        store,
        trr["destination_payment_refund"],
        -amount,
        tr["currency"],
        "refund",
        type="payment_refund",
        account=tr["destination"],
    )
    previous = {"amount_reversed": tr["amount_reversed"], "reversed": tr["reversed"]}
    tr["amount_reversed"] += amount
    tr["reversed"] = tr["amount_reversed"] == tr["amount"]
    tr["reversals"]["data"].insert(0, trr)
    tr["reversals"]["total_count"] += 1
    store.emit("transfer.reversed", tr, req, previous=previous)
    return trr


def create_reversal(store: Store, transfer_id: str, params: Params, req: RequestInfo) -> Obj:
    check_known(params, "stripe.params.TransferCreateReversalParams")
    return reverse_transfer(
        store,
        transfer_id,
        amount=get_int(params, "amount", minimum=1),
        metadata=get_metadata(params),
        req=req,
    )


def fail_next_transfer(
    store: Store, destination: str | None, code: str | None, message: str | None
) -> TransferFailRule:
    rule = TransferFailRule(
        destination=destination,
        code=code or "transfers_not_allowed",
        message=message
        or "The requested transfer cannot be created (failure forced by the emulator).",
    )
    store.transfer_fail_rules.append(rule)
    return rule

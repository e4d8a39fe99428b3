"""Checkout Sessions: creation, expiry and payment (hosted page or test switch)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import balance, objects
from .cards import TestCard, behaviour, card_error, parse_card
from .errors import StripeError, invalid, missing_param, unsupported
from .forms import (
    Params,
    get_bool,
    get_currency,
    get_dict,
    get_int,
    get_list,
    get_metadata,
    get_str,
)
from .ids import new_id, now
from .money import MINIMUM_CHARGE, fmt, tax_for
from .params_schema import check_known
from .settings import Settings
from .store import AUTOMATIC, Obj, RequestInfo, Store

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")
SESSION_TTL = 24 * 3600
OPEN_SESSION_MESSAGE = "This Checkout Session is no longer open."


def _url(params: Params, key: str) -> str | None:
    value = get_str(params, key)
    if value is not None and not _URL.match(value):
        raise invalid("Not a valid URL", param=key, code="url_invalid")
    return value


def _line_items(params: Params, rate_bps: int | None) -> list[Obj]:
    raw = get_list(params, "line_items")
    if not raw:
        raise invalid(
            "`line_items` is required in `payment` mode.",
            param="line_items",
            code="parameter_missing",
        )
    items: list[Obj] = []
    for i, item in enumerate(raw):
        path: list[str | int] = ["line_items", i]
        if not isinstance(item, dict):
            raise invalid("Invalid object", param=f"line_items[{i}]")
        if "price" in item:
            raise unsupported(f"line_items[{i}][price]")  # no Price/Product catalogue here
        if "price_data" not in item:
            raise missing_param(f"line_items[{i}][price_data]")
        pd = get_dict(item, "price_data", path)
        pd_path = [*path, "price_data"]
        if "recurring" in pd:
            raise unsupported(f"line_items[{i}][price_data][recurring]")
        if "product" in pd:
            raise unsupported(f"line_items[{i}][price_data][product]")
        currency = get_currency(pd, "currency", pd_path, required=True)
        unit_amount = get_int(pd, "unit_amount", pd_path, minimum=0)
        if unit_amount is None:
            decimal = get_str(pd, "unit_amount_decimal", pd_path)
            if decimal is None:
                raise missing_param(f"line_items[{i}][price_data][unit_amount]")
            if not re.fullmatch(r"\d+", decimal):
                raise unsupported(
                    f"line_items[{i}][price_data][unit_amount_decimal]",
                    "fractional unit_amount_decimal",
                )
            unit_amount = int(decimal)
        product = get_dict(pd, "product_data", pd_path)
        name = get_str(product, "name", [*pd_path, "product_data"], required=True)
        quantity = get_int(item, "quantity", path, required=True, minimum=1)
        assert currency is not None and name is not None and quantity is not None
        subtotal = unit_amount * quantity
        items.append(
            objects.line_item(
                currency=currency,
                unit_amount=unit_amount,
                quantity=quantity,
                name=name,
                tax=tax_for(subtotal, rate_bps) if rate_bps is not None else 0,
            )
        )
    currencies = {li["currency"] for li in items}
    if len(currencies) > 1:
        raise invalid("All line items must use the same currency.", param="line_items")
    return items


def create_session(store: Store, settings: Settings, params: Params) -> Obj:
    check_known(params, "stripe.params.checkout.SessionCreateParams")
    mode = get_str(params, "mode", required=True)
    if mode not in ("payment", "setup", "subscription"):
        raise invalid("Invalid mode: must be one of payment, setup, or subscription", param="mode")
    if mode != "payment":
        raise unsupported("mode", f"mode={mode}")
    if get_str(params, "ui_mode") not in (None, "hosted"):
        raise unsupported("ui_mode")
    for key in (
        "customer",
        "discounts",
        "shipping_options",
        "subscription_data",
        "setup_intent_data",
    ):
        if key in params and params[key] != "":
            raise unsupported(key)
    pi_data = get_dict(params, "payment_intent_data")
    for key in ("transfer_data", "application_fee_amount", "on_behalf_of", "setup_future_usage"):
        if key in pi_data:
            raise unsupported(f"payment_intent_data[{key}]")
    if get_str(pi_data, "capture_method", ["payment_intent_data"]) == "manual":
        raise unsupported("payment_intent_data[capture_method]", "capture_method=manual")

    tax_enabled = bool(get_bool(get_dict(params, "automatic_tax"), "enabled", ["automatic_tax"]))
    items = _line_items(params, settings.tax_rate_bps if tax_enabled else None)
    currency = items[0]["currency"]
    requested_currency = get_currency(params, "currency")
    if requested_currency and requested_currency != currency:
        raise invalid("`currency` must match the currency of the line items.", param="currency")
    subtotal = sum(li["amount_subtotal"] for li in items)
    tax = sum(li["amount_tax"] for li in items)
    minimum = MINIMUM_CHARGE.get(currency)
    if minimum is not None and subtotal + tax < minimum:
        raise invalid(
            f"The Checkout Session's total amount due must add up to at least {fmt(minimum, currency)}",
            param="line_items",
            code="amount_too_small",
        )

    customer_email = get_str(params, "customer_email")
    if customer_email is not None and not _EMAIL.match(customer_email):
        raise invalid(
            "Invalid email address: " + customer_email, param="customer_email", code="email_invalid"
        )
    client_reference_id = get_str(params, "client_reference_id")
    if client_reference_id is not None and len(client_reference_id) > 200:
        raise invalid(
            "client_reference_id must be at most 200 characters", param="client_reference_id"
        )
    created = now()
    expires_at = get_int(params, "expires_at")
    if expires_at is None:
        expires_at = created + SESSION_TTL
    elif not created + 1800 <= expires_at <= created + SESSION_TTL:
        raise invalid(
            "`expires_at` must be between 30 minutes and 24 hours from now.", param="expires_at"
        )

    session_id = new_id("cs_test", 58)
    session = objects.checkout_session(
        session_id=session_id,
        url=f"{settings.public_url}/checkout/{session_id}",
        currency=currency,
        subtotal=subtotal,
        tax=tax,
        automatic_tax=tax_enabled,
        metadata=get_metadata(params),
        client_reference_id=client_reference_id,
        customer_email=customer_email,
        success_url=_url(params, "success_url"),
        cancel_url=_url(params, "cancel_url"),
        expires_at=expires_at,
        locale=get_str(params, "locale"),
        submit_type=get_str(params, "submit_type"),
    )
    # What the PaymentIntent gets once the customer pays (it is created lazily, as Stripe does).
    session["_pi_data"] = {
        "metadata": get_metadata(pi_data),
        "description": get_str(pi_data, "description", ["payment_intent_data"]),
        "receipt_email": get_str(pi_data, "receipt_email", ["payment_intent_data"]),
        "transfer_group": get_str(pi_data, "transfer_group", ["payment_intent_data"]),
        "statement_descriptor": get_str(pi_data, "statement_descriptor", ["payment_intent_data"]),
    }
    store.add(session)
    store.line_items[session_id] = items
    return session


def expire_due(store: Store) -> None:
    """Sessions past `expires_at` expire lazily, whenever the API or a page looks at state."""
    t = now()
    for session in store.all("checkout.session"):
        if session["status"] == "open" and session["expires_at"] <= t:
            _expire(store, session, AUTOMATIC)


def expire_session(store: Store, session_id: str, req: RequestInfo) -> Obj:
    session = store.get("checkout.session", session_id, "session")
    if session["status"] != "open":
        raise invalid(
            f"Only Checkout Sessions with status `open` can be expired; this one is `{session['status']}`.",
            param="session",
        )
    return _expire(store, session, req)


def _expire(store: Store, session: Obj, req: RequestInfo) -> Obj:
    session["status"] = "expired"
    session["url"] = None
    pi_id = session["payment_intent"]
    if pi_id:  # an intent left over from declined attempts gets canceled with the session
        pi = store.get("payment_intent", pi_id)
        pi.update(status="canceled", canceled_at=now(), cancellation_reason="abandoned")
        store.emit("payment_intent.canceled", pi, req)
    store.emit("checkout.session.expired", session, req)
    return session


@dataclass
class PaymentOutcome:
    session: Obj
    payment_intent: Obj
    charge: Obj
    redirect_url: str


def redirect_url(settings: Settings, session: Obj) -> str:
    url = session["success_url"]
    if not url:
        return f"{settings.public_url}/checkout/{session['id']}"
    return str(url).replace("{CHECKOUT_SESSION_ID}", session["id"])


def pay_session(
    store: Store,
    settings: Settings,
    session_id: str,
    *,
    email: str | None,
    name: str | None,
    number: str,
    expiry: str,
    cvc: str,
) -> PaymentOutcome:
    """Pay with a card. Declines raise a 402 card_error after recording the failed charge."""
    expire_due(store)
    session = store.get("checkout.session", session_id, "session")
    if session["status"] != "open":
        raise StripeError(
            400, OPEN_SESSION_MESSAGE, param="session", code="checkout_session_not_open"
        )
    email = session["customer_email"] or (email or "").strip()
    if not email:  # as Stripe's own page: an empty field is incomplete, not invalid
        raise StripeError(400, "Your email is incomplete.", param="email", code="email_incomplete")
    if not _EMAIL.match(email):
        raise StripeError(
            400, "Your email address is invalid.", param="email", code="email_invalid"
        )
    card = parse_card(number, expiry, cvc)
    test_card = behaviour(card)

    pi = _payment_intent_for(store, session)
    payment_method = new_id("pm")
    pi["payment_method"] = payment_method
    status = {"succeeded": "succeeded", "declined": "failed", "async": "pending"}[test_card.outcome]
    ch = store.add(
        objects.charge(
            pi=pi,
            card=card,
            test_card=test_card,
            payment_method=payment_method,
            email=email,
            name=name or None,
            status=status,
            public_url=settings.public_url,
        )
    )
    pi["latest_charge"] = ch["id"]

    if status == "failed":
        pi["last_payment_error"] = objects.payment_error(test_card, ch, payment_method)
        store.emit("charge.failed", ch)
        store.emit("payment_intent.payment_failed", pi)
        err = card_error(
            test_card.message, test_card.error_code, decline_code=test_card.decline_code
        )
        err.extra.update(charge=ch["id"], payment_intent=pi["id"])
        raise err

    pi["last_payment_error"] = None
    session["status"] = "complete"
    session["url"] = None
    session["customer_details"] = {
        "address": None,
        "email": email,
        "name": name or None,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }
    if status == "pending":
        pi["status"] = "processing"
        pi["processing"] = {"type": "card"}
        store.emit("payment_intent.processing", pi)
        store.emit("charge.pending", ch)
        store.emit("checkout.session.completed", session)
    else:
        _settle(store, session, pi, ch)
        store.emit("charge.succeeded", ch)
        store.emit("payment_intent.succeeded", pi)
        store.emit("checkout.session.completed", session)
        if test_card.dispute_reason:
            from .disputes import open_dispute  # local import: disputes builds on payments

            open_dispute(store, ch["id"], reason=test_card.dispute_reason)
    return PaymentOutcome(session, pi, ch, redirect_url(settings, session))


def _payment_intent_for(store: Store, session: Obj) -> Obj:
    if session["payment_intent"]:
        return store.get("payment_intent", session["payment_intent"])
    data: dict[str, Any] = session["_pi_data"]
    pi = store.add(
        objects.payment_intent(
            amount=session["amount_total"],
            currency=session["currency"],
            metadata=dict(data["metadata"]),
            description=data["description"],
            receipt_email=data["receipt_email"],
            transfer_group=data["transfer_group"],
            statement_descriptor=data["statement_descriptor"],
        )
    )
    session["payment_intent"] = pi["id"]
    store.emit("payment_intent.created", pi)
    return pi


def _settle(store: Store, session: Obj, pi: Obj, ch: Obj) -> None:
    """Money arrives: charge succeeded with its balance transaction, intent succeeded."""
    txn = balance.record(store, ch["id"], ch["amount"], ch["currency"], "charge")
    ch.update(
        status="succeeded",
        paid=True,
        captured=True,
        amount_captured=ch["amount"],
        balance_transaction=txn["id"],
    )
    ch["outcome"]["seller_message"] = "Payment complete."
    pi.update(
        status="succeeded", amount_received=pi["amount"], processing=None, last_payment_error=None
    )
    session["payment_status"] = "paid"


def complete_async_payment(store: Store, session_id: str, outcome: str) -> Obj:
    session = store.get("checkout.session", session_id, "session")
    pi = store.find(session["payment_intent"] or "")
    if session["status"] != "complete" or pi is None or pi["status"] != "processing":
        raise invalid("This Checkout Session has no payment awaiting settlement.", param="session")
    ch = store.get("charge", pi["latest_charge"])
    if outcome == "succeeded":
        _settle(store, session, pi, ch)
        store.emit("charge.succeeded", ch)
        store.emit("payment_intent.succeeded", pi)
        store.emit("checkout.session.async_payment_succeeded", session)
    elif outcome == "failed":
        failure = TestCard(
            "declined",
            decline_code="insufficient_funds",
            message="Your card has insufficient funds.",
        )
        ch.update(status="failed", failure_code="card_declined", failure_message=failure.message)
        ch["outcome"] = objects.charge_outcome("failed", failure)
        pi.update(
            status="requires_payment_method",
            processing=None,
            last_payment_error=objects.payment_error(failure, ch, pi["payment_method"]),
        )
        store.emit("charge.failed", ch)
        store.emit("payment_intent.payment_failed", pi)
        store.emit("checkout.session.async_payment_failed", session)
    else:
        raise invalid("outcome must be `succeeded` or `failed`", param="outcome")
    return session

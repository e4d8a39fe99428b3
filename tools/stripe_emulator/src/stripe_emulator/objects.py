"""Builders for Stripe object shapes (fields as documented for each resource).

Only fields with meaning in the emulator get real values; the others are present with
Stripe's neutral value (null, false, [] or {}) so code reading them behaves as on Stripe.
"""

from __future__ import annotations

from typing import Any

from .cards import CardInput, TestCard
from .ids import new_id, now
from .store import Obj

DAY = 86_400


def list_object(data: list[Obj], url: str, has_more: bool = False) -> Obj:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def line_item(*, currency: str, unit_amount: int, quantity: int, name: str, tax: int) -> Obj:
    subtotal = unit_amount * quantity
    product = new_id("prod", 14)
    return {
        "id": new_id("li", 24),
        "object": "item",
        "amount_discount": 0,
        "amount_subtotal": subtotal,
        "amount_tax": tax,
        "amount_total": subtotal + tax,
        "currency": currency,
        "description": name,
        "price": {
            "id": new_id("price", 24),
            "object": "price",
            "active": False,
            "billing_scheme": "per_unit",
            "created": now(),
            "currency": currency,
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": None,
            "metadata": {},
            "nickname": None,
            "product": product,
            "recurring": None,
            "tax_behavior": "unspecified",
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
        },
        "quantity": quantity,
    }


def checkout_session(
    *,
    session_id: str,
    url: str,
    currency: str,
    subtotal: int,
    tax: int,
    automatic_tax: bool,
    metadata: dict[str, str],
    client_reference_id: str | None,
    customer_email: str | None,
    success_url: str | None,
    cancel_url: str | None,
    expires_at: int,
    locale: str | None,
    submit_type: str | None,
) -> Obj:
    created = now()
    return {
        "id": session_id,
        "object": "checkout.session",
        "adaptive_pricing": None,
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": subtotal,
        "amount_total": subtotal + tax,
        "automatic_tax": {
            "enabled": automatic_tax,
            "liability": {"type": "self"} if automatic_tax else None,
            "provider": "stripe" if automatic_tax else None,
            "status": "complete" if automatic_tax else None,
        },
        "billing_address_collection": None,
        "cancel_url": cancel_url,
        "client_reference_id": client_reference_id,
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": created,
        "currency": currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": None,
        "customer_creation": "if_required",
        "customer_details": None,
        "customer_email": customer_email,
        "discounts": [],
        "expires_at": expires_at,
        "invoice": None,
        "invoice_creation": {"enabled": False, "invoice_data": {}},
        "livemode": False,
        "locale": locale,
        "metadata": metadata,
        "mode": "payment",
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": submit_type,
        "subscription": None,
        "success_url": success_url,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": tax},
        "ui_mode": "hosted",
        "url": url,
        "wallet_options": None,
    }


def payment_intent(
    *,
    amount: int,
    currency: str,
    metadata: dict[str, str],
    description: str | None,
    receipt_email: str | None,
    transfer_group: str | None,
    statement_descriptor: str | None,
) -> Obj:
    pi_id = new_id("pi")
    return {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic_async",
        "client_secret": f"{pi_id}_secret_{new_id('s', 25)[2:]}",
        "confirmation_method": "automatic",
        "created": now(),
        "currency": currency,
        "customer": None,
        "description": description,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": receipt_email,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": statement_descriptor,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": transfer_group,
    }


def charge(
    *,
    pi: Obj,
    card: CardInput,
    test_card: TestCard,
    payment_method: str,
    email: str | None,
    name: str | None,
    status: str,
    public_url: str,
) -> Obj:
    ch_id = new_id("ch")
    failed = status == "failed"
    return {
        "id": ch_id,
        "object": "charge",
        "amount": pi["amount"],
        "amount_captured": pi["amount"] if status == "succeeded" else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": {"address": None, "email": email, "name": name, "phone": None},
        "calculated_statement_descriptor": "EMULATOR",
        "captured": status == "succeeded",
        "created": now(),
        "currency": pi["currency"],
        "customer": None,
        "description": pi["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": test_card.error_code if failed else None,
        "failure_message": test_card.message if failed else None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(pi["metadata"]),
        "on_behalf_of": None,
        "outcome": charge_outcome(status, test_card),
        "paid": status == "succeeded",
        "payment_intent": pi["id"],
        "payment_method": payment_method,
        "payment_method_details": {
            "card": {
                "amount_authorized": pi["amount"] if not failed else None,
                "brand": test_card.brand,
                "checks": {
                    "address_line1_check": None,
                    "address_postal_code_check": None,
                    "cvc_check": "pass",
                },
                "country": "US",
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "fingerprint": "emu" + card.number[-8:],
                "funding": test_card.funding,
                "last4": card.last4,
                "network": test_card.brand,
                "three_d_secure": None,
                "wallet": None,
            },
            "type": "card",
        },
        "receipt_email": pi["receipt_email"],
        "receipt_number": None,
        "receipt_url": f"{public_url}/receipts/{ch_id}",
        "refunded": False,
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": pi["statement_descriptor"],
        "statement_descriptor_suffix": None,
        "status": status,
        "transfer_data": None,
        "transfer_group": pi["transfer_group"],
    }


def charge_outcome(status: str, test_card: TestCard) -> Obj:
    if status == "failed":
        return {
            "network_status": "declined_by_network",
            "reason": test_card.decline_code or test_card.error_code,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined",
        }
    return {
        "network_status": "approved_by_network",
        "reason": None,
        "risk_level": "normal",
        "risk_score": 20,
        "seller_message": "Payment complete." if status == "succeeded" else None,
        "type": "authorized",
    }


def payment_error(test_card: TestCard, ch: Obj, payment_method: str) -> Obj:
    """`last_payment_error` on a PaymentIntent after a decline."""
    err: Obj = {
        "charge": ch["id"],
        "code": test_card.error_code,
        "message": test_card.message,
        "payment_method": {"id": payment_method, "object": "payment_method", "type": "card"},
        "type": "card_error",
    }
    if test_card.decline_code:
        err["decline_code"] = test_card.decline_code
    return err


def balance_transaction(
    *,
    amount: int,
    currency: str,
    source: str,
    type: str,
    reporting_category: str,
    description: str | None = None,
    account: str | None = None,
) -> Obj:
    created = now()
    return {
        "id": new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created,
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": 0,
        "fee_details": [],
        "net": amount,
        "reporting_category": reporting_category,
        "source": source,
        "status": "available",
        "type": type,
        "_account": account,  # whose balance this moves: None = the platform
    }


def refund(
    *, ch: Obj, amount: int, reason: str | None, metadata: dict[str, str], description: str | None
) -> Obj:
    return {
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": ch["id"],
        "created": now(),
        "currency": ch["currency"],
        "description": description,
        "destination_details": {
            "card": {
                "reference_status": "pending",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        },
        "metadata": metadata,
        "payment_intent": ch["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def dispute(*, ch: Obj, amount: int, reason: str) -> Obj:
    created = now()
    evidence_fields = [
        "access_activity_log", "billing_address", "cancellation_policy",
        "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_communication",
        "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
        "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id",
        "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
        "refund_refusal_explanation", "service_date", "service_documentation",
        "shipping_address", "shipping_carrier", "shipping_date", "shipping_documentation",
        "shipping_tracking_number", "uncategorized_file", "uncategorized_text",
    ]  # fmt: skip
    return {
        "id": new_id("dp"),
        "object": "dispute",
        "amount": amount,
        "balance_transactions": [],
        "charge": ch["id"],
        "created": created,
        "currency": ch["currency"],
        "enhanced_eligibility_types": [],
        "evidence": dict.fromkeys(evidence_fields),
        "evidence_details": {
            "due_by": created + 7 * DAY,
            "enhanced_eligibility": {},
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "network_reason_code": "10.4" if reason == "fraudulent" else "13.1",
        "payment_intent": ch["payment_intent"],
        "payment_method_details": {
            "card": {
                "brand": ch["payment_method_details"]["card"]["brand"],
                "case_type": "chargeback",
                "network_reason_code": "10.4",
            },
            "type": "card",
        },
        "reason": reason,
        "status": "needs_response",
    }


def account(
    *,
    type: str,
    email: str | None,
    country: str,
    metadata: dict[str, str],
    capabilities: list[str],
    business_type: str | None,
    business_profile: dict[str, Any],
    default_currency: str,
) -> Obj:
    acct_id = new_id("acct", 16)
    due = ["business_profile.url", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]
    return {
        "id": acct_id,
        "object": "account",
        "business_profile": {
            "mcc": business_profile.get("mcc"),
            "name": business_profile.get("name"),
            "product_description": business_profile.get("product_description"),
            "support_email": business_profile.get("support_email"),
            "support_phone": None,
            "support_url": None,
            "url": business_profile.get("url"),
        },
        "business_type": business_type,
        "capabilities": dict.fromkeys(capabilities, "inactive"),
        "charges_enabled": False,
        "controller": {
            "fees": {"payer": "application_express" if type == "express" else "account"},
            "is_controller": True,
            "losses": {"payments": "application"},
            "requirement_collection": "stripe",
            "stripe_dashboard": {"type": "express" if type == "express" else "full"},
            "type": "application",
        },
        "country": country,
        "created": now(),
        "default_currency": default_currency,
        "details_submitted": False,
        "email": email,
        "external_accounts": list_object([], f"/v1/accounts/{acct_id}/external_accounts"),
        "future_requirements": _requirements([]),
        "login_links": list_object([], f"/v1/accounts/{acct_id}/login_links"),
        "metadata": metadata,
        "payouts_enabled": False,
        "requirements": _requirements(due, disabled_reason="requirements.past_due"),
        "settings": {
            "payouts": {
                "debit_negative_balances": True,
                "schedule": {"delay_days": 2, "interval": "daily"},
                "statement_descriptor": None,
            }
        },
        "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
        "type": type,
    }


def _requirements(due: list[str], disabled_reason: str | None = None) -> Obj:
    return {
        "alternatives": [],
        "current_deadline": None,
        "currently_due": list(due),
        "disabled_reason": disabled_reason,
        "errors": [],
        "eventually_due": list(due),
        "past_due": list(due),
        "pending_verification": [],
    }


def onboarded_fields(acct: Obj) -> Obj:
    """The fields onboarding changes, with their new values."""
    return {
        "capabilities": dict.fromkeys(acct["capabilities"], "active"),
        "charges_enabled": True,
        "details_submitted": True,
        "payouts_enabled": True,
        "requirements": _requirements([]),
        "tos_acceptance": {"date": now(), "ip": "127.0.0.1", "user_agent": "stripe-emulator"},
    }


def transfer(
    *,
    amount: int,
    currency: str,
    destination: str,
    destination_payment: str,
    description: str | None,
    metadata: dict[str, str],
    transfer_group: str | None,
    source_transaction: str | None,
) -> Obj:
    tr_id = new_id("tr")
    return {
        "id": tr_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": None,
        "created": now(),
        "currency": currency,
        "description": description,
        "destination": destination,
        "destination_payment": destination_payment,
        "livemode": False,
        "metadata": metadata,
        "reversals": list_object([], f"/v1/transfers/{tr_id}/reversals") | {"total_count": 0},
        "reversed": False,
        "source_transaction": source_transaction,
        "source_type": "card",
        "transfer_group": transfer_group,
    }


def transfer_reversal(
    *, tr: Obj, amount: int, metadata: dict[str, str], destination_payment_refund: str
) -> Obj:
    return {
        "id": new_id("trr"),
        "object": "transfer_reversal",
        "amount": amount,
        "balance_transaction": None,
        "created": now(),
        "currency": tr["currency"],
        "destination_payment_refund": destination_payment_refund,
        "metadata": metadata,
        "source_refund": None,
        "transfer": tr["id"],
    }

"""Everything billing asks Stripe, through the official SDK's async calls.

Every POST carries our own deterministic idempotency key, so a retried request (ours, or the
SDK's network retries) can never charge or refund twice. Stripe objects are turned into plain
dicts at this edge and parsed into domain values by the pure functions below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stripe

from billing.domain import Payment, StripeDispute, StripeRefund
from billing.settings import BillingSettings

Obj = dict[str, Any]


class StripeUnavailable(Exception):
    """Stripe could not be reached or failed on its side: try again later."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    expires_at: int


def _plain(obj: Any) -> Obj:
    if isinstance(obj, stripe.StripeObject):
        return obj.to_dict()
    return dict(obj)


def _id(value: Any) -> str | None:
    """An id field that may also come expanded into its object."""
    if isinstance(value, dict):
        return str(value.get("id")) if value.get("id") else None
    return str(value) if value else None


def payment_from_session(session: Obj, charge: Obj | None = None) -> Payment:
    total = int(session.get("amount_total") or 0)
    tax = int((session.get("total_details") or {}).get("amount_tax") or 0)
    subtotal = session.get("amount_subtotal")
    card = ((charge or {}).get("payment_method_details") or {}).get("card") or {}
    return Payment(
        session_id=str(session["id"]),
        payment_intent=_id(session.get("payment_intent")),
        amount_subtotal=int(subtotal) if subtotal is not None else None,
        tax=tax,
        amount_total=total,
        charge_id=_id(charge.get("id")) if charge else None,
        receipt_url=(charge or {}).get("receipt_url"),
        card_brand=card.get("brand"),
        card_last4=card.get("last4"),
    )


def refund_from(obj: Obj) -> StripeRefund:
    meta = obj.get("metadata") or {}
    return StripeRefund(
        refund_id=str(obj["id"]),
        amount=int(obj.get("amount") or 0),
        status=str(obj.get("status") or "succeeded"),
        reason=obj.get("reason"),
        request_key=meta.get("request_key") or None,
        requested_by=meta.get("requested_by") or None,
    )


def dispute_from(obj: Obj) -> StripeDispute:
    return StripeDispute(
        dispute_id=str(obj["id"]),
        amount=int(obj.get("amount") or 0),
        status=str(obj.get("status") or ""),
        reason=obj.get("reason"),
    )


class StripeGateway:
    def __init__(self, settings: BillingSettings) -> None:
        self.settings = settings
        self._http = stripe.HTTPXClient(timeout=settings.stripe_timeout_s)
        base = settings.stripe_base_url
        self.client = stripe.StripeClient(
            settings.stripe_api_key,
            base_addresses={"api": base} if base else {},
            http_client=self._http,
            max_network_retries=settings.stripe_max_network_retries,
        )

    async def close(self) -> None:
        await self._http.close_async()

    async def create_checkout_session(
        self,
        *,
        transaction_id: str,
        buyer_id: str,
        persona_id: str,
        creator_id: str,
        persona_name: str,
        amount: int,
        currency: str,
        success_url: str,
        cancel_url: str,
        expires_at: int,
    ) -> CheckoutSession:
        metadata = {
            "transaction_id": transaction_id,
            "persona_id": persona_id,
            "buyer_id": buyer_id,
            "creator_id": creator_id,
        }
        price_data: Obj = {
            "currency": currency,
            "unit_amount": amount,
            "product_data": {
                "name": persona_name or "Persona",
                "metadata": {"persona_id": persona_id},
            },
        }
        params: Obj = {
            "mode": "payment",
            "line_items": [{"price_data": price_data, "quantity": 1}],
            "client_reference_id": buyer_id,
            "metadata": metadata,
            # The charge inherits these, so refunds and disputes find their way back to us.
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
        }
        if persona_name:
            params["payment_intent_data"]["description"] = persona_name[:200]
        if self.settings.tax_enabled:
            params["automatic_tax"] = {"enabled": True}
            price_data["tax_behavior"] = "exclusive"
            price_data["product_data"]["tax_code"] = self.settings.tax_code
        session = await self._call(
            self.client.v1.checkout.sessions.create_async(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"checkout:{transaction_id}"},
            )
        )
        return CheckoutSession(
            id=str(session["id"]), url=str(session["url"]), expires_at=int(session["expires_at"])
        )

    async def retrieve_session(self, session_id: str) -> Obj:
        return await self._call(self.client.v1.checkout.sessions.retrieve_async(session_id))

    async def retrieve_payment_intent(self, payment_intent: str) -> Obj:
        return await self._call(self.client.v1.payment_intents.retrieve_async(payment_intent))

    async def latest_charge(self, payment_intent: str) -> Obj | None:
        """The charge behind a PaymentIntent, for the receipt (card, receipt URL)."""
        pi = await self._call(
            self.client.v1.payment_intents.retrieve_async(
                payment_intent, params={"expand": ["latest_charge"]}
            )
        )
        charge = pi.get("latest_charge")
        return charge if isinstance(charge, dict) else None

    async def list_refunds(
        self, *, charge: str | None, payment_intent: str | None
    ) -> list[StripeRefund]:
        params: Obj = {"limit": 100}
        if charge:
            params["charge"] = charge
        elif payment_intent:
            params["payment_intent"] = payment_intent
        else:
            return []
        listed = await self._call(self.client.v1.refunds.list_async(params=params))  # type: ignore[arg-type]
        return [refund_from(r) for r in listed.get("data") or []]

    async def create_refund(
        self,
        *,
        payment_intent: str,
        amount: int,
        idempotency_key: str,
        metadata: dict[str, str],
        reason: str | None,
    ) -> StripeRefund:
        params: Obj = {"payment_intent": payment_intent, "amount": amount, "metadata": metadata}
        if reason:
            params["reason"] = reason
        refund = await self._call(
            self.client.v1.refunds.create_async(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )
        return refund_from(refund)

    async def _call(self, awaitable: Any) -> Obj:
        try:
            result = await awaitable
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise StripeUnavailable(str(exc)) from exc
        except stripe.APIError as exc:  # Stripe's own 5xx
            raise StripeUnavailable(str(exc)) from exc
        return _plain(result)

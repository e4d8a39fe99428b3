"""What billing asks Stripe (Checkout, PaymentIntents, refunds), through the kernel's Stripe edge.

Every POST carries our own deterministic idempotency key, so a retried request (ours, or the
SDK's network retries) can never charge or refund twice. Stripe's answers come back as the
edge's typed objects and become domain values here, once.
"""

from __future__ import annotations

from typing import Any

from shared.stripe_edge import (
    Charge,
    CheckoutSession,
    Dispute,
    PaymentIntent,
    Refund,
    StripeConnection,
)

from billing.domain import Payment, Sale, StripeDispute, StripeRefund
from billing.settings import BillingSettings

Obj = dict[str, Any]


def payment_from_session(session: CheckoutSession, charge: Charge | None = None) -> Payment:
    card = charge.card if charge is not None and charge.card is not None else None
    return Payment(
        session_id=session.id,
        payment_intent=session.payment_intent,
        amount_subtotal=session.amount_subtotal,
        tax=session.amount_tax,
        amount_total=session.amount_total,
        charge_id=charge.id if charge is not None else None,
        receipt_url=charge.receipt_url if charge is not None else None,
        card_brand=card.brand if card is not None else None,
        card_last4=card.last4 if card is not None else None,
    )


def refund_from(refund: Refund) -> StripeRefund:
    return StripeRefund(
        refund_id=refund.id,
        amount=refund.amount,
        status=refund.status,
        reason=refund.reason,
        request_key=refund.metadata.get("request_key") or None,
        requested_by=refund.metadata.get("requested_by") or None,
    )


def dispute_from(dispute: Dispute) -> StripeDispute:
    return StripeDispute(
        dispute_id=dispute.id, amount=dispute.amount, status=dispute.status, reason=dispute.reason
    )


class StripeGateway(StripeConnection):
    def __init__(self, settings: BillingSettings) -> None:
        super().__init__(settings)
        self.settings = settings

    async def create_checkout_session(
        self,
        *,
        transaction_id: str,
        sale: Sale,
        success_url: str,
        cancel_url: str,
        expires_at: int,
        customer_email: str | None = None,
    ) -> CheckoutSession:
        metadata = {
            "transaction_id": transaction_id,
            "persona_id": sale.persona_id,
            "buyer_id": sale.buyer_id,
            "creator_id": sale.creator_id,
        }
        price_data: Obj = {
            "currency": sale.currency,
            "unit_amount": sale.amount,
            "product_data": {
                "name": sale.persona_name or "Persona",
                "metadata": {"persona_id": sale.persona_id},
            },
        }
        params: Obj = {
            "mode": "payment",
            "line_items": [{"price_data": price_data, "quantity": 1}],
            "client_reference_id": sale.buyer_id,
            "metadata": metadata,
            # The charge inherits these, so refunds and disputes find their way back to us.
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
        }
        if customer_email:
            # The signed-in buyer's address, filled in on the Checkout page (receipts go there).
            params["customer_email"] = customer_email
        if sale.persona_name:
            params["payment_intent_data"]["description"] = sale.persona_name[:200]
        if self.settings.tax_enabled:
            params["automatic_tax"] = {"enabled": True}
            price_data["tax_behavior"] = "exclusive"
            price_data["product_data"]["tax_code"] = self.settings.tax_code
        session = await self.call(
            self.client.v1.checkout.sessions.create_async(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"checkout:{transaction_id}"},
            )
        )
        return CheckoutSession.model_validate(session)

    async def retrieve_session(self, session_id: str) -> CheckoutSession:
        sessions = self.client.v1.checkout.sessions
        return await self.call_as(CheckoutSession, sessions.retrieve_async(session_id))

    async def retrieve_payment_intent(self, payment_intent: str) -> PaymentIntent:
        intents = self.client.v1.payment_intents
        return await self.call_as(PaymentIntent, intents.retrieve_async(payment_intent))

    async def latest_charge(self, payment_intent: str) -> Charge | None:
        """The charge behind a PaymentIntent, for the receipt (card, receipt URL)."""
        intents = self.client.v1.payment_intents
        expanded = intents.retrieve_async(payment_intent, params={"expand": ["latest_charge"]})
        return (await self.call_as(PaymentIntent, expanded)).latest_charge

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
        listed = await self.call(self.client.v1.refunds.list_async(params=params))  # type: ignore[arg-type]
        return [refund_from(Refund.model_validate(r)) for r in listed.get("data") or []]

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
        refund = await self.call(
            self.client.v1.refunds.create_async(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )
        return refund_from(Refund.model_validate(refund))

"""Typed views of the Stripe objects the platform reads, made once at the edge.

Each model keeps only the fields we use and ignores the rest, so a new Stripe API version adding
fields changes nothing. Ids that Stripe may send expanded into their object come out as the id.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _id_of(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("id") or None
    return value or None


# An id field that may also come expanded into its object.
ExpandableId = Annotated[str | None, BeforeValidator(_id_of)]


def _none_as_empty(value: Any) -> Any:
    return value if value is not None else {}


class StripeObject(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    metadata: Annotated[dict[str, str], BeforeValidator(_none_as_empty)] = Field(
        default_factory=dict
    )


class Card(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    brand: str | None = None
    last4: str | None = None


class Charge(StripeObject):
    amount: int = 0
    payment_intent: ExpandableId = None
    receipt_url: str | None = None
    card: Card | None = None

    @model_validator(mode="before")
    @classmethod
    def _card(cls, data: Any) -> Any:
        if isinstance(data, dict) and "card" not in data:
            card = (data.get("payment_method_details") or {}).get("card")
            if card:
                data = {**data, "card": card}
        return data


class CheckoutSession(StripeObject):
    url: str | None = None
    expires_at: int | None = None
    payment_status: str | None = None
    payment_intent: ExpandableId = None
    amount_subtotal: int | None = None
    amount_total: int = 0
    amount_tax: int = 0

    @model_validator(mode="before")
    @classmethod
    def _totals(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {
                **data,
                "amount_total": data.get("amount_total") or 0,
                "amount_tax": (data.get("total_details") or {}).get("amount_tax") or 0,
            }
        return data


class PaymentIntent(StripeObject):
    # Set when retrieved with `expand: ["latest_charge"]`; an unexpanded id gives None.
    latest_charge: Charge | None = None

    @model_validator(mode="before")
    @classmethod
    def _expanded_only(cls, data: Any) -> Any:
        if isinstance(data, dict) and not isinstance(data.get("latest_charge"), dict):
            data = {**data, "latest_charge": None}
        return data


class _TakenBack(StripeObject):
    """Money taken back from a charge: a refund or a dispute."""

    amount: int = 0
    status: str = ""
    reason: str | None = None
    charge: ExpandableId = None
    payment_intent: ExpandableId = None


class Refund(_TakenBack):
    status: str = "succeeded"


class Dispute(_TakenBack):
    pass


class Account(StripeObject):
    details_submitted: bool = False
    payouts_enabled: bool = False
    transfers_active: bool = False

    @model_validator(mode="before")
    @classmethod
    def _capability(cls, data: Any) -> Any:
        if isinstance(data, dict) and "transfers_active" not in data:
            capabilities = data.get("capabilities") or {}
            data = {**data, "transfers_active": capabilities.get("transfers") == "active"}
        return data


class Transfer(StripeObject):
    amount: int = 0
    amount_reversed: int = 0
    # The `reason` metadata of each reversal, as whoever reversed it wrote it.
    reversal_reasons: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _reasons(cls, data: Any) -> Any:
        if isinstance(data, dict) and "reversal_reasons" not in data:
            reversals = (data.get("reversals") or {}).get("data") or []
            reasons = [
                str((r.get("metadata") or {}).get("reason"))
                for r in reversals
                if (r.get("metadata") or {}).get("reason")
            ]
            data = {**data, "reversal_reasons": tuple(reasons)}
        return data


class AccountLink(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    url: str
    expires_at: int

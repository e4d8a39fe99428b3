"""The webhook reader: a capped raw body, its signature checked, a typed event out; and each
Stripe event id handled once, through the kernel's inbox table."""

from __future__ import annotations

import builtins
import hashlib
import json
import uuid
from typing import Any, TypeVar

import asyncpg
import stripe
from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.logging import get_logger
from shared.problems import Problem

log = get_logger(__name__)

MAX_WEBHOOK_BYTES = 1_000_000
# The inbox consumer name under which Stripe event ids are recorded (one per service database).
STRIPE_INBOX = "stripe"
T = TypeVar("T", bound=BaseModel)


class StripeEvent(BaseModel):
    """A verified Stripe event; `object` is `data.object`, read typed with `event.as_(Model)`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    created: int | None = None
    account: str | None = None  # set on events of connected accounts
    object: dict[str, Any]

    @model_validator(mode="before")
    @classmethod
    def _lift(cls, data: Any) -> Any:
        if isinstance(data, dict) and "data" in data:
            inner = data["data"]
            return {**data, "object": inner.get("object") if isinstance(inner, dict) else None}
        return data

    def as_(self, model: builtins.type[T]) -> T:
        """The event's object as a typed model (400 if it does not have that model's shape)."""
        try:
            return model.model_validate(self.object)
        except ValidationError as exc:
            raise _not_an_event() from exc


def _not_an_event() -> Problem:
    return Problem("The webhook body is not a Stripe event.", status=400, code="invalid_event")


async def read_event(
    request: Request, secret: str, tolerance_s: int = 300, max_bytes: int = MAX_WEBHOOK_BYTES
) -> StripeEvent:
    """Read a webhook: 413 past `max_bytes` (checked while reading: the endpoint is open to
    anyone), 400 for a missing, wrong or stale signature, 400 for a signed body that is not an
    event. Whatever proxies the endpoint must forward the body byte for byte."""
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > max_bytes:
            raise Problem("Payload too large.", status=413, code="payload_too_large")
    try:
        payload = bytes(raw).decode("utf-8")
        stripe.WebhookSignature.verify_header(
            payload, request.headers.get("stripe-signature"), secret, tolerance_s
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        log.warning("webhook refused", reason=type(exc).__name__)
        raise Problem(
            "The webhook signature is missing, wrong or too old.",
            status=400,
            code="invalid_signature",
        ) from exc
    try:
        return StripeEvent.model_validate(json.loads(payload))
    except (ValueError, ValidationError) as exc:
        raise _not_an_event() from exc


def inbox_id(stripe_event_id: str) -> uuid.UUID:
    """The inbox key of a Stripe event id (`md5('stripe:' || id)::uuid` in SQL)."""
    digest = hashlib.md5(f"stripe:{stripe_event_id}".encode(), usedforsecurity=False)
    return uuid.UUID(digest.hexdigest())


async def first_delivery(conn: asyncpg.Connection, stripe_event_id: str) -> bool:
    """Record the event id in the inbox; False if it was handled before. Call it in the same
    transaction as the event's effects, so a concurrent duplicate waits and then finds it."""
    fresh = await conn.fetchval(
        "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
        STRIPE_INBOX,
        inbox_id(stripe_event_id),
    )
    return bool(fresh)


async def already_handled(db: asyncpg.Pool | asyncpg.Connection, stripe_event_id: str) -> bool:
    """A cheap check before calling Stripe; `first_delivery` is what decides."""
    return bool(
        await db.fetchval(
            "SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2",
            STRIPE_INBOX,
            inbox_id(stripe_event_id),
        )
    )

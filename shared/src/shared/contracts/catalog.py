"""Events published by catalog (routing keys `catalog.<Type>`)."""

from __future__ import annotations

from shared.events import Event


class PersonaSubmitted(Event):
    persona_id: str
    creator_id: str
    name: str


class PersonaApproved(Event):
    """A persona entered the market. Carries the sale terms billing snapshots."""

    persona_id: str
    creator_id: str
    name: str
    price_cents: int
    currency: str


class PersonaRejected(Event):
    persona_id: str
    creator_id: str
    reason: str


class PersonaSuspended(Event):
    persona_id: str
    creator_id: str
    reason: str


class PersonaUpdated(Event):
    """Metadata changed; price fields present so billing's price projection stays current."""

    persona_id: str
    creator_id: str
    name: str
    price_cents: int
    currency: str
    status: str


class PersonaVersionPublished(Event):
    persona_id: str
    creator_id: str
    version: str
    changelog: str


class PersonaDeleted(Event):
    persona_id: str
    creator_id: str


class PersonaAcquired(Event):
    """A user gained access (free acquisition, purchase)."""

    persona_id: str
    user_id: str
    creator_id: str
    source: str  # free | purchase
    transaction_id: str | None = None


class PersonaDownloaded(Event):
    persona_id: str
    user_id: str
    creator_id: str
    version: str


class ReviewPosted(Event):
    review_id: str
    persona_id: str
    user_id: str
    creator_id: str
    rating: int
    verified_purchase: bool


class ContentReported(Event):
    report_id: str
    target_type: str  # persona | review
    target_id: str
    reporter_id: str
    reason: str

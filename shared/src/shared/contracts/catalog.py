"""Events published by catalog (routing keys `catalog.<Type>`)."""

from __future__ import annotations

from typing import Any

from shared.events import Event


class PersonaCreated(Event):
    """A creator saved a new persona (as a draft; `PersonaSubmitted` may follow at once)."""

    persona_id: str
    creator_id: str
    name: str
    short_description: str
    description: str
    category: str
    tags: list[str]
    price_cents: int
    currency: str
    usage_terms: dict[str, bool]  # personal, commercial, derivatives


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
    """Metadata changed; price fields present so billing's price projection stays current.

    Catalog sends the whole metadata after the change; the optional fields are None only in
    events written before they were added."""

    persona_id: str
    creator_id: str
    name: str
    price_cents: int
    currency: str
    status: str
    short_description: str | None = None
    description: str | None = None
    category: str | None = None
    tags: list[str] | None = None
    usage_terms: dict[str, bool] | None = None


class PersonaVersionPublished(Event):
    persona_id: str
    creator_id: str
    version: str
    changelog: str
    # [{path, sha256, size, content_type}]: the version's files, content-addressed in the blob store.
    # A document (.docx, .pdf, .odt) also carries `text_sha256` and `text_size`: its extracted
    # text, stored as a blob of its own (what the preview and generation read).
    files: list[dict[str, Any]] = []


class PersonaVersionProposed(Event):
    """A new version of an approved persona, waiting for review: not live, not downloadable,
    nobody is notified. Approval publishes it (`PersonaVersionPublished`); the version before it
    stays live meanwhile."""

    persona_id: str
    creator_id: str
    version: str
    changelog: str
    files: list[dict[str, Any]] = []


class PersonaVersionRejected(Event):
    """A proposed version was turned down; the live version stays as it was."""

    persona_id: str
    creator_id: str
    version: str
    reason: str


class CreatorTrustChanged(Event):
    """An admin marked a creator trusted (their new versions skip review) or took it back."""

    creator_id: str
    trusted: bool


class PersonaDeleted(Event):
    persona_id: str
    creator_id: str


class PersonaCoverChanged(Event):
    """The creator set (or, with `cover=None`, removed) the persona's cover image.

    `cover` = {id, thumb, large, width, height}: `thumb` and `large` are the sha256 of catalog's
    re-encoded WebP renderings (the upload itself is never kept); width/height are `large`'s."""

    persona_id: str
    creator_id: str
    cover: dict[str, Any] | None = None


class PersonaGalleryImageAdded(Event):
    """An image of sample output was added to a version's gallery (at most 8 per version).

    `image` = {id, thumb, large, width, height, caption}, as for the cover."""

    persona_id: str
    creator_id: str
    version: str
    image: dict[str, Any]


class PersonaGalleryImageRemoved(Event):
    persona_id: str
    creator_id: str
    version: str
    image_id: str


class PersonaAcquired(Event):
    """A user gained access (free acquisition, purchase)."""

    persona_id: str
    user_id: str
    creator_id: str
    source: str  # free | purchase
    transaction_id: str | None = None
    amount: int = 0  # what was paid, in minor units (0 for a free acquisition)
    currency: str | None = None


class EntitlementRevoked(Event):
    """A user lost the access one purchase gave (full refund)."""

    persona_id: str
    user_id: str
    creator_id: str
    transaction_id: str
    reason: str  # refund


class PersonaDownloaded(Event):
    """A counted download: at most one per user, persona version and UTC day."""

    persona_id: str
    user_id: str
    creator_id: str
    version: str
    day: str | None = None  # ISO date (UTC) the download was counted for


class ReviewPosted(Event):
    review_id: str
    persona_id: str
    user_id: str
    creator_id: str
    rating: int
    verified_purchase: bool
    body: str = ""


class ReviewEdited(Event):
    review_id: str
    persona_id: str
    user_id: str
    creator_id: str
    rating: int
    body: str
    verified_purchase: bool


class ReviewDeleted(Event):
    review_id: str
    persona_id: str
    user_id: str
    creator_id: str
    by: str  # author | moderator


class ReviewVotedHelpful(Event):
    review_id: str
    persona_id: str
    user_id: str


class ReviewResponded(Event):
    """The persona's creator answered a review (once)."""

    review_id: str
    persona_id: str
    creator_id: str
    body: str


class ContentReported(Event):
    report_id: str
    target_type: str  # persona | review
    target_id: str
    reporter_id: str
    reason: str
    details: str | None = None
    persona_id: str | None = None  # the persona the target belongs to


class ReportResolved(Event):
    report_id: str
    target_type: str
    target_id: str
    action: str  # dismiss | take_down
    resolver_id: str
    note: str | None = None


class CollectionSaved(Event):
    """An admin created or changed a curated collection (the whole collection after the change)."""

    slug: str
    title: str
    description: str
    persona_ids: list[str]

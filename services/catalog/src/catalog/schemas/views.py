"""Response shapes of the catalog API (their names are the OpenAPI schema names)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from catalog.schemas.inputs import UsageTerms

# ---------------------------------------------------------------- responses


class CreatorOut(BaseModel):
    id: str
    username: str | None


class VersionFileOut(BaseModel):
    path: str
    size: int
    content_type: str
    sha256: str


class ImageOut(BaseModel):
    """A picture as served: WebP renderings made by the catalog, never the uploaded bytes."""

    id: str
    url: str  # the large rendering (fitted in 1600 x 900 for a cover, 1600 x 1600 in a gallery)
    thumb_url: str  # cards and grids: a 640 x 360 crop (cover) or fitted in 480 x 480 (gallery)
    width: int  # of the large rendering
    height: int
    caption: str | None = None


class VersionOut(BaseModel):
    version: str
    changelog: str
    created_at: datetime
    downloads: int
    files: list[VersionFileOut]
    gallery: list[ImageOut] = []
    # `in_review`: a new version of an approved persona waiting for a moderator; the version
    # before it stays live until it is approved (README, "Lifecycle").
    status: Literal["live", "in_review"] = "live"


class PersonaOut(BaseModel):
    id: str
    name: str
    short_description: str
    description: str
    category: str
    tags: list[str]
    price_cents: int
    currency: str
    usage_terms: UsageTerms
    status: str
    rejection_reason: str | None
    suspension_reason: str | None = None
    creator: CreatorOut
    rating_avg: float | None
    rating_count: int
    rating_distribution: dict[str, int]
    downloads: int
    acquisitions: int
    latest_version: str | None
    # The creator's (and admins') view: a new version waiting for review, not live yet.
    version_in_review: str | None = None
    versions: list[VersionOut] | None = None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    deleted_at: datetime | None = None
    entitled: bool
    cover: ImageOut | None = None  # set by the creator (PUT /api/personas/{id}/cover)


class PersonaPage(BaseModel):
    items: list[PersonaOut]
    next_cursor: str | None = None


class VersionPage(BaseModel):
    items: list[VersionOut]
    next_cursor: str | None = None


class PreviewFileOut(BaseModel):
    path: str
    content_type: str
    size: int
    content: str | None  # None for images
    truncated: bool
    # How to show `content`: markdown (render it, safely), json (pretty-print it when complete),
    # text (as is; also a document's extracted text) or none (an image: only listed).
    render_as: Literal["markdown", "json", "text", "none"] = "text"


class PreviewOut(BaseModel):
    version: str | None
    files: list[PreviewFileOut]


class AcquireOut(BaseModel):
    persona_id: str
    entitled: bool
    source: str


class PurchaseOut(BaseModel):
    persona: PersonaOut
    acquired_at: datetime
    source: str
    transaction_id: str | None
    price_cents: int
    currency: str | None


class PurchasePage(BaseModel):
    items: list[PurchaseOut]
    next_cursor: str | None = None


class ReviewResponseOut(BaseModel):
    body: str
    created_at: datetime


class ReviewOut(BaseModel):
    id: str
    persona_id: str
    author: CreatorOut
    rating: int
    body: str
    verified_purchase: bool
    helpful_count: int
    voted_helpful: bool
    response: ReviewResponseOut | None
    created_at: datetime
    updated_at: datetime


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    next_cursor: str | None = None


class HelpfulOut(BaseModel):
    review_id: str
    helpful_count: int
    voted_helpful: bool


class ReportOut(BaseModel):
    id: str
    target_type: str
    target_id: str
    persona_id: str | None
    reason: str
    details: str | None
    reporter: CreatorOut
    status: str
    action: str | None
    note: str | None
    created_at: datetime
    resolved_at: datetime | None


class ReportPage(BaseModel):
    items: list[ReportOut]
    next_cursor: str | None = None


class CategoryOut(BaseModel):
    slug: str
    name: str
    count: int


class CategoryPage(BaseModel):
    items: list[CategoryOut]
    next_cursor: str | None = None


class TagOut(BaseModel):
    name: str
    count: int


class TagPage(BaseModel):
    items: list[TagOut]
    next_cursor: str | None = None


class CollectionOut(BaseModel):
    slug: str
    title: str
    description: str
    persona_count: int
    personas: list[PersonaOut] | None = None
    created_at: datetime
    updated_at: datetime


class CollectionPage(BaseModel):
    items: list[CollectionOut]
    next_cursor: str | None = None

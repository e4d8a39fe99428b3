"""Catalog values shared by the aggregates: statuses, categories, version numbers, ids."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from catalog.domain.errors import (
    InvalidInput,
)

DRAFT, PENDING, APPROVED, REJECTED, SUSPENDED = (
    "draft",
    "pending",
    "approved",
    "rejected",
    "suspended",
)
STATUSES = (DRAFT, PENDING, APPROVED, REJECTED, SUSPENDED)

# The market's categories: a fixed list so filters and the UI agree (slug -> display name).
CATEGORIES: dict[str, str] = {
    "writing": "Writing",
    "marketing": "Marketing",
    "social-media": "Social media",
    "business": "Business",
    "education": "Education",
    "entertainment": "Entertainment",
    "coaching": "Coaching",
    "lifestyle": "Lifestyle",
    "health-fitness": "Health & fitness",
    "food": "Food & cooking",
    "travel": "Travel",
    "technology": "Technology",
    "gaming": "Gaming",
    "art-design": "Art & design",
    "music": "Music",
    "other": "Other",
}

_SEMVER = re.compile(r"^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$")
REVIEW_NAMESPACE = uuid.UUID("6f1c3c1e-8d4a-4c53-9d1e-7a0b5c2e9f10")


def parse_semver(value: str) -> tuple[int, int, int]:
    m = _SEMVER.match(value.strip())
    if not m:
        raise InvalidInput("version", "Use a version number like 1.2.0 (major.minor.patch).")
    return int(m[1]), int(m[2]), int(m[3])


def review_id_for(persona_id: str, user_id: str) -> str:
    return str(uuid.uuid5(REVIEW_NAMESPACE, f"{persona_id}:{user_id}"))


def entitlement_id(persona_id: str, user_id: str) -> str:
    return f"{persona_id}:{user_id}"


def collection_stream(slug: str) -> str:
    return f"collection:{slug}"


@dataclass(frozen=True)
class Metadata:
    """Everything a creator edits about a persona (already validated by the API layer)."""

    name: str
    short_description: str
    description: str
    category: str
    tags: list[str]
    price_cents: int
    currency: str
    usage_terms: dict[str, bool]

    def as_event_fields(self) -> dict[str, Any]:
        return asdict(self)  # copies the tag list and terms too


@dataclass(frozen=True)
class FileRef:
    path: str
    sha256: str
    size: int
    content_type: str
    # A document's extracted text (a blob of its own); None for every other file.
    text_sha256: str | None = None
    text_size: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class VersionInfo:
    version: str
    key: tuple[int, int, int]
    files: list[dict[str, Any]] = field(default_factory=list)
    gallery: list[dict[str, Any]] = field(default_factory=list)


# Images of sample output a version may show on the persona's page.
MAX_GALLERY_IMAGES = 8

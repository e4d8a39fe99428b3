"""Catalog aggregates and their decisions: pure, no I/O.

Streams:
- `persona` (id = persona uuid): metadata, status, versions.
- `entitlement` (id = `<persona>:<user>`): who may download, and which downloads were counted.
- `review` (id = uuid5 of persona and author, so "one review per user per persona" is a stream
  that exists once; concurrent first posts clash on version 1 and the loser retries as an edit).
- `report` (id = uuid): a report on a persona or review and its resolution.
- `collection` (id = `collection:<slug>`): an admin-curated list of personas.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.aggregate import Aggregate
from shared.contracts.catalog import (
    CollectionSaved,
    ContentReported,
    EntitlementRevoked,
    PersonaAcquired,
    PersonaApproved,
    PersonaCreated,
    PersonaDeleted,
    PersonaDownloaded,
    PersonaRejected,
    PersonaSubmitted,
    PersonaSuspended,
    PersonaUpdated,
    PersonaVersionPublished,
    ReportResolved,
    ReviewDeleted,
    ReviewEdited,
    ReviewPosted,
    ReviewResponded,
    ReviewVotedHelpful,
)
from shared.events import Event
from shared.problems import Conflict, Forbidden, NotFound, Problem, field_error

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
        raise field_error("version", "Use a version number like 1.2.0 (major.minor.patch).")
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
        return {
            "name": self.name,
            "short_description": self.short_description,
            "description": self.description,
            "category": self.category,
            "tags": list(self.tags),
            "price_cents": self.price_cents,
            "currency": self.currency,
            "usage_terms": dict(self.usage_terms),
        }


@dataclass(frozen=True)
class FileRef:
    path: str
    sha256: str
    size: int
    content_type: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
        }


@dataclass
class VersionInfo:
    version: str
    key: tuple[int, int, int]
    files: list[dict[str, Any]] = field(default_factory=list)


class Persona(Aggregate):
    stream_type = "persona"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.creator_id = ""
        self.metadata: Metadata | None = None
        self.status = DRAFT
        self.deleted = False
        self.versions: list[VersionInfo] = []

    # ---- reads used by commands

    @property
    def latest(self) -> VersionInfo | None:
        return max(self.versions, key=lambda v: v.key) if self.versions else None

    def find_version(self, number: str) -> VersionInfo | None:
        return next((v for v in self.versions if v.version == number), None)

    @property
    def listed(self) -> bool:
        return self.exists and not self.deleted and self.status == APPROVED

    def is_free(self) -> bool:
        return self.metadata is not None and self.metadata.price_cents == 0

    def _must_exist(self) -> None:
        if not self.exists or self.deleted:
            raise NotFound("No such persona.", code="persona_not_found")

    def _must_own(self, actor_id: str) -> None:
        self._must_exist()
        if actor_id != self.creator_id:
            raise Forbidden("Only the persona's creator can do this.", code="not_creator")

    # ---- decisions

    def create(self, creator_id: str, meta: Metadata) -> None:
        if self.exists:
            raise Conflict("This persona exists already.", code="persona_exists")
        self._record(
            PersonaCreated(persona_id=self.id, creator_id=creator_id, **meta.as_event_fields())
        )

    def edit(self, actor_id: str, meta: Metadata) -> None:
        self._must_own(actor_id)
        if meta == self.metadata:
            return
        self._record(
            PersonaUpdated(
                persona_id=self.id,
                creator_id=self.creator_id,
                status=self.status,
                **meta.as_event_fields(),
            )
        )

    def publish_version(
        self, actor_id: str, number: str, changelog: str, files: list[FileRef]
    ) -> None:
        self._must_own(actor_id)
        key = parse_semver(number)
        if not files:
            raise field_error("files", "A version needs at least one file.")
        latest = self.latest
        if latest is not None and key <= latest.key:
            raise Problem(
                f"Version {number} must be greater than the latest version {latest.version}.",
                status=409,
                code="version_not_greater",
            )
        self._record(
            PersonaVersionPublished(
                persona_id=self.id,
                creator_id=self.creator_id,
                version=".".join(map(str, key)),
                changelog=changelog,
                files=[f.as_dict() for f in files],
            )
        )

    def submit(self, actor_id: str, email_verified: bool) -> None:
        self._must_own(actor_id)
        if not email_verified:
            raise Forbidden(
                "Verify your e-mail address before submitting a persona for review.",
                code="email_not_verified",
            )
        if self.status == PENDING:
            raise Conflict("This persona is already waiting for review.", code="already_pending")
        if self.status == APPROVED:
            raise Conflict("This persona is already approved.", code="already_approved")
        if not self.versions:
            raise field_error("files", "Add at least one file before submitting for review.")
        assert self.metadata is not None
        self._record(
            PersonaSubmitted(
                persona_id=self.id, creator_id=self.creator_id, name=self.metadata.name
            )
        )

    def delete(self, actor_id: str) -> None:
        self._must_own(actor_id)
        self._record(PersonaDeleted(persona_id=self.id, creator_id=self.creator_id))

    def approve(self) -> None:
        self._must_exist()
        if self.status != PENDING:
            raise Conflict(
                f"Only a pending persona can be approved (it is {self.status}).", code="not_pending"
            )
        assert self.metadata is not None
        self._record(
            PersonaApproved(
                persona_id=self.id,
                creator_id=self.creator_id,
                name=self.metadata.name,
                price_cents=self.metadata.price_cents,
                currency=self.metadata.currency,
            )
        )

    def reject(self, reason: str) -> None:
        self._must_exist()
        if self.status != PENDING:
            raise Conflict(
                f"Only a pending persona can be rejected (it is {self.status}).", code="not_pending"
            )
        self._record(PersonaRejected(persona_id=self.id, creator_id=self.creator_id, reason=reason))

    def suspend(self, reason: str) -> None:
        self._must_exist()
        if self.status != APPROVED:
            raise Conflict(
                f"Only an approved persona can be suspended (it is {self.status}).",
                code="not_approved",
            )
        self._record(
            PersonaSuspended(persona_id=self.id, creator_id=self.creator_id, reason=reason)
        )

    # ---- folds

    def when_PersonaCreated(self, e: PersonaCreated) -> None:
        self.creator_id = e.creator_id
        self.metadata = Metadata(
            e.name,
            e.short_description,
            e.description,
            e.category,
            list(e.tags),
            e.price_cents,
            e.currency,
            dict(e.usage_terms),
        )

    def when_PersonaUpdated(self, e: PersonaUpdated) -> None:
        old = self.metadata
        assert old is not None
        self.metadata = Metadata(
            e.name,
            e.short_description if e.short_description is not None else old.short_description,
            e.description if e.description is not None else old.description,
            e.category if e.category is not None else old.category,
            list(e.tags) if e.tags is not None else old.tags,
            e.price_cents,
            e.currency,
            dict(e.usage_terms) if e.usage_terms is not None else old.usage_terms,
        )

    def when_PersonaVersionPublished(self, e: PersonaVersionPublished) -> None:
        self.versions.append(VersionInfo(e.version, parse_semver(e.version), list(e.files)))

    def when_PersonaSubmitted(self, e: PersonaSubmitted) -> None:
        self.status = PENDING

    def when_PersonaApproved(self, e: PersonaApproved) -> None:
        self.status = APPROVED

    def when_PersonaRejected(self, e: PersonaRejected) -> None:
        self.status = REJECTED

    def when_PersonaSuspended(self, e: PersonaSuspended) -> None:
        self.status = SUSPENDED

    def when_PersonaDeleted(self, e: PersonaDeleted) -> None:
        self.deleted = True


FREE_GRANT = "free"


class Entitlement(Aggregate):
    """One user's access to one persona: a set of grants (a free acquisition, each purchase).

    Access lasts while any grant is active. A refund revokes the grant of its transaction; a
    refund seen before its purchase leaves a tombstone so the late purchase grants nothing.
    """

    stream_type = "entitlement"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.grants: dict[str, str] = {}  # grant key (free | transaction id) -> source
        self.revoked: set[str] = set()
        self.counted: set[tuple[str, str]] = set()  # (version, ISO day) of counted downloads

    @property
    def persona_id(self) -> str:
        return self.id.split(":", 1)[0]

    @property
    def user_id(self) -> str:
        return self.id.split(":", 1)[1]

    @property
    def active(self) -> bool:
        return bool(self.grants)

    def acquire_free(self, creator_id: str) -> bool:
        if FREE_GRANT in self.grants:
            return False
        self._record(
            PersonaAcquired(
                persona_id=self.persona_id,
                user_id=self.user_id,
                creator_id=creator_id,
                source="free",
            )
        )
        return True

    def grant_purchase(
        self, creator_id: str, transaction_id: str, amount: int, currency: str
    ) -> bool:
        if transaction_id in self.grants or transaction_id in self.revoked:
            return False
        self._record(
            PersonaAcquired(
                persona_id=self.persona_id,
                user_id=self.user_id,
                creator_id=creator_id,
                source="purchase",
                transaction_id=transaction_id,
                amount=amount,
                currency=currency,
            )
        )
        return True

    def revoke_purchase(self, creator_id: str, transaction_id: str, reason: str = "refund") -> bool:
        if transaction_id in self.revoked:
            return False
        self._record(
            EntitlementRevoked(
                persona_id=self.persona_id,
                user_id=self.user_id,
                creator_id=creator_id,
                transaction_id=transaction_id,
                reason=reason,
            )
        )
        return True

    def count_download(self, creator_id: str, version: str, today: date) -> bool:
        """Record a download unless this user already downloaded this version today (UTC)."""
        if (version, today.isoformat()) in self.counted:
            return False
        self._record(
            PersonaDownloaded(
                persona_id=self.persona_id,
                user_id=self.user_id,
                creator_id=creator_id,
                version=version,
                day=today.isoformat(),
            )
        )
        return True

    def when_PersonaAcquired(self, e: PersonaAcquired) -> None:
        key = e.transaction_id if e.source == "purchase" and e.transaction_id else FREE_GRANT
        self.grants[key] = e.source

    def when_PersonaDownloaded(self, e: PersonaDownloaded) -> None:
        if e.day:
            self.counted.add((e.version, e.day))

    def when_EntitlementRevoked(self, e: EntitlementRevoked) -> None:
        self.grants.pop(e.transaction_id, None)
        self.revoked.add(e.transaction_id)


class Review(Aggregate):
    stream_type = "review"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.persona_id = ""
        self.author_id = ""
        self.creator_id = ""
        self.rating = 0
        self.active = False
        self.voters: set[str] = set()
        self.responded = False

    def _must_be_active(self) -> None:
        if not self.active:
            raise NotFound("No such review.", code="review_not_found")

    def post(
        self,
        persona_id: str,
        author_id: str,
        creator_id: str,
        rating: int,
        body: str,
        verified: bool,
    ) -> bool:
        """Post, or edit the author's existing review; True when a new review was posted."""
        if self.active:
            self.edit(author_id, rating, body, verified)
            return False
        self._record(
            ReviewPosted(
                review_id=self.id,
                persona_id=persona_id,
                user_id=author_id,
                creator_id=creator_id,
                rating=rating,
                verified_purchase=verified,
                body=body,
            )
        )
        return True

    def edit(self, actor_id: str, rating: int, body: str, verified: bool) -> None:
        self._must_be_active()
        if actor_id != self.author_id:
            raise Forbidden("Only the review's author can edit it.", code="not_author")
        self._record(
            ReviewEdited(
                review_id=self.id,
                persona_id=self.persona_id,
                user_id=self.author_id,
                creator_id=self.creator_id,
                rating=rating,
                body=body,
                verified_purchase=verified,
            )
        )

    def delete(self, actor_id: str, *, moderator: bool = False) -> None:
        self._must_be_active()
        if not moderator and actor_id != self.author_id:
            raise Forbidden("Only the review's author can delete it.", code="not_author")
        self._record(
            ReviewDeleted(
                review_id=self.id,
                persona_id=self.persona_id,
                user_id=self.author_id,
                creator_id=self.creator_id,
                by="moderator" if moderator else "author",
            )
        )

    def vote_helpful(self, voter_id: str) -> bool:
        self._must_be_active()
        if voter_id == self.author_id:
            raise Forbidden("You cannot vote for your own review.", code="own_review")
        if voter_id in self.voters:
            return False
        self._record(
            ReviewVotedHelpful(review_id=self.id, persona_id=self.persona_id, user_id=voter_id)
        )
        return True

    def respond(self, actor_id: str, body: str) -> None:
        self._must_be_active()
        if actor_id != self.creator_id:
            raise Forbidden(
                "Only the persona's creator can respond to a review.", code="not_creator"
            )
        if self.responded:
            raise Conflict("This review already has a response.", code="already_responded")
        self._record(
            ReviewResponded(
                review_id=self.id, persona_id=self.persona_id, creator_id=actor_id, body=body
            )
        )

    def when_ReviewPosted(self, e: ReviewPosted) -> None:
        self.persona_id, self.author_id, self.creator_id = e.persona_id, e.user_id, e.creator_id
        self.rating = e.rating
        self.active = True
        # A re-posted review starts fresh: no votes, no response.
        self.voters = set()
        self.responded = False

    def when_ReviewEdited(self, e: ReviewEdited) -> None:
        self.rating = e.rating

    def when_ReviewDeleted(self, e: ReviewDeleted) -> None:
        self.active = False

    def when_ReviewVotedHelpful(self, e: ReviewVotedHelpful) -> None:
        self.voters.add(e.user_id)

    def when_ReviewResponded(self, e: ReviewResponded) -> None:
        self.responded = True


REPORT_ACTIONS = ("dismiss", "take_down")


class Report(Aggregate):
    stream_type = "report"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.target_type = ""
        self.target_id = ""
        self.resolved = False

    def open(
        self,
        target_type: str,
        target_id: str,
        reporter_id: str,
        reason: str,
        details: str | None,
        persona_id: str,
    ) -> None:
        if self.exists:
            raise Conflict("This report exists already.", code="report_exists")
        self._record(
            ContentReported(
                report_id=self.id,
                target_type=target_type,
                target_id=target_id,
                reporter_id=reporter_id,
                reason=reason,
                details=details,
                persona_id=persona_id,
            )
        )

    def resolve(self, resolver_id: str, action: str, note: str | None) -> None:
        if not self.exists:
            raise NotFound("No such report.", code="report_not_found")
        if self.resolved:
            raise Conflict("This report is already resolved.", code="already_resolved")
        if action not in REPORT_ACTIONS:
            raise field_error("action", "Use dismiss or take_down.")
        self._record(
            ReportResolved(
                report_id=self.id,
                target_type=self.target_type,
                target_id=self.target_id,
                action=action,
                resolver_id=resolver_id,
                note=note,
            )
        )

    def when_ContentReported(self, e: ContentReported) -> None:
        self.target_type, self.target_id = e.target_type, e.target_id

    def when_ReportResolved(self, e: ReportResolved) -> None:
        self.resolved = True


class Collection(Aggregate):
    stream_type = "collection"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.slug = ""

    def save(
        self, slug: str, title: str, description: str, persona_ids: list[str], *, create: bool
    ) -> None:
        if create and self.exists:
            raise Conflict(f"A collection '{slug}' exists already.", code="collection_exists")
        if not create and not self.exists:
            raise NotFound("No such collection.", code="collection_not_found")
        self._record(
            CollectionSaved(
                slug=slug, title=title, description=description, persona_ids=persona_ids
            )
        )

    def when_CollectionSaved(self, e: CollectionSaved) -> None:
        self.slug = e.slug


class PersonaStatsSeeded(Event):
    """Synthetic popularity for generated benchmark data (`python -m catalog seed`) only.

    Real downloads and ratings come from PersonaDownloaded and review events; seeding millions of
    those would take far longer than the benchmark is worth. Never written by the API.
    """

    persona_id: str
    downloads: int
    ratings: dict[str, int]  # "1".."5" -> count


def persona_stats_seeded(persona_id: str, downloads: int, ratings: dict[str, int]) -> Event:
    return PersonaStatsSeeded(persona_id=persona_id, downloads=downloads, ratings=ratings)

"""The persona aggregate: metadata, lifecycle status and versions."""

from __future__ import annotations

from typing import Any, TypedDict

from shared.aggregate import Aggregate
from shared.contracts.catalog import (
    PersonaApproved,
    PersonaCoverChanged,
    PersonaCreated,
    PersonaDeleted,
    PersonaGalleryImageAdded,
    PersonaGalleryImageRemoved,
    PersonaRejected,
    PersonaSubmitted,
    PersonaSuspended,
    PersonaUpdated,
    PersonaVersionProposed,
    PersonaVersionPublished,
    PersonaVersionRejected,
)

from catalog.domain.errors import (
    Conflicting,
    InvalidInput,
    Missing,
    NotAllowed,
    persona_not_found,
)
from catalog.domain.values import (
    APPROVED,
    DRAFT,
    MAX_GALLERY_IMAGES,
    PENDING,
    REJECTED,
    SUSPENDED,
    FileRef,
    Metadata,
    VersionInfo,
    parse_semver,
)
from catalog.domain.visibility import Viewer, may_see


class PersonaKeys(TypedDict):
    """What every persona event carries to say whose persona it is."""

    persona_id: str
    creator_id: str


class Persona(Aggregate):
    stream_type = "persona"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.creator_id = ""
        self.metadata: Metadata | None = None
        self.status = DRAFT
        self.deleted = False
        self.versions: list[VersionInfo] = []
        self.cover: dict[str, Any] | None = None
        # A new version of an approved persona waiting for review (policy: services/catalog
        # README, "Lifecycle"): (info, changelog), or None.
        self.proposed: tuple[VersionInfo, str] | None = None

    # ---- reads used by commands

    @property
    def latest(self) -> VersionInfo | None:
        return max(self.versions, key=lambda v: v.key) if self.versions else None

    def find_version(self, number: str) -> VersionInfo | None:
        return next((v for v in self.versions if v.version == number), None)

    @property
    def listed(self) -> bool:
        return self.exists and not self.deleted and self.status == APPROVED

    def visible_to(self, viewer: Viewer | None, *, holds: bool) -> bool:
        return self.exists and may_see(
            creator_id=self.creator_id,
            status=self.status,
            deleted=self.deleted,
            holds=holds,
            viewer=viewer,
        )

    def is_free(self) -> bool:
        return self.metadata is not None and self.metadata.price_cents == 0

    def _keys(self) -> PersonaKeys:
        return {"persona_id": self.id, "creator_id": self.creator_id}

    def _must_exist(self) -> None:
        if not self.exists or self.deleted:
            raise persona_not_found()

    def _must_own(self, actor_id: str) -> None:
        self._must_exist()
        if actor_id != self.creator_id:
            raise NotAllowed("Only the persona's creator can do this.", code="not_creator")

    # ---- decisions

    def create(self, creator_id: str, meta: Metadata) -> None:
        if self.exists:
            raise Conflicting("This persona exists already.", code="persona_exists")
        self._record(
            PersonaCreated(persona_id=self.id, creator_id=creator_id, **meta.as_event_fields())
        )

    def edit(self, actor_id: str, meta: Metadata) -> None:
        self._must_own(actor_id)
        if meta == self.metadata:
            return
        self._record(
            PersonaUpdated(
                **self._keys(),
                status=self.status,
                **meta.as_event_fields(),
            )
        )

    def publish_version(
        self,
        actor_id: str,
        number: str,
        changelog: str,
        files: list[FileRef],
        *,
        trusted: bool = False,
    ) -> bool:
        """Add a version. On an approved persona whose creator is not trusted it is only
        proposed: it waits for review while the version before it stays live. Returns whether
        the version is live now."""
        self._must_own(actor_id)
        key = parse_semver(number)
        if not files:
            raise InvalidInput("files", "A version needs at least one file.")
        latest = self.latest
        if latest is not None and key <= latest.key:
            raise Conflicting(
                f"Version {number} must be greater than the latest version {latest.version}.",
                code="version_not_greater",
            )
        if self.proposed is not None:
            raise Conflicting(
                f"Version {self.proposed[0].version} is still waiting for review: it must be "
                "approved or rejected before you add another.",
                code="version_in_review",
            )
        proposed = self.status == APPROVED and not trusted
        event = PersonaVersionProposed if proposed else PersonaVersionPublished
        self._record(
            event(
                **self._keys(),
                version=".".join(map(str, key)),
                changelog=changelog,
                files=[f.as_dict() for f in files],
            )
        )
        return not proposed

    def approve_version(self, number: str) -> None:
        self._must_exist()
        pending = self._proposed(number)
        info, changelog = pending
        self._record(
            PersonaVersionPublished(
                **self._keys(),
                version=info.version,
                changelog=changelog,
                files=list(info.files),
            )
        )

    def set_cover(self, actor_id: str, cover: dict[str, Any] | None) -> None:
        """Set the cover (rendered images, see PersonaCoverChanged) or remove it with None."""
        self._must_own(actor_id)
        if cover is None and self.cover is None:
            return
        self._record(PersonaCoverChanged(**self._keys(), cover=cover))

    def _version_to_show(self, number: str) -> VersionInfo:
        found = self.find_version(number)
        if found is None:
            raise Missing("This persona has no such version.", code="version_not_found")
        return found

    def check_gallery_room(self, number: str) -> VersionInfo:
        version = self._version_to_show(number)
        if len(version.gallery) >= MAX_GALLERY_IMAGES:
            raise Conflicting(
                f"A version shows at most {MAX_GALLERY_IMAGES} gallery images: remove one first.",
                code="too_many_gallery_images",
            )
        return version

    def add_gallery_image(self, actor_id: str, number: str, image: dict[str, Any]) -> None:
        self._must_own(actor_id)
        version = self.check_gallery_room(number)
        self._record(
            PersonaGalleryImageAdded(
                **self._keys(),
                version=version.version,
                image=image,
            )
        )

    def remove_gallery_image(self, actor_id: str, number: str, image_id: str) -> None:
        self._must_own(actor_id)
        version = self._version_to_show(number)
        if not any(img["id"] == image_id for img in version.gallery):
            return  # removed already: DELETE is idempotent
        self._record(
            PersonaGalleryImageRemoved(
                **self._keys(),
                version=version.version,
                image_id=image_id,
            )
        )

    def reject_version(self, number: str, reason: str) -> None:
        self._must_exist()
        info, _ = self._proposed(number)
        if not reason:
            raise InvalidInput("reason", "Say why the version is rejected.")
        self._record(
            PersonaVersionRejected(
                **self._keys(),
                version=info.version,
                reason=reason,
            )
        )

    def _proposed(self, number: str) -> tuple[VersionInfo, str]:
        if self.proposed is None or self.proposed[0].version != number:
            raise Conflicting(
                f"Version {number} is not waiting for review.", code="version_not_in_review"
            )
        return self.proposed

    def submit(self, actor_id: str, email_verified: bool) -> None:
        self._must_own(actor_id)
        if not email_verified:
            raise NotAllowed(
                "Verify your e-mail address before submitting a persona for review.",
                code="email_not_verified",
            )
        if self.status == PENDING:
            raise Conflicting("This persona is already waiting for review.", code="already_pending")
        if self.status == APPROVED:
            raise Conflicting("This persona is already approved.", code="already_approved")
        if not self.versions:
            raise InvalidInput("files", "Add at least one file before submitting for review.")
        assert self.metadata is not None
        self._record(PersonaSubmitted(**self._keys(), name=self.metadata.name))

    def delete(self, actor_id: str) -> None:
        self._must_own(actor_id)
        self._record(PersonaDeleted(**self._keys()))

    def approve(self) -> None:
        self._must_exist()
        if self.status != PENDING:
            raise Conflicting(
                f"Only a pending persona can be approved (it is {self.status}).", code="not_pending"
            )
        assert self.metadata is not None
        self._record(
            PersonaApproved(
                **self._keys(),
                name=self.metadata.name,
                price_cents=self.metadata.price_cents,
                currency=self.metadata.currency,
            )
        )

    def reject(self, reason: str) -> None:
        self._must_exist()
        if self.status != PENDING:
            raise Conflicting(
                f"Only a pending persona can be rejected (it is {self.status}).", code="not_pending"
            )
        self._record(PersonaRejected(**self._keys(), reason=reason))

    def suspend(self, reason: str) -> None:
        self._must_exist()
        if self.status != APPROVED:
            raise Conflicting(
                f"Only an approved persona can be suspended (it is {self.status}).",
                code="not_approved",
            )
        self._record(PersonaSuspended(**self._keys(), reason=reason))

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
        self.proposed = None

    def when_PersonaVersionProposed(self, e: PersonaVersionProposed) -> None:
        self.proposed = (
            VersionInfo(e.version, parse_semver(e.version), list(e.files)),
            e.changelog,
        )

    def when_PersonaVersionRejected(self, e: PersonaVersionRejected) -> None:
        self.proposed = None

    def when_PersonaCoverChanged(self, e: PersonaCoverChanged) -> None:
        self.cover = dict(e.cover) if e.cover is not None else None

    def when_PersonaGalleryImageAdded(self, e: PersonaGalleryImageAdded) -> None:
        found = self.find_version(e.version)
        if found is not None:
            found.gallery.append(dict(e.image))

    def when_PersonaGalleryImageRemoved(self, e: PersonaGalleryImageRemoved) -> None:
        found = self.find_version(e.version)
        if found is not None:
            found.gallery = [img for img in found.gallery if img["id"] != e.image_id]

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

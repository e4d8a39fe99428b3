"""The report aggregate (on a persona or a review) and the curated collection."""

from __future__ import annotations

from shared.aggregate import Aggregate
from shared.contracts.catalog import (
    CollectionSaved,
    ContentReported,
    ReportResolved,
)
from shared.problems import Conflict, NotFound, field_error

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

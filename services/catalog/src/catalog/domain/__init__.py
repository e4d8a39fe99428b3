"""Catalog aggregates and their decisions: pure, no I/O.

Streams:
- `persona` (id = persona uuid): metadata, status, versions.
- `entitlement` (id = `<persona>:<user>`): who may download, and which downloads were counted.
- `review` (id = uuid5 of persona and author, so "one review per user per persona" is a stream
  that exists once; concurrent first posts clash on version 1 and the loser retries as an edit).
- `report` (id = uuid): a report on a persona or review and its resolution.
- `collection` (id = `collection:<slug>`): an admin-curated list of personas.
- `creator` (id = `creator:<user id>`): whether moderation trusts the creator.
"""

from catalog.domain.creator import CreatorStanding, creator_stream
from catalog.domain.entitlement import FREE_GRANT, Entitlement
from catalog.domain.persona import Persona
from catalog.domain.report import REPORT_ACTIONS, Collection, Report
from catalog.domain.review import Review
from catalog.domain.values import (
    APPROVED,
    CATEGORIES,
    DRAFT,
    PENDING,
    REJECTED,
    REVIEW_NAMESPACE,
    STATUSES,
    SUSPENDED,
    FileRef,
    Metadata,
    VersionInfo,
    collection_stream,
    entitlement_id,
    parse_semver,
    review_id_for,
)
from catalog.domain.visibility import Viewer, may_see

__all__ = [
    "APPROVED",
    "CATEGORIES",
    "DRAFT",
    "FREE_GRANT",
    "PENDING",
    "REJECTED",
    "REPORT_ACTIONS",
    "REVIEW_NAMESPACE",
    "STATUSES",
    "SUSPENDED",
    "Collection",
    "CreatorStanding",
    "Entitlement",
    "FileRef",
    "Metadata",
    "Persona",
    "Report",
    "Review",
    "VersionInfo",
    "Viewer",
    "collection_stream",
    "creator_stream",
    "entitlement_id",
    "may_see",
    "parse_semver",
    "review_id_for",
]

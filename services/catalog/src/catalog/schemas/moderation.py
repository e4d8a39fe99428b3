"""Moderation view models: versions waiting for review, creator trust, the files under review."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from catalog.schemas.views import PreviewFileOut, VersionFileOut


class VersionReviewOut(BaseModel):
    persona_id: str
    persona_name: str
    creator_id: str
    creator_username: str | None
    creator_trusted: bool
    version: str
    changelog: str
    submitted_at: datetime
    live_version: str | None  # what buyers get until this one is approved
    files: list[VersionFileOut]


class VersionReviewPage(BaseModel):
    items: list[VersionReviewOut]
    next_cursor: str | None


class TrustIn(BaseModel):
    trusted: bool


class TrustOut(BaseModel):
    creator_id: str
    trusted: bool


class ReviewFilesOut(BaseModel):
    """Every file of a version as a moderator reads it: text shown (cut at the preview
    length), images listed."""

    version: str
    files: list[PreviewFileOut]

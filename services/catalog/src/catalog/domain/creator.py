"""A creator's standing with moderation: trusted creators' new versions skip review."""

from __future__ import annotations

from shared.aggregate import Aggregate
from shared.contracts.catalog import CreatorTrustChanged


def creator_stream(creator_id: str) -> str:
    return f"creator:{creator_id}"


class CreatorStanding(Aggregate):
    stream_type = "creator"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.trusted = False

    def set_trusted(self, creator_id: str, trusted: bool) -> bool:
        """Record the change; False when it is already so (an idempotent PUT)."""
        if trusted == self.trusted and self.exists:
            return False
        if not trusted and not self.exists:
            return False
        self._record(CreatorTrustChanged(creator_id=creator_id, trusted=trusted))
        return True

    def when_CreatorTrustChanged(self, e: CreatorTrustChanged) -> None:
        self.trusted = e.trusted

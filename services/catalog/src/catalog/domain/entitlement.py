"""The entitlement aggregate: one user's access to one persona, and counted downloads."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

from shared.aggregate import Aggregate
from shared.contracts.catalog import (
    EntitlementRevoked,
    PersonaAcquired,
    PersonaDownloaded,
)

FREE_GRANT = "free"


def grant_key(e: PersonaAcquired) -> str:
    """Which grant an acquisition is: its transaction for a purchase, else the free grant."""
    return e.transaction_id if e.source == "purchase" and e.transaction_id else FREE_GRANT


class EntitlementKeys(TypedDict):
    """Whose access to which persona (and its creator): what every entitlement event carries."""

    persona_id: str
    user_id: str
    creator_id: str


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

    def _keys(self, creator_id: str) -> EntitlementKeys:
        return {"persona_id": self.persona_id, "user_id": self.user_id, "creator_id": creator_id}

    @property
    def active(self) -> bool:
        return bool(self.grants)

    def acquire_free(self, creator_id: str) -> bool:
        if FREE_GRANT in self.grants:
            return False
        self._acquired(creator_id, "free")
        return True

    def grant_purchase(
        self, creator_id: str, transaction_id: str, amount: int, currency: str
    ) -> bool:
        if transaction_id in self.grants or transaction_id in self.revoked:
            return False
        self._acquired(
            creator_id, "purchase", transaction_id=transaction_id, amount=amount, currency=currency
        )
        return True

    def _acquired(self, creator_id: str, source: str, **purchase: Any) -> None:
        self._record(
            PersonaAcquired(
                **self._keys(creator_id),
                source=source,
                **purchase,
            )
        )

    def revoke_purchase(self, creator_id: str, transaction_id: str, reason: str = "refund") -> bool:
        if transaction_id in self.revoked:
            return False
        self._record(
            EntitlementRevoked(
                **self._keys(creator_id),
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
                **self._keys(creator_id),
                version=version,
                day=today.isoformat(),
            )
        )
        return True

    def when_PersonaAcquired(self, e: PersonaAcquired) -> None:
        self.grants[grant_key(e)] = e.source

    def when_PersonaDownloaded(self, e: PersonaDownloaded) -> None:
        if e.day:
            self.counted.add((e.version, e.day))

    def when_EntitlementRevoked(self, e: EntitlementRevoked) -> None:
        self.grants.pop(e.transaction_id, None)
        self.revoked.add(e.transaction_id)

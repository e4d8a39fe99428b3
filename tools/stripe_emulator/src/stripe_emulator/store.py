"""All emulator state (in memory) plus Event recording.

Every mutation happens while holding `Store.lock` (one asyncio lock for the whole
state), so handlers never see half-applied operations; operations themselves are plain
synchronous functions over this store.
"""

from __future__ import annotations

import asyncio
import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import no_such
from .ids import kind_of, new_id, now

Obj = dict[str, Any]


@dataclass(frozen=True)
class RequestInfo:
    """What an Event records in `request`: both null for events not caused by an API call
    (hosted pages, test switches), as Stripe does for automatic events."""

    id: str | None = None
    idempotency_key: str | None = None


AUTOMATIC = RequestInfo()


@dataclass
class IdempotentResult:
    method_path: str
    fingerprint: str
    status: int
    body: Any
    request_id: str


@dataclass
class TransferFailRule:
    destination: str | None  # None = whichever transfer comes next
    code: str
    message: str


@dataclass
class AccountLinkState:
    account: str
    refresh_url: str
    return_url: str
    type: str
    expires_at: int
    used: bool = False


class Publisher(Protocol):
    def endpoint_count(self) -> int: ...

    def publish(self, event: Obj) -> None: ...


def public(value: Any) -> Any:
    """A detached deep copy without the emulator's private (`_`-prefixed) keys."""
    if isinstance(value, dict):
        return {
            k: public(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("_"))
        }
    if isinstance(value, list):
        return [public(v) for v in value]
    return value


@dataclass
class Store:
    api_version: str
    publisher: Publisher
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.objects: dict[str, Obj] = {}
        self._order: dict[str, list[str]] = defaultdict(list)
        self.idempotency: dict[tuple[str, str], IdempotentResult] = {}
        self.transfer_fail_rules: list[TransferFailRule] = []
        self.account_links: dict[str, AccountLinkState] = {}
        self.line_items: dict[str, list[Obj]] = {}  # checkout session id -> line items

    # -- objects ---------------------------------------------------------------------

    def add(self, obj: Obj, kind: str | None = None) -> Obj:
        self.objects[obj["id"]] = obj
        self._order[kind or obj["object"]].append(obj["id"])
        return obj

    def get(self, kind: str, object_id: str, param: str = "id") -> Obj:
        obj = self.objects.get(object_id)
        if obj is None or obj.get("object") != kind:
            raise no_such(kind, object_id, param)
        return obj

    def find(self, object_id: str) -> Obj | None:
        if kind_of(object_id) is None:
            return None
        return self.objects.get(object_id)

    def all(self, kind: str) -> list[Obj]:
        """Newest first, as Stripe lists are."""
        return [self.objects[i] for i in reversed(self._order[kind])]

    # -- events ----------------------------------------------------------------------

    def emit(
        self,
        type: str,
        obj: Obj,
        req: RequestInfo = AUTOMATIC,
        *,
        account: str | None = None,
        previous: Obj | None = None,
    ) -> Obj:
        data: Obj = {"object": public(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        event: Obj = {"id": new_id("evt"), "object": "event"}
        if account is not None:
            event["account"] = account  # Connect events carry the connected account
        event.update(
            {
                "api_version": self.api_version,
                "created": now(),
                "data": data,
                "livemode": False,
                "pending_webhooks": self.publisher.endpoint_count(),
                "request": {"id": req.id, "idempotency_key": req.idempotency_key},
                "type": type,
            }
        )
        self.add(event)
        self.publisher.publish(event)
        return event

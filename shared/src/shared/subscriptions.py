"""Typed subscriptions: a service says which event classes it handles, the kernel does the rest.

    entitlements = Subscription("catalog", "entitlements")

    @entitlements.on(PurchaseCompleted)
    async def grant(event: PurchaseCompleted, envelope: Envelope, uow: UnitOfWork) -> None:
        ent = await uow.load(Entitlement, entitlement_id(event.persona_id, event.buyer_id))
        ...
        await uow.save(ent)

The queue is `<service>.<name>`; its bindings are the routing keys of the event classes
(`<producer>.<EventName>`), so they can never disagree with the handlers. Each handler runs in the
message's inbox transaction; when another writer moved a stream (`ConcurrencyError`) that whole
transaction is rolled back and run again from a fresh load. `uow.conn` is its connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar, overload

from shared.events import Envelope, Event
from shared.logging import get_logger
from shared.uow import UnitOfWork

log = get_logger(__name__)

E = TypeVar("E", bound=Event)
E2 = TypeVar("E2", bound=Event)
E3 = TypeVar("E3", bound=Event)
E4 = TypeVar("E4", bound=Event)
TypedHandler = Callable[[Any, Envelope, UnitOfWork], Awaitable[None]]
Handler = Callable[[E, Envelope, UnitOfWork], Awaitable[None]]
# `on(A, B)` types its handler's event as `A | B`: with one TypeVar over `*types`, mypy would
# widen it to `Event` and refuse a handler annotated with the union.
Registers = Callable[[Handler[E]], Handler[E]]
RawHandler = Callable[[Envelope, UnitOfWork], Awaitable[None]]


class TypedHandlers:
    """Handlers registered per event class with `on`, and dispatch of an envelope to them (the
    part a queue `Subscription` and a `shared.streams.StreamSubscription` share)."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[TypedHandler]] = {}

    def _registered(self, cls: type[Event]) -> None:
        """Hook: a handler for `cls` was registered (a queue binds its routing key)."""

    @overload
    def on(self, t1: type[E], /) -> Registers[E]: ...
    @overload
    def on(self, t1: type[E], t2: type[E2], /) -> Registers[E | E2]: ...
    @overload
    def on(self, t1: type[E], t2: type[E2], t3: type[E3], /) -> Registers[E | E2 | E3]: ...
    @overload
    def on(
        self, t1: type[E], t2: type[E2], t3: type[E3], t4: type[E4], /
    ) -> Registers[E | E2 | E3 | E4]: ...
    @overload
    def on(self, *event_types: type[Event]) -> Registers[Event]: ...
    def on(self, *event_types: type[Event]) -> Registers[Any]:
        """Register `handler(event, envelope, uow)` for these event classes."""

        def wrap(fn: Handler[Any]) -> Handler[Any]:
            for cls in event_types:
                self._handlers.setdefault(cls.type_name(), []).append(fn)
                self._registered(cls)
            return fn

        return wrap

    def statement(
        self, event_type: type[E], sql: str, args: Callable[[E, Envelope], tuple[Any, ...]]
    ) -> None:
        """A handler that is one SQL statement on `uow.conn`: `$1, $2, ...` are
        `args(event, envelope)` (the consumer's twin of `Projections.statement`)."""

        async def run(e: E, env: Envelope, uow: UnitOfWork) -> None:
            await uow.conn.execute(sql, *args(e, env))

        run.__name__ = f"store_{event_type.__name__}"
        self.on(event_type)(run)

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self._handlers)

    async def dispatch_typed(self, envelope: Envelope, uow: UnitOfWork) -> bool:
        """Run the handlers for this envelope; False when its type is not handled or unknown
        (unknown fields are ignored by the event classes)."""
        handlers = self._handlers.get(envelope.type)
        if not handlers:
            return False
        event = envelope.event()
        if event is None:
            return False
        for handler in handlers:
            await handler(event, envelope, uow)
        return True


class Subscription(TypedHandlers):
    """A durable consumer queue `<service>.<name>` and its handlers, one per event class.

    `bindings` + `handler` is the low-level form (raw envelopes, wildcard keys) the kernel's own
    tests use; services register typed handlers with `on`.
    """

    def __init__(
        self,
        service: str,
        name: str,
        *,
        bindings: Iterable[str] = (),
        handler: RawHandler | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.name = name
        self._raw_bindings = tuple(bindings)
        self._raw_handler = handler
        self._keys: list[str] = []

    @property
    def queue(self) -> str:
        return f"{self.service}.{self.name}"

    @property
    def bindings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self._raw_bindings, *self._keys)))

    def _registered(self, cls: type[Event]) -> None:
        if cls.routing_key() not in self._keys:
            self._keys.append(cls.routing_key())

    def handles(self, envelope: Envelope) -> bool:
        return self._raw_handler is not None or envelope.type in self._handlers

    async def dispatch(self, envelope: Envelope, uow: UnitOfWork) -> None:
        """Run the handlers for this envelope (an unknown type or version is logged and skipped)."""
        if self._raw_handler is not None:
            await self._raw_handler(envelope, uow)
        if envelope.type in self._handlers and not await self.dispatch_typed(envelope, uow):
            log.warning("unknown event ignored", consumer=self.queue, event_type=envelope.type)

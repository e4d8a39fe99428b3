"""The event store: one `events` table per service database.

`append` writes events with an expected version, their outbox rows and the projections' updates
in the caller's transaction. A version clash raises `ConcurrencyError`; the command is retried from
a fresh load (see `shared.uow.run_command`).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar, overload

import asyncpg

from shared import telemetry
from shared.context import Metadata, current_metadata
from shared.events import Envelope, Event, now


class ConcurrencyError(Exception):
    """Another writer appended to the stream since it was loaded."""


E = TypeVar("E", bound=Event)
E2 = TypeVar("E2", bound=Event)
E3 = TypeVar("E3", bound=Event)
ProjectionHandler = Callable[[asyncpg.Connection, Any, Envelope], Awaitable[None]]
Projects = Callable[[asyncpg.Connection, E, Envelope], Awaitable[None]]
# `on(A, B)` types its handler's event as `A | B` (see shared.subscriptions.Registers).
RegistersProjection = Callable[[Projects[E]], Projects[E]]


class Projections:
    """Read-model updaters, run for each appended event inside the append's transaction.

        @projections.on(PersonaApproved)
        async def approved(conn: asyncpg.Connection, e: PersonaApproved, env: Envelope) -> None:
            ...

    A handler gets the typed event (decoded once per append, upcast to its current schema) and
    its envelope (stream id, version, `occurred_at`: use that, never the clock, so a rebuild
    writes the same rows).
    """

    def __init__(self) -> None:
        self._handlers: dict[str, list[ProjectionHandler]] = {}
        self.tables: list[str] = []

    @overload
    def on(self, t1: type[E], /) -> RegistersProjection[E]: ...
    @overload
    def on(self, t1: type[E], t2: type[E2], /) -> RegistersProjection[E | E2]: ...
    @overload
    def on(
        self, t1: type[E], t2: type[E2], t3: type[E3], /
    ) -> RegistersProjection[E | E2 | E3]: ...
    @overload
    def on(self, *event_types: type[Event]) -> RegistersProjection[Event]: ...
    def on(self, *event_types: type[Event]) -> RegistersProjection[Any]:
        def wrap(fn: Projects[Any]) -> Projects[Any]:
            for et in event_types:
                self._handlers.setdefault(et.type_name(), []).append(fn)
            return fn

        return wrap

    def statement(
        self,
        event_type: type[E],
        sql: str,
        args: Callable[[E, Envelope], tuple[Any, ...]],
    ) -> None:
        """A projection that is one SQL statement: `$1, $2, ...` are `args(event, envelope)`.

        projections.statement(
            UserRoleChanged,
            "UPDATE users SET roles = $2, updated_at = $3 WHERE id = $1",
            lambda e, env: (e.user_id, e.roles, env.occurred_at),
        )
        """

        async def run(conn: asyncpg.Connection, e: E, env: Envelope) -> None:
            await conn.execute(sql, *args(e, env))

        run.__name__ = f"project_{event_type.__name__}"
        self.on(event_type)(run)

    def owns(self, *tables: str) -> None:
        """Declare the read-model tables a rebuild truncates."""
        self.tables.extend(tables)

    async def apply(
        self, conn: asyncpg.Connection, envelope: Envelope, event: Event | None = None
    ) -> None:
        handlers = self._handlers.get(envelope.type)
        if not handlers:
            return
        event = event if event is not None else envelope.event()
        if event is None:
            return
        for handler in handlers:
            await handler(conn, event, envelope)


def _row_to_envelope(row: asyncpg.Record, producer: str) -> Envelope:
    meta = row["metadata"] or {}
    return Envelope(
        event_id=row["event_id"],
        type=row["type"],
        schema_version=row["schema_version"],
        producer=producer,
        stream_type=row["stream_type"],
        stream_id=row["stream_id"],
        version=row["version"],
        occurred_at=row["occurred_at"],
        correlation_id=meta.get("correlation_id"),
        causation_id=meta.get("causation_id"),
        actor_id=meta.get("actor_id"),
        traceparent=meta.get("traceparent"),
        tracestate=meta.get("tracestate"),
        global_position=row["global_position"],
        data=row["data"],
    )


_COLUMNS = (
    "global_position, event_id, stream_type, stream_id, version, type, schema_version,"
    " data, metadata, occurred_at"
)


class EventStore:
    def __init__(self, producer: str, projections: Projections | None = None) -> None:
        self.producer = producer
        self.projections = projections or Projections()
        self.notify_channel = f"outbox_{producer}"

    async def load(self, conn: asyncpg.Connection, stream_id: str) -> list[Envelope]:
        rows = await conn.fetch(
            f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY version",
            stream_id,
        )
        return [_row_to_envelope(r, self.producer) for r in rows]

    async def stream_version(self, conn: asyncpg.Connection, stream_id: str) -> int:
        v = await conn.fetchval("SELECT max(version) FROM events WHERE stream_id = $1", stream_id)
        return int(v or 0)

    async def append(
        self,
        conn: asyncpg.Connection,
        stream_type: str,
        stream_id: str,
        expected_version: int,
        events: Sequence[Event],
        metadata: Metadata | None = None,
        occurred_at: datetime | None = None,
    ) -> list[Envelope]:
        """Append `events` after `expected_version`; must run inside a transaction."""
        if not events:
            return []
        if not conn.is_in_transaction():
            raise RuntimeError("append must run inside a transaction")
        # A span only when tracing is on: appends are hot, and even a no-op span costs a little.
        traced: contextlib.AbstractContextManager[Any] = (
            telemetry.span(
                f"append {stream_type}",
                self.producer,
                attributes={"event.types": ",".join(e.type_name() for e in events)},
            )
            if telemetry.enabled()
            else contextlib.nullcontext()
        )
        with traced:
            meta = metadata or current_metadata()
            meta_json: dict[str, Any] = {
                k: v
                for k, v in (
                    ("correlation_id", meta.correlation_id),
                    ("causation_id", meta.causation_id),
                    ("actor_id", meta.actor_id),
                )
                if v is not None
            }
            meta_json.update(telemetry.current_traceparent())  # {} when tracing is off
            when = occurred_at or now()
            envelopes = [
                Envelope(
                    event_id=uuid.uuid4(),
                    type=ev.type_name(),
                    schema_version=ev.schema_version,
                    producer=self.producer,
                    stream_type=stream_type,
                    stream_id=stream_id,
                    version=expected_version + i + 1,
                    occurred_at=when,
                    data=ev.to_data(),
                    **meta_json,
                )
                for i, ev in enumerate(events)
            ]
            try:
                # One round trip for the events and one for their outbox rows, however many there are.
                rows = await conn.fetch(
                    "INSERT INTO events (event_id, stream_type, stream_id, version, type,"
                    " schema_version, data, metadata, occurred_at)"
                    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[],"
                    " $6::int[], $7::jsonb[], $8::jsonb[], $9::timestamptz[])"
                    " RETURNING global_position, event_id",
                    [e.event_id for e in envelopes],
                    [stream_type] * len(envelopes),
                    [stream_id] * len(envelopes),
                    [e.version for e in envelopes],
                    [e.type for e in envelopes],
                    [e.schema_version for e in envelopes],
                    [e.data for e in envelopes],
                    [meta_json] * len(envelopes),
                    [when] * len(envelopes),
                )
            except asyncpg.UniqueViolationError as exc:
                if exc.constraint_name == "events_stream_version":
                    raise ConcurrencyError(
                        f"stream {stream_id} moved past version {expected_version}"
                    ) from exc
                raise
            positions = {r["event_id"]: r["global_position"] for r in rows}
            envelopes = [
                e.model_copy(update={"global_position": positions[e.event_id]}) for e in envelopes
            ]
            await conn.executemany(
                "INSERT INTO outbox (global_position, event_id, routing_key, body) VALUES ($1,$2,$3,$4)",
                [
                    (e.global_position, e.event_id, f"{self.producer}.{e.type}", e.to_bytes())
                    for e in envelopes
                ],
            )
            await conn.execute("SELECT pg_notify($1, '')", self.notify_channel)
            for envelope, event in zip(envelopes, events, strict=True):
                await self.projections.apply(conn, envelope, event)
            return envelopes

    async def read_all(
        self, conn: asyncpg.Connection, after: int = 0, limit: int = 1000
    ) -> list[Envelope]:
        rows = await conn.fetch(
            f"SELECT {_COLUMNS} FROM events WHERE global_position > $1"
            " ORDER BY global_position LIMIT $2",
            after,
            limit,
        )
        return [_row_to_envelope(r, self.producer) for r in rows]

    async def rebuild_projections(self, pool: asyncpg.Pool, batch: int = 1000) -> int:
        """Truncate the read models and fold every stored event into them again, atomically."""
        count = 0
        async with pool.acquire() as conn, conn.transaction():
            if self.projections.tables:
                await conn.execute("TRUNCATE " + ", ".join(self.projections.tables))
            after = 0
            while True:
                envelopes = await self.read_all(conn, after, batch)
                if not envelopes:
                    break
                for envelope in envelopes:
                    await self.projections.apply(conn, envelope)
                count += len(envelopes)
                after = envelopes[-1].global_position or after
        return count

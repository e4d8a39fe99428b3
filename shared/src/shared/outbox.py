"""The outbox relay: publishes committed outbox rows in `global_position` order, then deletes them.

One relay is active per service: the replica that holds a session-level advisory lock. It wakes on
LISTEN/NOTIFY and polls as a fallback. Rows are read fresh each round (never a cursor over
`global_position`, since sequence order is not commit order) and only the confirmed prefix of a
batch is deleted, so after a broker outage publishing resumes at the first unconfirmed row.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import asyncpg
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from shared import telemetry
from shared.bus import Broker
from shared.db import advisory_key, connect
from shared.logging import get_logger
from shared.metrics import OUTBOX_PUBLISHED
from shared.telemetry import context_of

log = get_logger(__name__)

# The relay's session holds the leader lock: if its client vanishes without closing (a partition),
# the server must notice within a minute and end the session, so a stand-by can take over.
_KEEPALIVE = {
    "tcp_keepalives_idle": "20",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "4",
}


@dataclass(eq=False, repr=False)  # no repr: the DSN holds a password
class OutboxRelay:
    dsn: str
    broker: Broker
    producer: str
    _: KW_ONLY
    batch_size: int = 500
    poll_interval: float = 1.0
    max_backoff: float = 5.0
    # A connection that goes silent (partition, failover) would otherwise hang a query until
    # the OS gives up on the socket, hours later: every query of the relay has a deadline,
    # after which it reconnects.
    query_timeout: float = 30.0
    published: int = field(default=0, init=False)
    is_leader: bool = field(default=False, init=False)
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    @property
    def channel(self) -> str:
        return f"outbox_{self.producer}"

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Run until cancelled: stand by until elected, then relay; survive database restarts."""
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await connect(self.dsn, _KEEPALIVE)
                while not await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1)",
                    advisory_key(f"outbox:{self.producer}"),
                    timeout=self.query_timeout,
                ):
                    await asyncio.sleep(self.poll_interval)
                self.is_leader = True
                log.info("outbox relay elected", producer=self.producer)
                await conn.add_listener(self.channel, self._on_notify)
                await self._relay(conn)
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                # (TimeoutError, a query past its deadline, is an OSError.)
                log.warning("outbox relay lost its database connection", error=repr(exc))
                await asyncio.sleep(self.poll_interval)
            finally:
                self.is_leader = False
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(conn.close(), 2)

    async def _relay(self, conn: asyncpg.Connection) -> None:
        backoff = 0.1
        while True:
            self._wake.clear()
            rows = await conn.fetch(
                # event_id as text: it goes out as the message id, no UUID object in between.
                "SELECT global_position, event_id::text, routing_key, body FROM outbox"
                " ORDER BY global_position LIMIT $1",
                self.batch_size,
                timeout=self.query_timeout,
            )
            if not rows:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
                continue
            items = [(r["event_id"], r["routing_key"], r["body"]) for r in rows]
            spans = self._publish_spans(items) if telemetry.enabled() else None
            try:
                confirmed = await self.broker.publish_many(
                    items, headers=[context_of(s) for s in spans] if spans else None
                )
            except Exception as exc:  # a broker outage must never stop the relay
                log.warning("outbox publish error", error=repr(exc))
                confirmed = 0
            if spans:
                for i, span in enumerate(spans):
                    if i >= confirmed:
                        span.set_status(Status(StatusCode.ERROR, "not confirmed"))
                    span.end()
            if confirmed:
                await conn.execute(
                    "DELETE FROM outbox WHERE global_position = ANY($1::bigint[])",
                    [r["global_position"] for r in rows[:confirmed]],
                    timeout=self.query_timeout,
                )
                self.published += confirmed
                OUTBOX_PUBLISHED.labels(self.producer).inc(confirmed)
                backoff = 0.1
            if confirmed < len(rows):
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    def _publish_spans(self, items: list[tuple[str, str, bytes]]) -> list[Span]:
        """One producer span per event, child of the span that appended it (whose context the
        stored envelope carries); its own context goes out in the message headers."""
        spans = []
        for message_id, routing_key, body in items:
            try:
                stored = json.loads(body)
                parent = {k: stored[k] for k in ("traceparent", "tracestate") if stored.get(k)}
            except ValueError:
                parent = {}
            span = telemetry.start_span(
                f"publish {routing_key}",
                self.producer,
                kind=SpanKind.PRODUCER,
                parent=parent or None,
                attributes={"messaging.system": "rabbitmq", "messaging.message.id": message_id},
            )
            assert span is not None
            spans.append(span)
        return spans

    async def pending(self) -> int:
        conn = await connect(self.dsn)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM outbox"))
        finally:
            await conn.close()

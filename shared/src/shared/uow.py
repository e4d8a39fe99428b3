"""A unit of work around each command: one transaction, load, decide, append; retried on clash."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

import asyncpg

from shared.aggregate import Aggregate
from shared.events import Envelope
from shared.eventstore import ConcurrencyError, EventStore

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")


class UnitOfWork:
    def __init__(self, conn: asyncpg.Connection, store: EventStore) -> None:
        self.conn = conn
        self.store = store
        self.published: list[Envelope] = []

    async def load(self, cls: type[A], stream_id: str, *, lock: bool = False) -> A:
        """Fold a stream into its aggregate (an empty one if the stream does not exist).

        `lock=True` takes a transaction-scoped advisory lock on the stream first: for hot streams
        (a creator's ledger under a burst of payout requests) waiting beats failing and retrying.
        """
        if lock:
            await self.conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", stream_id
            )
        envelopes = await self.store.load(self.conn, stream_id)
        events = [e for e in (env.event() for env in envelopes) if e is not None]
        agg = cls.fold(stream_id, events)
        agg.version = envelopes[-1].version if envelopes else 0
        return agg

    async def save(self, agg: Aggregate) -> list[Envelope]:
        if not agg.pending:
            return []
        envelopes = await self.store.append(
            self.conn, agg.stream_type, agg.id, agg.loaded_version, agg.pending
        )
        agg.pending = []
        self.published.extend(envelopes)
        return envelopes


async def _with_retries(
    transaction: Callable[[], AbstractAsyncContextManager[asyncpg.Connection]],
    store: EventStore,
    fn: Callable[[UnitOfWork], Awaitable[T]],
    retries: int,
) -> T:
    """Run `fn` in `transaction()`; on a version clash, again from a fresh load (with jitter)."""
    for attempt in range(retries + 1):
        try:
            async with transaction() as conn:
                return await fn(UnitOfWork(conn, store))
        except ConcurrencyError:
            if attempt == retries:
                raise
            await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))
    raise AssertionError("unreachable")


async def run_command(
    pool: asyncpg.Pool,
    store: EventStore,
    fn: Callable[[UnitOfWork], Awaitable[T]],
    *,
    retries: int = 8,
) -> T:
    """Run `fn` in a fresh transaction; on a version clash, retry it from a fresh load."""

    @asynccontextmanager
    async def fresh() -> AsyncIterator[asyncpg.Connection]:
        async with pool.acquire() as conn, conn.transaction():
            yield conn

    return await _with_retries(fresh, store, fn, retries)


async def run_in_transaction(
    conn: asyncpg.Connection,
    store: EventStore,
    fn: Callable[[UnitOfWork], Awaitable[T]],
    *,
    retries: int = 8,
) -> T:
    """Run `fn` inside the caller's open transaction (a consumer's inbox transaction), under a
    savepoint that is rolled back and retried from a fresh load on a version clash."""

    @asynccontextmanager
    async def savepoint() -> AsyncIterator[asyncpg.Connection]:
        async with conn.transaction():
            yield conn

    return await _with_retries(savepoint, store, fn, retries)

"""Telling a lost database from a handler's own failure, for consumers that hold messages
through a database outage (the bus's inbox consumer, the stream readers)."""

from __future__ import annotations

import asyncpg

# Errors that only ever mean the database connection is gone: held without asking.
CONNECTION_LOST: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, crash shutdown, starting up
    asyncpg.exceptions.TooManyConnectionsError,
)


def connection_lost(exc: BaseException) -> bool:
    # The transaction's exit often reports a lost connection as a plain InterfaceError, with
    # the real cause chained behind it.
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, CONNECTION_LOST):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# These may also be the handler's own failure; held only while the database does not answer.
DATABASE_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, crash shutdown, starting up
    asyncpg.exceptions.TooManyConnectionsError,
)

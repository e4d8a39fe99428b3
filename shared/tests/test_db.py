"""The kernel's pool: releasing a connection costs no round trip (no session reset query), and
what a release must still undo — a transaction left open — is undone; and creating a database
from several processes at once."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from shared.db import ensure_database
from shared.testing.servers import drop_database


async def test_release_sends_nothing_and_rolls_back_an_open_transaction(
    pool: asyncpg.Pool,
) -> None:
    sent: list[str] = []

    def log(record: asyncpg.connection.LoggedQuery) -> None:
        sent.append(record.query)

    async with pool.acquire() as conn:
        raw = conn._con  # type: ignore[attr-defined]  # the connection behind the pool's proxy
        raw.add_query_logger(log)
        assert await conn.fetchval("SELECT 1") == 1
    assert sent == ["SELECT 1"]  # asyncpg's default would add `SELECT pg_advisory_unlock_all()...`
    raw.remove_query_logger(log)

    await pool.execute("CREATE TABLE IF NOT EXISTS pool_probe (n int)")
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()  # left open on purpose, as a bug would
        await conn.execute("INSERT INTO pool_probe VALUES (1)")
    async with pool.acquire() as conn:
        assert not conn.is_in_transaction()
    assert await pool.fetchval("SELECT count(*) FROM pool_probe") == 0


async def test_processes_creating_one_database_together_all_succeed(postgres_url: str) -> None:
    """A service and its worker start together on a fresh machine (`make run`): both find the
    database missing and both create it; the one that loses the race must not crash."""
    dsn = f"{postgres_url}/t_race_{uuid.uuid4().hex[:12]}"
    try:
        await asyncio.gather(*(ensure_database(dsn) for _ in range(6)))
        conn = await asyncpg.connect(dsn)
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()
    finally:
        await drop_database(dsn)

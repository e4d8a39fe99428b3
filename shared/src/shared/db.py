"""asyncpg pool and ordered plain-SQL migrations applied under an advisory lock."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg

from shared.logging import get_logger

log = get_logger(__name__)

KERNEL_MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3,})_[\w-]+\.sql$")


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a pooled connection needs on release beyond asyncpg's own step (which rolls back a
    transaction left open and drops listeners): nothing. asyncpg's default reset is one more
    round trip per release (`UNLISTEN *; RESET ALL; pg_advisory_unlock_all()`...) for session
    state this code never leaves on a pooled connection: session-level advisory locks and LISTEN
    live on dedicated connections (`connect`), settings are `SET LOCAL` / `set_config(.., true)`."""


async def create_pool(
    dsn: str,
    min_size: int = 1,
    max_size: int = 10,
    server_settings: dict[str, str] | None = None,
) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        command_timeout=60,
        server_settings=server_settings,
    )
    assert pool is not None
    return pool


async def connect(dsn: str, server_settings: dict[str, str] | None = None) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn, server_settings=server_settings)
    await _init_connection(conn)
    return conn


def _migration_files(directory: Path, scope: str) -> list[tuple[str, Path]]:
    files = []
    for path in sorted(directory.glob("*.sql")):
        if not _MIGRATION_NAME.match(path.name):
            raise ValueError(f"migration file name must look like 001_name.sql: {path}")
        files.append((f"{scope}/{path.name}", path))
    return files


async def migrate(dsn: str, directories: Sequence[Path]) -> list[str]:
    """Apply the kernel's migrations, then each directory's, in order; return the names applied.

    One session holds an advisory lock while migrating, so replicas starting together apply each
    file exactly once; each file runs in its own transaction with its `schema_migrations` row.
    """
    conn = await connect(dsn)
    applied: list[str] = []
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", advisory_key("schema_migrations"))
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        plan = _migration_files(KERNEL_MIGRATIONS, "kernel")
        for directory in directories:
            plan += _migration_files(Path(directory), "service")
        for name, path in plan:
            if name in done:
                continue
            async with conn.transaction():
                await conn.execute(path.read_text())
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
            applied.append(name)
            log.info("migration applied", migration=name)
    finally:
        try:
            await conn.execute("SELECT pg_advisory_unlock_all()")
        finally:
            await conn.close()
    return applied


async def ensure_database(dsn: str) -> None:
    """Create the database named in `dsn` if it does not exist (development and tests)."""
    base, _, name = dsn.rpartition("/")
    name = name.split("?")[0]
    admin = await asyncpg.connect(f"{base}/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await admin.execute(f'CREATE DATABASE "{name}"')
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                pass  # another process (a service and its worker starting together) was first
    finally:
        await admin.close()


def record_to_dict(record: asyncpg.Record | None) -> dict[str, Any] | None:
    return dict(record) if record is not None else None

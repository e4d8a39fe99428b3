"""Fixtures the kernel's own tests share: a migrated pool and a connected broker."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg
import pytest
from shared.bus import Broker
from shared.db import create_pool, migrate


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The test's database with the kernel's tables (events, outbox, inbox)."""
    await migrate(database_url, [])
    p = await create_pool(database_url, max_size=10)
    yield p
    await p.close()


@pytest.fixture
async def broker(amqp_url: str, bus_namespace: str) -> AsyncIterator[Broker]:
    """A broker in the test's private namespace: two deliveries, then the dead-letter queue."""
    b = Broker(amqp_url, bus_namespace, delivery_limit=2, publish_timeout=5)
    await b.connect()
    yield b
    with contextlib.suppress(Exception):
        await b.close()

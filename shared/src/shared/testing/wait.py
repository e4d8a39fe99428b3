"""Polling for eventually-consistent effects (projections fed by the broker, webhooks)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    ok: Callable[[T], Any] = bool,
    *,
    timeout: float = 20.0,
    interval: float = 0.05,
) -> T:
    """Call `probe` until `ok(value)` holds and return that value; fail with the last value
    after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if ok(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value: {value!r}")
        await asyncio.sleep(interval)

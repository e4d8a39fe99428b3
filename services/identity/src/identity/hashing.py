"""Argon2id hashing off the event loop, in a bounded thread pool that refuses rather than queues.

Hashing is deliberately slow and memory-hungry; doing it on the event loop would stall every
request, and an unbounded queue would let a burst of logins pile up minutes of work. So at most
`workers` hashes run and `queue_limit` wait; anything beyond is refused with `HashingBusy`
(the API answers 429 with Retry-After).
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from shared.metrics import ARGON2_CAPACITY, ARGON2_IN_FLIGHT, ARGON2_REJECTED

from identity.settings import IdentitySettings

T = TypeVar("T")


class HashingBusy(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("password hashing is saturated")
        self.retry_after = retry_after


def make_hasher(settings: IdentitySettings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


class PasswordHashing:
    def __init__(self, settings: IdentitySettings) -> None:
        self.hasher = make_hasher(settings)
        self.workers = settings.hash_workers
        self.capacity = settings.hash_workers + settings.hash_queue_limit
        self.retry_after = settings.hash_retry_after_s
        self._executor = ThreadPoolExecutor(settings.hash_workers, thread_name_prefix="argon2")
        # Saturation = in flight / capacity (shared.metrics); set as it changes, no I/O.
        self._in_flight = ARGON2_IN_FLIGHT.labels(settings.service_name)
        self._rejected = ARGON2_REJECTED.labels(settings.service_name)
        ARGON2_CAPACITY.labels(settings.service_name).set(self.capacity)
        # Counted until the thread finishes, even if the awaiting request was cancelled.
        self._admitted = 0
        self._lock = threading.Lock()
        self._dummy_hash: str | None = None

    @property
    def admitted(self) -> int:
        return self._admitted

    def _release(self, _: object) -> None:
        with self._lock:
            self._admitted -= 1
        self._in_flight.dec()

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run `fn(*args)` in the pool, or raise `HashingBusy` when it is full."""
        with self._lock:
            if self._admitted >= self.capacity:
                self._rejected.inc()
                raise HashingBusy(self.retry_after)
            self._admitted += 1
        self._in_flight.inc()
        try:
            future = self._executor.submit(fn, *args)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    async def start(self) -> None:
        # Unknown e-mails are checked against this, so they cost what a real account costs.
        self._dummy_hash = await self.run(self.hasher.hash, secrets.token_urlsafe(16))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def hash(self, password: str) -> str:
        return await self.run(self.hasher.hash, password)

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def verify(self, stored: str | None, password: str) -> bool:
        """Check `password`; with no stored hash, spend the same effort and say no."""
        if stored is None:
            if self._dummy_hash is None:
                await self.start()
            assert self._dummy_hash is not None
            await self.run(self._verify, self._dummy_hash, password)
            return False
        return await self.run(self._verify, stored, password)

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

"""Webhook signing and background delivery with retries and test switches.

Signing is Stripe's scheme: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
f"{t}.{body}")>`, so `stripe.Webhook.construct_event` verifies our payloads.

Delivery: one worker task per endpoint URL takes events in creation order; a failed
attempt is re-queued after an exponential backoff without blocking later events (Stripe
does not guarantee ordering either). Switches let tests provoke the awkward cases:
duplicate delivery, holding a batch and releasing it in reverse, pausing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from .ids import new_id
from .settings import Settings

Obj = dict[str, Any]


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


@dataclass
class Delivery:
    event: Obj
    url: str
    attempt: int = 1
    copy: int = 1  # 2 for the extra copy sent by the "duplicate" switch


class WebhookDispatcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: httpx.AsyncClient | None = None
        self._queues: dict[str, asyncio.Queue[Delivery]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._retries: set[asyncio.Task[None]] = set()
        self._sending: set[int] = set()
        self._resume = asyncio.Event()
        self.reset()

    # -- configuration & switches -------------------------------------------------

    def reset(self) -> None:
        """Back to the startup configuration, dropping anything queued or scheduled."""
        for task in [*self._workers.values(), *self._retries]:
            task.cancel()
        self._workers.clear()
        self._queues.clear()
        self._retries = set()
        # A fresh set: workers cancelled mid-send clean up the old one, not this one.
        self._sending = set()
        self.urls: list[str] = list(self.settings.webhook_urls)
        self.secret: str = self.settings.webhook_secret
        self.duplicate = False
        self.holding = False
        self.held: list[Obj] = []
        self.attempts: list[Obj] = []
        self._delivered: set[tuple[str, str]] = set()
        self._resume.set()

    def configure(self, urls: list[str] | None = None, secret: str | None = None) -> None:
        if urls is not None:
            for gone in set(self._workers) - set(urls):
                self._workers.pop(gone).cancel()
                self._queues.pop(gone, None)
            self.urls = list(urls)
        if secret is not None:
            self.secret = secret

    def pause(self) -> None:
        self._resume.clear()

    def resume(self) -> None:
        self._resume.set()

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    def hold(self) -> None:
        self.holding = True

    def release(self, order: str = "reverse") -> int:
        """Stop holding and deliver the held batch, newest first unless order="original"."""
        batch = list(reversed(self.held)) if order == "reverse" else list(self.held)
        self.held = []
        self.holding = False
        for event in batch:
            self._enqueue(event)
        return len(batch)

    def stats(self) -> Obj:
        return {
            "queued": sum(q.qsize() for q in self._queues.values()),
            "in_flight": len(self._sending),
            "retrying": len(self._retries),
            "held": len(self.held),
        }

    def idle(self) -> bool:
        s = self.stats()
        return s["queued"] == 0 and s["in_flight"] == 0 and s["retrying"] == 0

    async def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    # -- publishing ---------------------------------------------------------------

    def endpoint_count(self) -> int:
        return len(self.urls)

    def publish(self, event: Obj) -> None:
        if self.holding:
            self.held.append(event)
        else:
            self._enqueue(event)

    def _enqueue(self, event: Obj) -> None:
        for url in self.urls:
            for n in range(2 if self.duplicate else 1):
                self._queue(url).put_nowait(Delivery(event, url, copy=n + 1))

    def _queue(self, url: str) -> asyncio.Queue[Delivery]:
        q = self._queues.get(url)
        if q is None:
            q = self._queues[url] = asyncio.Queue()
            self._workers[url] = asyncio.get_running_loop().create_task(self._worker(q))
        return q

    # -- delivery -----------------------------------------------------------------

    async def _worker(self, queue: asyncio.Queue[Delivery]) -> None:
        while True:
            delivery = await queue.get()
            try:
                await self._resume.wait()
                sending = self._sending
                sending.add(id(delivery))
                try:
                    await self._attempt(delivery)
                finally:
                    sending.discard(id(delivery))
            finally:
                queue.task_done()

    async def _attempt(self, d: Delivery) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient()
        body = json.dumps(d.event, indent=2)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": sign(body, self.secret),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks) stripe-emulator",
        }
        status: int | None = None
        error: str | None = None
        try:
            resp = await self._client.post(
                d.url, content=body.encode(), headers=headers, timeout=self.settings.webhook_timeout
            )
            status = resp.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        ok = status is not None and 200 <= status < 300
        delay = None if ok else self.retry_delay(d.attempt)
        self.attempts.append(
            {
                "id": new_id("whatt", 16),
                "event_id": d.event["id"],
                "event_type": d.event["type"],
                "url": d.url,
                "attempt": d.attempt,
                "copy": d.copy,
                "status_code": status,
                "error": error,
                "succeeded": ok,
                "created": time.time(),
                # Seconds until the next attempt (None: delivered, or no attempts left).
                "next_retry_in": delay,
            }
        )
        if ok:
            if (d.event["id"], d.url) not in self._delivered:
                self._delivered.add((d.event["id"], d.url))
                d.event["pending_webhooks"] = max(0, d.event["pending_webhooks"] - 1)
            return
        if delay is None:
            return
        retry = Delivery(d.event, d.url, d.attempt + 1, d.copy)
        task = asyncio.get_running_loop().create_task(self._retry_later(retry, delay))
        retries = self._retries
        retries.add(task)
        task.add_done_callback(retries.discard)

    def retry_delay(self, attempt: int) -> float | None:
        """Exponential backoff after failed attempt number `attempt`; None when it was the last."""
        s = self.settings
        if attempt >= s.webhook_max_attempts:
            return None
        return float(
            min(
                s.webhook_retry_max_delay,
                s.webhook_retry_base_delay * s.webhook_retry_factor ** (attempt - 1),
            )
        )

    async def _retry_later(self, d: Delivery, delay: float) -> None:
        await asyncio.sleep(delay)
        if d.url in self.urls:  # endpoint removed meanwhile: drop the retry
            self._queue(d.url).put_nowait(d)

    async def close(self) -> None:
        for task in [*self._workers.values(), *self._retries]:
            task.cancel()
        for task in [*self._workers.values(), *self._retries]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._client is not None:
            await self._client.aclose()
            self._client = None

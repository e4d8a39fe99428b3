"""Helpers for tests that need Stripe: the emulator as a real HTTP server in a thread,
and a webhook receiver that verifies signatures with the Stripe SDK.

    from stripe_emulator.testing import EmulatorServer, WebhookReceiver

    receiver = WebhookReceiver()
    server = EmulatorServer(webhook_urls=[receiver.url])   # server.url -> http://127.0.0.1:PORT
    ...
    server.stop(); receiver.stop()
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe
import uvicorn

from .app import create_app
from .settings import Settings

WEBHOOK_SECRET = "whsec_test_suite_secret"
API_KEY = "sk_test_emulator"


class WebhookReceiver:
    """A tiny HTTP endpoint: verifies `Stripe-Signature` with `stripe.Webhook.construct_event`,
    records verified events, and can be told to answer 500 instead: to the next N requests
    (`fail_next`) or to the first N deliveries of every event (`fail_per_event`)."""

    def __init__(self, secret: str = WEBHOOK_SECRET) -> None:
        self.default_secret = secret
        self.secret = secret
        self.events: list[dict[str, Any]] = []
        self.rejected: list[str] = []  # signature failures
        self.requests = 0
        self.fail_next = 0
        self.fail_per_event = 0
        self._seen: dict[str, int] = {}
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver._handle(raw, self.headers.get("Stripe-Signature"))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/stripe"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _handle(self, raw: bytes, signature: str | None) -> int:
        with self._cond:
            self.requests += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                self._cond.notify_all()
                return 500
            if self.fail_per_event > 0:
                try:
                    event_id = str(json.loads(raw).get("id"))
                except ValueError:
                    event_id = ""
                self._seen[event_id] = self._seen.get(event_id, 0) + 1
                if self._seen[event_id] <= self.fail_per_event:
                    self._cond.notify_all()
                    return 500
            try:
                stripe.Webhook.construct_event(raw, signature, self.secret)
            except stripe.SignatureVerificationError as exc:
                self.rejected.append(str(exc))
                self._cond.notify_all()
                return 400
            self.events.append(json.loads(raw))
            self._cond.notify_all()
            return 200

    def clear(self) -> None:
        with self._cond:
            self.events.clear()
            self.rejected.clear()
            self.requests = 0
            self.fail_next = 0
            self.fail_per_event = 0
            self._seen.clear()
            self.secret = self.default_secret

    def types(self) -> list[str]:
        with self._cond:
            return [e["type"] for e in self.events]

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        with self._cond:
            return [e for e in self.events if e["type"] == event_type]

    def _wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    async def wait_for(
        self, predicate: Callable[[WebhookReceiver], bool], timeout: float = 5.0
    ) -> None:
        ok = await asyncio.to_thread(self._wait, lambda: predicate(self), timeout)
        if not ok:
            raise TimeoutError(f"webhook condition not met in {timeout}s; got {self.types()}")

    async def wait_types(self, *types: str, timeout: float = 5.0) -> None:
        await self.wait_for(
            lambda r: all(t in [e["type"] for e in r.events] for t in types), timeout
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class EmulatorServer:
    """The emulator on a free loopback port, with quick webhook retries for tests."""

    def __init__(
        self, webhook_urls: list[str] | None = None, webhook_secret: str = WEBHOOK_SECRET
    ) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = Settings(
            port=self.port,
            public_url=self.url,
            webhook_urls=list(webhook_urls or []),
            webhook_secret=webhook_secret,
            webhook_max_attempts=4,
            webhook_retry_base_delay=0.05,
            webhook_retry_max_delay=0.2,
            webhook_timeout=2.0,
        )
        config = uvicorn.Config(create_app(self.settings), log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("emulator did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


def line_item(
    unit_amount: int, name: str = "Persona", quantity: int = 1, currency: str = "usd"
) -> dict[str, Any]:
    """One Checkout Session line item priced inline (`price_data`), as a platform sends it."""
    return {
        "price_data": {
            "currency": currency,
            "unit_amount": unit_amount,
            "product_data": {"name": name},
        },
        "quantity": quantity,
    }

"""Starting a checkout: a double click gives one session, and no database transaction (nor its
connection) waits on Stripe, so a slow Stripe cannot exhaust the pool for webhooks and reads."""

from __future__ import annotations

import asyncio
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class GatedStripe:
    """A pass-through proxy to the emulator that holds requests to one path until released."""

    def __init__(self, target: str, gated_path: str) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.split("?")[0] == gated_path:
                    proxy.arrived.set()
                    proxy.release.wait(30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                request = urllib.request.Request(
                    target + self.path, data=body or None, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, out, ctype = response.status, response.read(), response.headers
                except urllib.error.HTTPError as err:
                    status, out, ctype = err.code, err.read(), err.headers
                self.send_response(status)
                for name in ("Content-Type", "Request-Id", "Idempotency-Key"):
                    if ctype.get(name):
                        self.send_header(name, ctype[name])
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_DELETE = _forward

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


async def test_no_database_transaction_waits_on_stripe(start_billing, emulator) -> None:
    gate = GatedStripe(emulator.url, "/v1/checkout/sessions")
    try:
        async with start_billing(stripe_api_base=gate.url) as billing:
            persona = await billing.approve(price=1500)
            buyer = str(uuid.uuid4())
            started = asyncio.create_task(billing.checkout(buyer, persona["persona_id"]))
            assert await asyncio.to_thread(gate.arrived.wait, 30)
            # Stripe is still answering: nothing in billing sits in an open transaction.
            idle_in_transaction = await billing.pool.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state LIKE 'idle in transaction%'"
            )
            gate.release.set()
            r = await started
    finally:
        gate.stop()
    assert r.status_code == 200, r.text
    assert idle_in_transaction == 0


async def test_a_double_click_hands_out_one_session(billing) -> None:
    persona = await billing.approve(price=1500)
    buyer = str(uuid.uuid4())
    responses = await asyncio.gather(
        *(billing.checkout(buyer, persona["persona_id"]) for _ in range(4))
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert len({r.json()["session_id"] for r in responses}) == 1
    assert len({r.json()["transaction_id"] for r in responses}) == 1
    assert await billing.pool.fetchval("SELECT count(*) FROM transactions") == 1
    listed = await billing.stripe.v1.checkout.sessions.list_async()
    assert len(listed.data) == 1


async def test_a_checkout_that_died_before_recording_its_session_blocks_nothing(billing) -> None:
    """A request that reached Stripe and then died (crash, database blip) used an idempotency
    key and recorded nothing; the buyer's next try, a minute later, still gets a checkout."""
    from datetime import UTC, datetime, timedelta

    from billing.checkout import checkout_expiry, checkout_transaction_id
    from billing.domain import Sale

    persona = await billing.approve(price=1500, name="Ada the tutor")
    buyer = str(uuid.uuid4())
    earlier = checkout_expiry(datetime.now(UTC) - timedelta(minutes=1), 60)
    lost_id = checkout_transaction_id(
        buyer, persona["persona_id"], 1500, "usd", "Ada the tutor", 0, earlier
    )
    service = billing.app.state.billing
    await service.stripe.create_checkout_session(
        transaction_id=lost_id,
        sale=Sale(
            buyer, persona["persona_id"], persona["creator_id"], "Ada the tutor", 1500, "usd"
        ),
        success_url="http://localhost:8000/checkout/success",
        cancel_url="http://localhost:8000/checkout/cancel",
        expires_at=earlier,
    )
    r = await billing.checkout(buyer, persona["persona_id"])
    assert r.status_code == 200, r.text
    assert r.json()["transaction_id"] != lost_id
    assert await billing.pool.fetchval("SELECT count(*) FROM transactions") == 1

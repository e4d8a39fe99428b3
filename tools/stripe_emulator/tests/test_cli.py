"""`python -m stripe_emulator` as its own process, configured by flags and env vars."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import stripe
from stripe_emulator.testing import WebhookReceiver, line_item


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_module_entry_point_serves_api_and_webhooks() -> None:
    receiver = WebhookReceiver(secret="whsec_cli_secret")
    port = _free_port()
    env = {
        **os.environ,
        "STRIPE_EMULATOR_WEBHOOK_URLS": f"{receiver.url}, ",
        "STRIPE_EMULATOR_WEBHOOK_SECRET": "whsec_cli_secret",
        "STRIPE_EMULATOR_PUBLIC_URL": "http://emulator.local:9999",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stripe_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    http_client = stripe.HTTPXClient()
    try:
        deadline = time.monotonic() + 90  # a loaded machine starts Python slowly
        while True:
            try:
                if httpx.get(f"{url}/_emulator/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "emulator process exited"
            assert time.monotonic() < deadline, "emulator did not come up"
            time.sleep(0.05)
        client = stripe.StripeClient(
            "sk_test_cli", base_addresses={"api": url}, http_client=http_client
        )
        session = await client.v1.checkout.sessions.create_async(
            params={
                "mode": "payment",
                "line_items": [line_item(990, "CLI")],
            }
        )
        assert session.url == f"http://emulator.local:9999/checkout/{session.id}"
        config = httpx.get(f"{url}/_emulator/webhooks").json()
        assert config["urls"] == [receiver.url] and config["secret"] == "whsec_cli_secret"
        await client.v1.checkout.sessions.expire_async(session.id)
        await receiver.wait_types("checkout.session.expired")
    finally:
        await http_client.close_async()
        proc.terminate()
        proc.wait(timeout=10)
        receiver.stop()

"""Inspect and replay dead-lettered messages.

    python -m shared.dlq list   catalog.entitlements [--limit 20]
    python -m shared.dlq replay catalog.entitlements [--limit N]

`AMQP_URL` and `BUS_NAMESPACE` come from the environment like everywhere else. Replay moves each
message from `<queue>.dlq` back onto `<queue>` (through the default exchange, so only that queue
receives it) and acks it in the DLQ only after the broker confirmed the re-publish.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

import aio_pika

from shared.settings import DEV_AMQP_URL


async def list_dead_letters(url: str, queue: str, limit: int = 20) -> list[dict[str, Any]]:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        dlq = await channel.get_queue(f"{queue}.dlq", ensure=True)
        seen: list[dict[str, Any]] = []
        held = []
        for _ in range(limit):
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                break
            held.append(message)
            deaths: Any = (message.headers or {}).get("x-death") or []
            first = deaths[0] if isinstance(deaths, list) and deaths else None
            reason = first.get("reason") if isinstance(first, dict) else None
            try:
                body = json.loads(message.body)
            except ValueError:
                body = {"raw": message.body[:200].decode(errors="replace")}
            seen.append(
                {
                    "message_id": message.message_id,
                    "reason": str(reason),
                    "type": body.get("type"),
                    "stream_id": body.get("stream_id"),
                    "event": body,
                }
            )
        for message in held:  # browsing must not consume: put everything back
            await message.nack(requeue=True)
        return seen
    finally:
        await connection.close()


async def replay_dead_letters(url: str, queue: str, limit: int | None = None) -> int:
    connection = await aio_pika.connect(url)
    moved = 0
    try:
        channel = await connection.channel(publisher_confirms=True)
        dlq = await channel.get_queue(f"{queue}.dlq", ensure=True)
        while limit is None or moved < limit:
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                break
            await channel.default_exchange.publish(
                aio_pika.Message(
                    message.body,
                    message_id=message.message_id,
                    content_type=message.content_type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                ),
                routing_key=queue,
                timeout=10,
            )
            await message.ack()
            moved += 1
        return moved
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.dlq",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("queue", help="consumer queue, e.g. catalog.entitlements")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    url = os.environ.get("AMQP_URL", DEV_AMQP_URL)
    queue = os.environ.get("BUS_NAMESPACE", "") + args.queue
    if args.command == "list":
        for item in asyncio.run(list_dead_letters(url, queue, args.limit or 20)):
            print(json.dumps(item, default=str))
    else:
        moved = asyncio.run(replay_dead_letters(url, queue, args.limit))
        print(f"replayed {moved} message(s) from {queue}.dlq to {queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

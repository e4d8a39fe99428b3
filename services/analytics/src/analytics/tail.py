"""`python -m analytics tail`: print the events of the `analytics.events` stream, one JSON line
each with its offset; a runnable example of reading the stream (see docs/events.md)."""

from __future__ import annotations

import asyncio
import json
import sys

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from shared.bus import ANALYTICS_STREAM
from shared.settings import ServiceSettings


async def tail(
    settings: ServiceSettings, start: str, types: list[str], limit: int | None = None
) -> int:
    """Print events from `start` ("first", "last", "next" or an offset); return how many were
    printed (`limit` stops after that many, for tests and scripts)."""
    offset: int | str = int(start) if start.isdigit() else start
    connection = await aio_pika.connect_robust(settings.amqp_url)
    printed = 0
    done = asyncio.Event()
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=100)  # a stream consumer needs a prefetch
        queue = await channel.get_queue(settings.bus_namespace + ANALYTICS_STREAM)

        async def show(message: AbstractIncomingMessage) -> None:
            nonlocal printed
            await message.ack()
            body = json.loads(message.body)
            if types and body.get("type") not in types:
                return
            line = {"offset": (message.headers or {}).get("x-stream-offset"), **body}
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()
            printed += 1
            if limit is not None and printed >= limit:
                done.set()

        await queue.consume(show, arguments={"x-stream-offset": offset})
        await done.wait()
    finally:
        await connection.close()
    return printed

"""A relay or a consumer of the kernel as a real process, for the fault tests to SIGKILL.

python tests/hardening/bus_worker.py relay   DSN AMQP_URL NAMESPACE
python tests/hardening/bus_worker.py consume DSN AMQP_URL NAMESPACE
"""

from __future__ import annotations

import asyncio
import sys

from shared.bus import Broker
from shared.db import create_pool
from shared.events import Envelope, Event
from shared.eventstore import EventStore
from shared.outbox import OutboxRelay
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

PRODUCER = "fault"


class FaultHappened(Event):
    producer = PRODUCER
    n: int


async def record(env: Envelope, uow: UnitOfWork) -> None:
    # Slow enough that a kill lands inside a batch of prefetched, unacknowledged messages.
    await asyncio.sleep(0.002)
    await uow.conn.execute("INSERT INTO seen (event_id) VALUES ($1)", env.event_id)


def subscription() -> Subscription:
    return Subscription("fault", "things", bindings=(FaultHappened.routing_key(),), handler=record)


async def main(role: str, dsn: str, amqp_url: str, namespace: str) -> None:
    broker = Broker(amqp_url, namespace, publish_timeout=10, prefetch=64)
    await broker.connect()
    if role == "relay":
        await OutboxRelay(dsn, broker, PRODUCER, batch_size=200, poll_interval=0.2).run()
    else:
        pool = await create_pool(dsn, max_size=4)
        await broker.consume(subscription(), pool, EventStore(PRODUCER))
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))

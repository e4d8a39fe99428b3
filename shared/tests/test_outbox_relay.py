"""The outbox relay when its database connection goes silent (a network partition or a failover
that leaves the old TCP connection open): it must notice, reconnect and carry on."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
from shared.bus import Broker
from shared.db import create_pool, migrate
from shared.events import Event
from shared.eventstore import EventStore
from shared.outbox import OutboxRelay
from shared.subscriptions import Subscription


class ParcelSent(Event):
    n: int


@dataclass
class _Link:
    frozen: bool = False


class BlackHoleProxy:
    """A TCP proxy to PostgreSQL whose open connections can be made to swallow every byte
    (while staying open), as a partition does; new connections pass normally."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.links: list[_Link] = []
        self.server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[object]] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    def freeze_open_connections(self) -> None:
        for link in self.links:
            link.frozen = True

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        link = _Link()
        self.links.append(link)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    if not link.frozen:
                        dst.write(data)
                        await dst.drain()
            finally:
                dst.close()  # a closed side closes the other (the session ends on the server)

        await asyncio.gather(
            pipe(reader, up_writer), pipe(up_reader, writer), return_exceptions=True
        )

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.fixture
async def proxied_url(database_url: str):
    parts = urlsplit(database_url)
    proxy = BlackHoleProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    port = await proxy.start()
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{port}"
    yield proxy, urlunsplit(parts._replace(netloc=netloc))
    await proxy.close()


async def test_the_relay_recovers_from_a_database_connection_gone_silent(
    database_url: str, amqp_url: str, bus_namespace: str, proxied_url
):
    proxy, relay_url = proxied_url
    await migrate(database_url, [])
    pool = await create_pool(database_url)
    broker = Broker(amqp_url, bus_namespace, publish_timeout=5)
    await broker.connect()
    await broker.declare_topology([Subscription("test", "parcels", bindings=("test.#",))])
    store = EventStore("test")
    relay = OutboxRelay(relay_url, broker, "test", poll_interval=0.1, query_timeout=1.0)
    task = asyncio.create_task(relay.run())

    async def send(n: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await store.append(conn, "parcel", "p1", n, [ParcelSent(n=n)])

    async def until(predicate, timeout: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not await predicate():
            assert asyncio.get_running_loop().time() < deadline, "relay stuck"
            await asyncio.sleep(0.05)

    async def relayed(count: int) -> bool:
        return relay.published >= count and await pool.fetchval("SELECT count(*) = 0 FROM outbox")

    try:
        await send(0)
        await until(lambda: relayed(1))
        proxy.freeze_open_connections()  # the relay's connection now leads nowhere
        await send(1)
        await until(lambda: relayed(2))
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await broker.close()
        await pool.close()

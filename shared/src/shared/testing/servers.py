"""Real servers for tests: PostgreSQL and RabbitMQ (testcontainers where a Docker engine runs,
else the local servers at the configured URLs), an SMTP server, and apps served over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import email
import os
import random
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import asyncpg
import uvicorn

from shared.http import SERVICE_KEEPALIVE_S

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def docker_available() -> bool:
    if os.environ.get("TESTS_USE_LOCAL_SERVERS") == "1":
        return False
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A DSN without database name for a server where the tests may create databases."""
    if docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as pg:
            url = pg.get_connection_url()
            yield url.rsplit("/", 1)[0]
        return
    yield os.environ.get("TEST_POSTGRES_URL", LOCAL_POSTGRES).rstrip("/")


@contextlib.contextmanager
def rabbitmq_server() -> Iterator[str]:
    if docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-alpine") as mq:
            params = mq.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}/"
        return
    yield os.environ.get("TEST_AMQP_URL", LOCAL_AMQP)


async def create_database(server: str, prefix: str = "t") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return f"{server}/{name}"


async def drop_database(dsn: str) -> None:
    server, _, name = dsn.rpartition("/")
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


# Dropping a database makes PostgreSQL take a checkpoint (up to a second or two on a busy
# machine), and drops issued together share one. Tests retire their databases here: they are
# dropped eight at a time, concurrently, and the rest when the test session ends.
_retired: list[str] = []
RETIRE_BATCH = 8


async def drop_databases(dsns: list[str]) -> None:
    """Drop these databases concurrently (one shared checkpoint instead of one each)."""
    await asyncio.gather(*(drop_database(d) for d in dsns), return_exceptions=True)


async def retire_database(dsn: str) -> None:
    _retired.append(dsn)
    if len(_retired) >= RETIRE_BATCH:
        batch = _retired[:]
        _retired.clear()
        await drop_databases(batch)


def drop_retired_databases() -> None:
    """At the end of a test session (no event loop running): drop what is still retired."""
    if _retired:
        batch = _retired[:]
        _retired.clear()
        asyncio.run(drop_databases(batch))


async def delete_namespace(amqp_url: str, namespace: str) -> None:
    import aio_pika

    from shared.bus import Broker

    names = Broker.declared.pop(namespace, set())
    if not names:
        return
    connection = await aio_pika.connect(amqp_url)

    async def delete(kind: str, name: str) -> None:
        channel = await connection.channel()  # a failed delete closes its channel: one each
        with contextlib.suppress(Exception):
            if kind == "queue":
                await channel.queue_delete(name)
            else:
                await channel.exchange_delete(name)
        with contextlib.suppress(Exception):
            await channel.close()

    try:
        # Queues first, side by side (a stack declares dozens), then the exchanges.
        for wanted in ("queue", "exchange"):
            await asyncio.gather(*(delete(k, n) for k, n in names if k == wanted))
    finally:
        await connection.close()


_handed_out: set[int] = set()


def start_module(
    module: str, *args: str, env: Mapping[str, str] | None = None, **popen: Any
) -> subprocess.Popen[bytes]:
    """`python -m <module> <args>` (a service's CLI, as a deployment runs it) with `env` over
    this process's environment; stdout discarded, `popen` adds e.g. `stderr`."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        **popen,
    )


def free_port() -> int:
    """A port to serve on later. Chosen below the kernel's ephemeral range (32768+): a port the
    kernel picked for us could be picked again for an outgoing connection or another `bind(0)`
    before our server binds it, which made stacks of several servers fail at random. Parallel
    test workers (pytest-xdist) each draw from their own slice, so two never pick one port."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    span = 12000 // workers
    low = 20000 + (worker % workers) * span
    for _ in range(1000):
        port = random.randint(low, low + span - 1)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port between {low} and {low + span - 1}")


@contextlib.asynccontextmanager
async def serve_app(app: Any, port: int | None = None, **options: Any) -> AsyncIterator[str]:
    """Serve an ASGI app over real HTTP in this event loop; yields its base URL.
    `options` are extra `uvicorn.Config` arguments (e.g. proxy-header trust)."""
    port = port or free_port()
    options.setdefault("log_level", "warning")
    options.setdefault("timeout_keep_alive", SERVICE_KEEPALIVE_S)  # as `python -m <svc> serve`
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", **options)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("server stopped during start-up")
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) keeping every message it receives."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Message] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    async def wait_for(self, to: str, timeout: float = 10.0, count: int = 1) -> list[Message]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = [m for m in self.messages if to.lower() in str(m["To"]).lower()]
            if len(found) >= count:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no mail to {to} within {timeout}s")
            await asyncio.sleep(0.05)


def message_text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(part.get_content_charset() or "utf-8")
    return ""


@contextlib.contextmanager
def smtp_sink(sink: SmtpSink | None = None) -> Iterator[SmtpSink]:
    """Serve `sink` (a fresh `SmtpSink` by default, or a subclass a test made) over real SMTP."""
    from aiosmtpd.controller import Controller

    sink = sink or SmtpSink(port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


async def close_broker_connections(namespace: str) -> int:
    """Cut every broker connection whose name starts with `namespace`, as an outage would."""
    import subprocess

    def run() -> int:
        out = subprocess.run(
            ["rabbitmqctl", "-q", "list_connections", "pid", "client_properties"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pids = [line.split("\t", 1)[0] for line in out.splitlines() if namespace in line]
        for pid in pids:
            subprocess.run(
                ["rabbitmqctl", "-q", "close_connection", pid, "test outage"],
                capture_output=True,
                check=False,
            )
        return len(pids)

    return await asyncio.to_thread(run)

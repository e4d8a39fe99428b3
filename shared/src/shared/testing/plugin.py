"""pytest fixtures every service uses: real PostgreSQL, RabbitMQ and SMTP, fresh per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from shared.testing.servers import (
    SmtpSink,
    create_database,
    delete_namespace,
    drop_retired_databases,
    postgres_server,
    rabbitmq_server,
    retire_database,
    smtp_sink,
)
from shared.testing.tokens import TokenIssuer, token_issuer


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url
        drop_retired_databases()


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    with rabbitmq_server() as url:
        yield url


@pytest.fixture
async def database_url(postgres_url: str) -> AsyncIterator[str]:
    """A fresh, empty database for this test, dropped afterwards (in a batch with others)."""
    dsn = await create_database(postgres_url)
    yield dsn
    await retire_database(dsn)


@pytest.fixture
async def bus_namespace(amqp_url: str) -> AsyncIterator[str]:
    """A private prefix for the exchange and queues of this test, deleted afterwards."""
    ns = f"t{uuid.uuid4().hex[:10]}."
    yield ns
    await delete_namespace(amqp_url, ns)


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
async def tokens() -> AsyncIterator[TokenIssuer]:
    """Mints RS256 access tokens like identity's; its JWKS URL is `tokens.jwks_url`."""
    async with token_issuer() as issuer:
        yield issuer

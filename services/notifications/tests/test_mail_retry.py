"""A failing SMTP server (real, answering 451) delays mail; nothing is lost or sent twice."""

from __future__ import annotations

import email
from collections.abc import Iterator
from typing import Any

import pytest
from shared.testing.servers import SmtpSink, free_port, smtp_sink


class FlakySmtp(SmtpSink):
    """A real SMTP server that refuses (451) the first `failures` messages."""

    failures: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def flaky_smtp() -> Iterator[FlakySmtp]:
    sink = FlakySmtp(port=free_port())
    sink.failures = 3
    with smtp_sink(sink):
        yield sink


@pytest.fixture
def settings_overrides(flaky_smtp: FlakySmtp) -> dict[str, Any]:
    return {"smtp_url": flaky_smtp.url}


async def test_a_failing_smtp_server_delays_mail_without_losing_or_doubling_it(
    harness: Any, flaky_smtp: FlakySmtp
) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    await harness.send(harness.sale(creator, buyer))
    await harness.mail_settled()
    assert flaky_smtp.failures == 0  # it was refused three times first
    retried = await harness.pool.fetchval("SELECT max(attempts) FROM mail_outbox")
    assert retried >= 2
    assert len(await flaky_smtp.wait_for("bob@example.com")) == 1
    assert len(await flaky_smtp.wait_for("carla@example.com")) == 1
    errors = await harness.pool.fetch("SELECT last_error FROM mail_outbox WHERE attempts > 1")
    assert errors and all("451" in r["last_error"] for r in errors)

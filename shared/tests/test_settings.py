"""Production refuses development defaults; the broker's guest account in any spelling."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from shared.settings import ServiceSettings, uses_guest_account

REAL_DB = "postgresql://app:secret@db.internal/catalog"


@pytest.mark.parametrize(
    "url",
    [
        "amqp://guest:guest@localhost/",
        "amqp://guest:guest@rabbit.internal:5672/prod",
        "amqps://guest:other@rabbit.internal/",
        "amqp://gu%65st:guest@rabbit.internal/",  # percent-encoded
        "amqp://rabbit.internal/",  # no credentials: the client signs in as guest
        "amqp://:secret@rabbit.internal/",
    ],
)
def test_production_refuses_every_spelling_of_the_guest_account(url: str) -> None:
    assert uses_guest_account(url)
    with pytest.raises(ValidationError, match="AMQP_URL"):
        ServiceSettings(env="production", amqp_url=url, database_url=REAL_DB)


def test_production_starts_with_a_real_broker_account() -> None:
    url = "amqps://catalog:s3cret@rabbit.internal/prod"
    assert not uses_guest_account(url)
    settings = ServiceSettings(env="production", amqp_url=url, database_url=REAL_DB)
    assert settings.dev_defaults_in_use() == []


def test_development_keeps_the_guest_default() -> None:
    settings = ServiceSettings()
    assert settings.amqp_url == "amqp://guest:guest@localhost/"
    assert "AMQP_URL (the guest account)" in settings.dev_defaults_in_use()

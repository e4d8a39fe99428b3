"""A service's settings for a test, built one way in every conftest."""

from __future__ import annotations

from typing import Any, TypeVar

from shared.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def service_settings(
    cls: type[S], database_url: str, amqp_url: str, bus_namespace: str, **kw: Any
) -> S:
    """`cls` for a test: its fresh database, the test's private bus namespace, `env="test"` and
    links under `http://app.test`; `kw` sets (or overrides) anything else."""
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "amqp_url": amqp_url,
        "bus_namespace": bus_namespace,
        "public_url": "http://app.test",
    }
    return cls(**{**values, **kw})

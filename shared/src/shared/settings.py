"""Settings from the environment with safe development defaults.

Each service subclasses `ServiceSettings` with its own env prefix (`CATALOG_DATABASE_URL`, ...).
Fields every process shares (broker, environment, token audience) are read without a prefix, so
one `AMQP_URL` serves the whole system.
"""

from __future__ import annotations

from typing import ClassVar, Literal
from urllib.parse import unquote, urlsplit

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_AMQP_URL = "amqp://guest:guest@localhost/"


def uses_guest_account(amqp_url: str) -> bool:
    """Whether a broker URL signs in as RabbitMQ's `guest` account: named, or by default (a URL
    without a user name gets guest/guest from the client)."""
    user = urlsplit(amqp_url).username
    return not user or unquote(user) == "guest"


def shared_field(default: object, *names: str) -> object:
    """A field read from an unprefixed environment variable (first name wins)."""
    return Field(default=default, validation_alias=AliasChoices(*names))


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # Secrets with a development default that production refuses: field -> the variable that
    # sets it (reported by `dev_defaults_in_use` while the field still holds its default).
    # A subclass lists only its own; the base classes' are checked too.
    dev_secrets: ClassVar[dict[str, str]] = {}

    service_name: str = "service"
    env: Literal["development", "test", "production"] = shared_field("development", "APP_ENV")  # type: ignore[assignment]
    log_level: str = shared_field("INFO", "LOG_LEVEL")  # type: ignore[assignment]
    log_json: bool | None = shared_field(None, "LOG_JSON")  # type: ignore[assignment]

    database_url: str = ""
    db_pool_min: int = 1
    db_pool_max: int = 10

    amqp_url: str = shared_field(DEV_AMQP_URL, "AMQP_URL")  # type: ignore[assignment]
    # Prefix for the exchange and every queue name: empty in real deployments, unique per test.
    bus_namespace: str = shared_field("", "BUS_NAMESPACE")  # type: ignore[assignment]
    publish_timeout_s: float = 10.0
    consumer_prefetch: int = 32
    delivery_limit: int = 5

    jwt_issuer: str = shared_field("creator-platform", "JWT_ISSUER")  # type: ignore[assignment]
    jwt_audience: str = shared_field("creator-platform-api", "JWT_AUDIENCE")  # type: ignore[assignment]
    jwks_url: str = shared_field("http://localhost:8001/.well-known/jwks.json", "JWKS_URL")  # type: ignore[assignment]

    smtp_url: str = shared_field("", "SMTP_URL")  # type: ignore[assignment]
    mail_dir: str = shared_field(".run/mail", "MAIL_DIR")  # type: ignore[assignment]
    mail_from: str = shared_field("Personas <no-reply@creator.local>", "MAIL_FROM")  # type: ignore[assignment]
    public_url: str = shared_field("http://localhost:8000", "PUBLIC_URL")  # type: ignore[assignment]
    # How often depths behind /metrics are sampled (outbox, queues, DLQs, stream lag, a
    # service's own gauges): one round of queries per interval, none per request or scrape.
    metrics_sample_s: float = shared_field(15.0, "METRICS_SAMPLE_S")  # type: ignore[assignment]
    # The one product name (the web UI's header, page titles, every e-mail): "Personas".
    product_name: str = shared_field("Personas", "PRODUCT_NAME")  # type: ignore[assignment]

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def dev_defaults_in_use(self) -> list[str]:
        """Names of settings still at a development default; services extend this."""
        found = []
        if uses_guest_account(self.amqp_url):
            found.append("AMQP_URL (the guest account)")
        if not self.database_url or "localhost" in self.database_url:
            found.append("DATABASE_URL")
        for cls in reversed(type(self).__mro__):
            for name, variable in vars(cls).get("dev_secrets", {}).items():
                if getattr(self, name) == type(self).model_fields[name].default:
                    found.append(variable)
        return found

    @model_validator(mode="after")
    def _refuse_dev_defaults_in_production(self) -> ServiceSettings:
        if self.database_url == "":
            self.database_url = f"postgresql://localhost/{self.service_name}"
        if self.env == "production":
            bad = self.dev_defaults_in_use()
            if bad:
                raise ValueError(
                    "APP_ENV=production refuses development defaults for: " + ", ".join(bad)
                )
        return self

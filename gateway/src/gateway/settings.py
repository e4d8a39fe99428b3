"""Gateway settings: `GATEWAY_*` variables, plus the unprefixed ones every process shares
(`AMQP_URL`, `BUS_NAMESPACE`, `JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE`, `APP_ENV`, `LOG_*`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict
from shared.http import SERVICE_KEEPALIVE_S
from shared.settings import ServiceSettings

# gateway/src/gateway/settings.py -> the repository root
REPO_ROOT = Path(__file__).resolve().parents[3]

SERVICES = (
    "identity",
    "catalog",
    "billing",
    "payouts",
    "analytics",
    "notifications",
    "generation",
)


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    # A scrape of the gateway's own /metrics must send `Authorization: Bearer <this>`; unset in
    # production, /metrics is not served (404). Outside production, unset = open.
    metrics_token: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    # Peers whose X-Forwarded-For / X-Forwarded-Proto uvicorn believes (the ingress); comma list.
    trusted_proxies: str = "127.0.0.1"

    identity_url: str = "http://127.0.0.1:8001"
    catalog_url: str = "http://127.0.0.1:8002"
    billing_url: str = "http://127.0.0.1:8003"
    payouts_url: str = "http://127.0.0.1:8004"
    analytics_url: str = "http://127.0.0.1:8005"
    notifications_url: str = "http://127.0.0.1:8006"
    generation_url: str = "http://127.0.0.1:8007"

    # Upstream timeouts (seconds). `read` is per chunk, so a long download that keeps moving is fine.
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 30.0
    write_timeout_s: float = 30.0
    pool_timeout_s: float = 5.0
    max_connections: int = 200
    max_keepalive_connections: int = 50
    # An idle pooled connection is let go after this; it must stay well below the services' own
    # keep-alive (`shared.http.SERVICE_KEEPALIVE_S`) so a reuse never races their close.
    upstream_keepalive_s: float = 10.0

    @field_validator("upstream_keepalive_s")
    @classmethod
    def _below_services(cls, value: float) -> float:
        if not 0 < value < SERVICE_KEEPALIVE_S:
            raise ValueError(f"must be above 0 and below the services' {SERVICE_KEEPALIVE_S} s")
        return value

    # `memory://` (per process) or `redis://host:port/db` (shared by every gateway replica).
    rate_limit_storage: str = "memory://"
    rate_limit_login_per_ip: str = "100/minute"
    rate_limit_register_per_ip: str = "30/minute"
    rate_limit_refresh_per_ip: str = "300/minute"
    rate_limit_reset_per_ip: str = "30/minute"
    # Counted on FAILED logins only: the 11th failure within a minute is refused with 429.
    rate_limit_login_failures_per_account: str = "10/minute"
    rate_limit_reset_per_account: str = "5/hour"
    # Biggest JSON body read for the routes limited per account (login, password reset).
    auth_body_max_bytes: int = 16 * 1024
    # Every other body: refused with 413 past this while it streams (`shared.guards`) ...
    body_max_bytes: int = 1024 * 1024
    # ... except persona uploads, which catalog checks file by file (50 MB of files + form fields).
    upload_body_max_bytes: int = 56 * 1024 * 1024
    # ... and image uploads (covers, gallery images, avatars: 8 MB, checked by the service).
    image_body_max_bytes: int = 8 * 1024 * 1024 + 64 * 1024

    def body_limits(self) -> dict[str, int]:
        uploads = ("POST /api/personas", "POST /api/personas/{id}/versions")
        images = (
            "PUT /api/personas/{id}/cover",
            "POST /api/personas/{id}/versions/{v}/gallery",
            "PUT /api/users/me/avatar",
        )
        return {
            **{route: self.upload_body_max_bytes for route in uploads},
            **{route: self.image_body_max_bytes for route in images},
        }

    openapi_cache_s: float = 30.0
    openapi_fetch_timeout_s: float = 2.0

    # The built web UI; served at `/` when it holds an index.html.
    web_dist: Path = REPO_ROOT / "web" / "dist"

    def service_urls(self) -> dict[str, str]:
        return {name: str(getattr(self, f"{name}_url")).rstrip("/") for name in SERVICES}

    def dev_defaults_in_use(self) -> list[str]:
        # The gateway has no database of its own.
        return [name for name in super().dev_defaults_in_use() if name != "DATABASE_URL"]

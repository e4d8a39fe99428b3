"""Runtime configuration, read from the environment (or built directly by tests)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_PORT = 12111
DEFAULT_WEBHOOK_SECRET = "whsec_dev_emulator_secret"


def _split_urls(raw: str | None) -> list[str]:
    return [u.strip() for u in (raw or "").split(",") if u.strip()]


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    # Base of the links we hand out (checkout `url`, account link `url`); it must be
    # reachable by whoever opens them, so it is configurable separately from host/port.
    public_url: str = f"http://localhost:{DEFAULT_PORT}"
    webhook_urls: list[str] = field(default_factory=list)
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET
    # Retry schedule: attempt n+1 waits base * factor**(n-1) seconds, capped at max_delay.
    # Stripe retries for days; locally a handful of quick retries is what tests need.
    webhook_max_attempts: int = 6
    webhook_retry_base_delay: float = 0.5
    webhook_retry_factor: float = 2.0
    webhook_retry_max_delay: float = 30.0
    webhook_timeout: float = 10.0
    # Deterministic "automatic tax": basis points added on top of each line's subtotal.
    tax_rate_bps: int = 1000

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        port = int(e.get("STRIPE_EMULATOR_PORT", DEFAULT_PORT))
        return cls(
            host=e.get("STRIPE_EMULATOR_HOST", "127.0.0.1"),
            port=port,
            public_url=e.get("STRIPE_EMULATOR_PUBLIC_URL", f"http://localhost:{port}").rstrip("/"),
            webhook_urls=_split_urls(e.get("STRIPE_EMULATOR_WEBHOOK_URLS")),
            webhook_secret=e.get("STRIPE_EMULATOR_WEBHOOK_SECRET", DEFAULT_WEBHOOK_SECRET),
            webhook_max_attempts=int(e.get("STRIPE_EMULATOR_WEBHOOK_MAX_ATTEMPTS", 6)),
            webhook_retry_base_delay=float(e.get("STRIPE_EMULATOR_WEBHOOK_RETRY_BASE_DELAY", 0.5)),
            webhook_retry_max_delay=float(e.get("STRIPE_EMULATOR_WEBHOOK_RETRY_MAX_DELAY", 30.0)),
            webhook_timeout=float(e.get("STRIPE_EMULATOR_WEBHOOK_TIMEOUT", 10.0)),
            tax_rate_bps=int(e.get("STRIPE_EMULATOR_TAX_RATE_BPS", 1000)),
        )

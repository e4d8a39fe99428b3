"""Generation settings (env prefix `GENERATION_`), the operator's provider list among them."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict
from shared.settings import ServiceSettings, shared_field

DEV_SERVICE_TOKEN = "dev-service-token-change-me"  # the same default catalog's internal reads use
DEMO_PROVIDER = "demo"


class ProviderConfig(BaseModel):
    """One OpenAI-compatible chat-completions endpoint the operator trusts (never a user's URL)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    label: str = ""
    base_url: str
    api_key: str = "none"  # local servers (Jan, Ollama) accept any key
    models: list[str] = Field(min_length=1)
    max_tokens: int = Field(1024, ge=1)  # the most a user may ask for in one generation
    timeout_s: float = Field(60.0, gt=0)  # per read: no first token / next token for this long
    concurrency: int = Field(4, ge=1)  # generations in flight at once, per process


class GenerationSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="GENERATION_", extra="ignore", populate_by_name=True
    )

    service_name: str = "generation"
    port: int = 8007

    # JSON list of ProviderConfig; empty = the demo model served in-process (below).
    providers: list[ProviderConfig] = []
    demo_model: bool = True
    demo_context: int = 2048
    demo_parallel: int = 2
    # CPU threads the demo model computes on; 0 = all cores but one, so the process's own event
    # loop (the API's other endpoints) keeps a core while generations stream.
    demo_threads: int = Field(default=0, ge=0, le=256)

    catalog_url: str = "http://localhost:8002"
    service_token: str = shared_field(DEV_SERVICE_TOKEN, "SERVICE_TOKEN")  # type: ignore[assignment]
    dev_secrets = {"service_token": "SERVICE_TOKEN"}

    # Per user: generations started per minute, and tokens (in + out) per UTC day.
    rate_per_minute: int = 10
    daily_token_budget: int = 100_000
    # Try-outs: generations per day a signed-in non-owner gets with a persona that allows them.
    tryouts_per_day: int = 3

    default_max_tokens: int = 512
    template_max_chars: int = 20_000
    prompt_max_chars: int = 30_000
    render_timeout_s: float = 1.0
    persona_max_chars: int = 30_000  # system prompt built from the persona's files

    # Workers: how often they look for due schedules and batch items.
    worker_poll_s: float = 1.0
    # A worker's own /metrics port (it serves no HTTP otherwise); 0 = none.
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    worker_metrics_host: str = "127.0.0.1"  # 0.0.0.0 in a container, to be scraped
    # A claimed batch item or schedule run whose worker stopped answering is retried after this.
    lease_s: float = 120.0
    # A worker touches this file every `worker_poll_s` while its event loop runs (empty: none);
    # container health checks read its age (`healthcheck --file PATH MAX_AGE_S`).
    worker_heartbeat_file: str = ""

"""Identity settings: `IDENTITY_*` plus the unprefixed fields every service shares."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict
from shared.auth import ACCESS_TOKEN_TTL
from shared.settings import ServiceSettings

from identity.key_material import load_private_key

# OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1.
OWASP_ARGON2_MEMORY_KIB = 19 * 1024
OWASP_ARGON2_TIME_COST = 2
OWASP_ARGON2_PARALLELISM = 1

HOUR = 60 * 60
DAY = 24 * HOUR
MAX_ACCESS_TTL = int(ACCESS_TOKEN_TTL.total_seconds())


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore", populate_by_name=True)

    service_name: str = "identity"
    port: int = 8001

    # RS256 signing key (PEM). Unset: a key pair is generated and kept in identity's own
    # database, which production refuses.
    jwt_private_key: str = ""

    # Verifiers replay the revocation stream from (now - 15 min) at start-up, so an access token
    # living longer than that could outlive its revocation: the kernel's horizon caps it.
    access_token_ttl_s: int = Field(default=MAX_ACCESS_TTL, ge=30, le=MAX_ACCESS_TTL)
    refresh_absolute_ttl_s: int = Field(default=30 * DAY, ge=60)
    refresh_idle_ttl_s: int = Field(default=7 * DAY, ge=60)
    email_verification_ttl_s: int = Field(default=48 * HOUR, ge=60)
    password_reset_ttl_s: int = Field(default=HOUR, ge=60, le=DAY)
    # At most one verification (resend) or reset e-mail per account in this many seconds.
    email_cooldown_s: int = Field(default=60, ge=0)

    # Uploaded avatars (shared.images): at most this many bytes and decoded pixels; the
    # 256 x 256 WebP renderings (never the upload) are kept in the `avatar_images` table.
    max_avatar_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_avatar_pixels: int = Field(default=40_000_000, ge=10_000)

    # Argon2id cost. Tests lower it for speed; production refuses anything below OWASP's floor.
    argon2_memory_kib: int = Field(default=OWASP_ARGON2_MEMORY_KIB, ge=8)
    argon2_time_cost: int = Field(default=OWASP_ARGON2_TIME_COST, ge=1)
    argon2_parallelism: int = Field(default=OWASP_ARGON2_PARALLELISM, ge=1)
    # At most `hash_workers` hashes run at once and `hash_queue_limit` more wait; beyond that
    # login and register answer 429 with Retry-After instead of queueing without bound.
    hash_workers: int = Field(default=2, ge=1, le=64)
    hash_queue_limit: int = Field(default=16, ge=0)
    hash_retry_after_s: int = Field(default=2, ge=1)

    # Signing keys: how often a replica re-reads the key table (to pick up a rotation made
    # elsewhere), how long after `rotate-keys` the new key starts signing (0 = at once: it is in
    # the JWKS, which is read from the database, from the same moment), and how long a replaced
    # public key stays published (at least one access-token lifetime).
    key_refresh_interval_s: float = Field(default=30.0, gt=0)
    key_activation_delay_s: int = Field(default=0, ge=0)
    key_publish_after_retire_s: int = Field(default=2 * MAX_ACCESS_TTL, ge=0)

    # Expired credentials purge: refresh families past their absolute lifetime and used or
    # expired one-time tokens are deleted `purge_margin_s` after that, every
    # `purge_interval_s` (first run `purge_initial_delay_s` after start), `purge_batch_size`
    # rows per statement.
    purge_interval_s: float = Field(default=HOUR, gt=0)
    purge_initial_delay_s: float = Field(default=60.0, ge=0)
    purge_margin_s: int = Field(default=DAY, ge=0)
    purge_batch_size: int = Field(default=1000, ge=1, le=100_000)

    @model_validator(mode="after")
    def _check(self) -> IdentitySettings:
        # Environment files often carry a PEM on one line with literal "\n" separators.
        if "\\n" in self.jwt_private_key:
            self.jwt_private_key = self.jwt_private_key.replace("\\n", "\n")
        self.jwt_private_key = self.jwt_private_key.strip()
        if self.jwt_private_key:
            load_private_key(self.jwt_private_key)  # a clear error at start-up, not at login
        if self.refresh_idle_ttl_s > self.refresh_absolute_ttl_s:
            self.refresh_idle_ttl_s = self.refresh_absolute_ttl_s
        if self.key_publish_after_retire_s < self.access_token_ttl_s:
            raise ValueError(
                "IDENTITY_KEY_PUBLISH_AFTER_RETIRE_S must cover at least one access-token lifetime"
            )
        return self

    @property
    def argon2_meets_owasp(self) -> bool:
        return (
            self.argon2_memory_kib >= OWASP_ARGON2_MEMORY_KIB
            and self.argon2_time_cost >= OWASP_ARGON2_TIME_COST
            and self.argon2_parallelism >= OWASP_ARGON2_PARALLELISM
        )

    def dev_defaults_in_use(self) -> list[str]:
        found = super().dev_defaults_in_use()
        if not self.jwt_private_key:
            found.append("IDENTITY_JWT_PRIVATE_KEY")
        if not self.argon2_meets_owasp:
            found.append("IDENTITY_ARGON2_* (below OWASP's m=19 MiB, t=2, p=1)")
        # Verification and reset links are built from it: they must reach the user's browser
        # and carry their token over TLS only.
        public = urlsplit(self.public_url)
        if public.scheme != "https" or public.hostname in (None, "localhost", "127.0.0.1", "::1"):
            found.append("PUBLIC_URL (must be the public https:// address)")
        return found

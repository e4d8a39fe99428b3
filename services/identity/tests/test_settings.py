"""Settings: production-grade defaults, and production refusing development shortcuts."""

from __future__ import annotations

import pytest
from identity.hashing import make_hasher
from identity.keys import generate_pem
from identity.settings import IdentitySettings

PROD = {
    "env": "production",
    "database_url": "postgresql://db.internal/identity",
    "amqp_url": "amqp://app:secret@mq.internal/",
    "public_url": "https://creator.example.com",
}


def test_default_argon2_parameters_meet_owasp() -> None:
    settings = IdentitySettings()
    hasher = make_hasher(settings)
    assert hasher.memory_cost >= 19 * 1024
    assert hasher.time_cost >= 2
    assert hasher.parallelism >= 1
    stored = hasher.hash("blue-river-42-Piano")
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored


def test_default_lifetimes() -> None:
    s = IdentitySettings()
    assert s.port == 8001
    assert s.access_token_ttl_s == 900
    assert s.refresh_absolute_ttl_s == 30 * 24 * 3600
    assert s.email_verification_ttl_s == 48 * 3600
    assert s.password_reset_ttl_s == 3600
    assert s.key_publish_after_retire_s >= s.access_token_ttl_s


def test_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_DATABASE_URL", "postgresql://x/identity_env")
    monkeypatch.setenv("IDENTITY_HASH_QUEUE_LIMIT", "5")
    s = IdentitySettings()
    assert s.database_url == "postgresql://x/identity_env"
    assert s.hash_queue_limit == 5


def test_production_requires_a_private_key() -> None:
    with pytest.raises(ValueError, match="IDENTITY_JWT_PRIVATE_KEY"):
        IdentitySettings(**PROD)
    pem = generate_pem()
    s = IdentitySettings(**PROD, jwt_private_key=pem.replace("\n", "\\n"))
    assert s.jwt_private_key == pem.strip()


def test_production_refuses_weak_hashing() -> None:
    with pytest.raises(ValueError, match="ARGON2"):
        IdentitySettings(**PROD, jwt_private_key=generate_pem(), argon2_memory_kib=1024)


def test_unreadable_private_key_is_refused() -> None:
    with pytest.raises(ValueError, match="PEM"):
        IdentitySettings(jwt_private_key="-----BEGIN PRIVATE KEY-----\nnope\n")


def test_access_tokens_cannot_outlive_the_revocation_horizon() -> None:
    with pytest.raises(ValueError):
        IdentitySettings(access_token_ttl_s=3600)


@pytest.mark.parametrize(
    "public_url", ["http://localhost:8000", "http://127.0.0.1:8000", "http://creator.example.com"]
)
def test_production_refuses_links_to_localhost_or_plain_http(public_url: str) -> None:
    # Verification and reset links are built from PUBLIC_URL: pointing at the developer's
    # machine they cannot work, and over plain HTTP they hand the token to anyone on the path.
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        IdentitySettings(**{**PROD, "public_url": public_url}, jwt_private_key=generate_pem())
    IdentitySettings(**PROD, jwt_private_key=generate_pem())

"""Test access tokens: an RSA key, its JWKS served over real HTTP, and a minting helper.

    async with token_issuer() as issuer:
        settings = MySettings(..., jwks_url=issuer.jwks_url)
        token = issuer.mint(user_id, roles=["user"], email_verified=True)

Tokens carry exactly the claims identity issues (DESIGN §4), so services are tested against the
real verifier without depending on the identity service.
"""

from __future__ import annotations

import base64
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jose import jwt

from shared.testing.servers import serve_app

DEFAULT_ISSUER = "creator-platform"
DEFAULT_AUDIENCE = "creator-platform-api"


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pem_of(key: rsa.RSAPrivateKey) -> str:
    """The key as unencrypted PKCS#8 PEM, what `jwt.encode` signs RS256 with."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class TokenIssuer:
    issuer: str = DEFAULT_ISSUER
    audience: str = DEFAULT_AUDIENCE
    kid: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:8]}")
    jwks_url: str = ""
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    @property
    def private_pem(self) -> str:
        return pem_of(self.key)

    def verifier_settings(self) -> dict[str, str]:
        """The settings a service needs to verify this issuer's tokens (`ServiceSettings`)."""
        return {"jwks_url": self.jwks_url, "jwt_issuer": self.issuer, "jwt_audience": self.audience}

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _b64(numbers.n),
                    "e": _b64(numbers.e),
                }
            ]
        }

    def mint(
        self,
        user_id: str | None = None,
        *,
        roles: list[str] | None = None,
        email_verified: bool = True,
        ttl: int = 900,
        session_id: str | None = None,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": user_id or str(uuid.uuid4()),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + ttl,
            "jti": str(uuid.uuid4()),
            "sid": session_id or str(uuid.uuid4()),
            "roles": roles or ["user"],
            "email_verified": email_verified,
            **extra,
        }
        return str(
            jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid})
        )

    def headers(self, user_id: str, **kw: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.mint(user_id, **kw)}"}


@contextlib.asynccontextmanager
async def token_issuer(**kw: Any) -> AsyncIterator[TokenIssuer]:
    """A TokenIssuer whose JWKS is served at `issuer.jwks_url` for the block's duration."""
    issuer = TokenIssuer(**kw)
    app = FastAPI()

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, Any]:
        return issuer.jwks()

    async with serve_app(app) as url:
        issuer.jwks_url = f"{url}/.well-known/jwks.json"
        yield issuer

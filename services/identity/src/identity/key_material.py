"""RSA key material: reading, generating and publishing (as a JWK) one signing key. No I/O.

Both `settings` (to refuse an unreadable configured key at start-up) and `keys` (the key ring)
use it; it depends on neither, so they do not import each other.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from shared.auth import ALGORITHM

KEY_SIZE = 2048


class KeyConfigError(ValueError):
    """The signing key configuration cannot work (bad PEM, none in production, ...)."""


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def public_jwk(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    """The public JWK, its `kid` the RFC 7638 thumbprint (stable for a given key)."""
    numbers = key.public_key().public_numbers()
    core = {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}
    digest = hashlib.sha256(json.dumps(core, separators=(",", ":")).encode()).digest()
    kid = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return {**core, "kid": kid, "use": "sig", "alg": ALGORITHM}


def generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyConfigError(
            "IDENTITY_JWT_PRIVATE_KEY is not a readable unencrypted PEM private key"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < KEY_SIZE:
        raise KeyConfigError(f"IDENTITY_JWT_PRIVATE_KEY must be an RSA key of >= {KEY_SIZE} bits")
    return key

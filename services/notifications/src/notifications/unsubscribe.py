"""Opaque signed one-click unsubscribe links (RFC 8058): no login, no database lookup to trust."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from notifications.categories import CATEGORIES

DIGEST = "digest"  # a digest's link turns off every category that goes to the digest
SALT = "notifications.unsubscribe.v1"


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def make_token(secret: str, user_id: str, category: str) -> str:
    return _serializer(secret).dumps([user_id, category])


def read_token(secret: str, token: str) -> tuple[str, str] | None:
    """(user_id, category) if the token is ours and names a category one can unsubscribe from."""
    try:
        value = _serializer(secret).loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        return None
    user_id, category = value
    if category != DIGEST and (category not in CATEGORIES or CATEGORIES[category].transactional):
        return None
    return user_id, category


def label(category: str) -> str:
    return "the daily digest" if category == DIGEST else CATEGORIES[category].label

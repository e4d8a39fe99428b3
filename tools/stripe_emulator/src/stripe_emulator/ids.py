"""Stripe-looking identifiers and timestamps."""

from __future__ import annotations

import secrets
import string
import time

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    """`new_id("pi")` -> `pi_3Pq...`; prefixes that end in `_test` keep their own underscore."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(length))
    return f"{prefix}_{body}"


def now() -> int:
    return int(time.time())


# Prefix -> object kind, so `expand[]` and error messages can find any id.
PREFIX_KINDS: dict[str, str] = {
    "cs_test": "checkout.session",
    "pi": "payment_intent",
    "ch": "charge",
    "py": "charge",
    "re": "refund",
    "dp": "dispute",
    "acct": "account",
    "tr": "transfer",
    "trr": "transfer_reversal",
    "txn": "balance_transaction",
    "evt": "event",
}


def kind_of(object_id: str) -> str | None:
    for prefix in sorted(PREFIX_KINDS, key=len, reverse=True):
        if object_id.startswith(prefix + "_"):
            return PREFIX_KINDS[prefix]
    return None

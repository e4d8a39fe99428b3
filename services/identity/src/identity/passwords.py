"""Password rules (NIST SP 800-63B style): length and a deny-list, no composition rules.

Pure: no I/O besides reading the shipped list once. Each rule names itself in its message, so the
UI can show exactly why a password was refused.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

MIN_LENGTH = 8
MAX_LENGTH = 128
# Shorter e-mail local parts would refuse too many unrelated passwords ("al" in "calm...").
MIN_NAME_PART = 3


@dataclass(frozen=True)
class PasswordRejected(Exception):
    code: str
    message: str


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("identity").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def check_password(password: str, *, email: str = "", username: str = "") -> None:
    """Raise `PasswordRejected` naming the first rule the password breaks."""
    length = len(password)
    if length < MIN_LENGTH:
        raise PasswordRejected(
            "password_too_short", f"Password must be at least {MIN_LENGTH} characters long."
        )
    if length > MAX_LENGTH:
        raise PasswordRejected(
            "password_too_long", f"Password must be at most {MAX_LENGTH} characters long."
        )
    folded = _fold(password)
    if folded in common_passwords() or len(set(folded)) == 1:
        raise PasswordRejected(
            "password_too_common",
            "This password is too common and easy to guess; choose a less predictable one.",
        )
    # Equal to, or containing, the account's own names: the first things an attacker tries.
    email_folded = _fold(email)
    local_part = email_folded.split("@", 1)[0]
    if email_folded and (
        email_folded in folded or (len(local_part) >= MIN_NAME_PART and local_part in folded)
    ):
        raise PasswordRejected(
            "password_matches_email", "Password must not contain your e-mail address."
        )
    username_folded = _fold(username)
    if len(username_folded) >= MIN_NAME_PART and username_folded in folded:
        raise PasswordRejected(
            "password_matches_username", "Password must not contain your username."
        )

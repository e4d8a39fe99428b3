"""Which service owns which public path: the one routing table of the platform (DESIGN §5).

Rules are tried in order and the first match wins, so the specific ones come before the
general ones. Pattern syntax, one path segment at a time:

    literal    matches itself
    {name}     matches exactly one segment
    **         (last only) matches nothing or any number of further segments

so `/api/personas/**` matches `/api/personas`, `/api/personas/7` and `/api/personas/7/reviews`,
but never `/api/personasx`. Paths are forwarded unchanged: services mount routes at full paths.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    pattern: str
    service: str
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", _compile(self.pattern))

    def matches(self, path: str) -> bool:
        return self.regex.fullmatch(path) is not None


def _compile(pattern: str) -> re.Pattern[str]:
    if not pattern.startswith("/"):
        raise ValueError(f"pattern must start with '/': {pattern!r}")
    segments = pattern.strip("/").split("/")
    regex = ""
    for i, seg in enumerate(segments):
        if seg == "**":
            if i != len(segments) - 1:
                raise ValueError(f"'**' must be the last segment: {pattern!r}")
            regex += r"(?:/[^/]+)*/?"
        elif seg.startswith("{") and seg.endswith("}"):
            regex += r"/[^/]+"
        else:
            regex += "/" + re.escape(seg)
    return re.compile(regex)


ROUTES: tuple[Rule, ...] = (
    Rule("/.well-known/jwks.json", "identity"),
    Rule("/api/auth/**", "identity"),
    # what a user owns and bought lives with the personas
    Rule("/api/users/me/personas/**", "catalog"),
    Rule("/api/users/me/purchases/**", "catalog"),
    Rule("/api/users/{username}/personas", "catalog"),
    Rule("/api/users/**", "identity"),
    Rule("/api/avatars/**", "identity"),  # rendered avatar images
    Rule("/api/admin/users/**", "identity"),
    Rule("/api/admin/payments/**", "billing"),
    Rule("/api/admin/**", "catalog"),
    # read models computed from the event stream
    Rule("/api/personas/trending", "analytics"),
    Rule("/api/personas/{id}/similar", "analytics"),
    Rule("/api/personas/{id}/also-downloaded", "analytics"),
    Rule("/api/recommendations/**", "analytics"),
    Rule("/api/analytics/**", "analytics"),
    Rule("/api/personas/**", "catalog"),
    Rule("/api/images/**", "catalog"),  # rendered covers and gallery images
    Rule("/api/categories/**", "catalog"),
    Rule("/api/tags/**", "catalog"),
    Rule("/api/collections/**", "catalog"),
    Rule("/api/reviews/**", "catalog"),
    Rule("/api/payments/**", "billing"),
    Rule("/api/payouts/**", "payouts"),
    Rule("/api/earnings/**", "payouts"),
    Rule("/api/notifications/**", "notifications"),
    Rule("/api/feed/**", "notifications"),
    Rule("/api/providers/**", "generation"),
    Rule("/api/templates/**", "generation"),
    Rule("/api/generations/**", "generation"),
    Rule("/api/schedules/**", "generation"),
)


@functools.lru_cache(maxsize=8)
def _table(routes: tuple[Rule, ...]) -> re.Pattern[str]:
    """Every rule as one alternation, in order: a regex tries the alternatives left to right
    and backtracks into the next when one cannot match the whole path, so the first rule that
    matches wins, as in a loop over the rules, for one regex call instead of one per rule."""
    return re.compile("|".join(f"(?P<r{i}>{rule.regex.pattern})" for i, rule in enumerate(routes)))


def service_for(path: str, routes: tuple[Rule, ...] = ROUTES) -> str | None:
    """The service owning `path` (already percent-decoded), or None when nobody does."""
    found = _table(routes).fullmatch(path)
    if found is None or found.lastgroup is None:
        return None
    return routes[int(found.lastgroup[1:])].service


def is_suspicious(path: str) -> bool:
    """Dot segments or empty segments: refused rather than guessing how a service normalises them."""
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments = segments[:-1]  # one trailing slash is harmless
    return any(seg in ("", ".", "..") for seg in segments)

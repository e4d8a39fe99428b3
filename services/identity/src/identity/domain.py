"""Users and follows: pure aggregates and input rules, no I/O.

One `user-<id>` stream per user (registration, verification, profile, roles, suspension) and one
`follow-<follower>:<followee>` stream per pair, so following never bloats the user's stream and
two clicks on "follow" produce one `UserFollowed`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from shared.aggregate import Aggregate
from shared.contracts.identity import (
    EmailVerified,
    ProfileUpdated,
    UserFollowed,
    UserRegistered,
    UserRoleChanged,
    UserSuspended,
    UserUnfollowed,
)

USER_PREFIX = "user-"
FOLLOW_PREFIX = "follow-"

ROLES = ("user", "admin")
USERNAME_RE = re.compile(r"^[a-z0-9_]{3,30}$")
# Path words a username must not take, so `/api/users/{username}` never shadows a real route.
RESERVED_USERNAMES = frozenset(
    {"me", "admin", "admins", "api", "root", "system", "support", "settings", "null", "undefined"}
)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254
MAX_BIO = 500
MAX_URL = 2048
MAX_SOCIAL_LINKS = 10
SOCIAL_NETWORK_RE = re.compile(r"^[a-z0-9_.-]{1,30}$")
# An uploaded avatar's own address (identity serves the rendering; see commands/profiles.py).
AVATAR_PREFIX = "/api/avatars"
AVATAR_PATH_RE = re.compile(r"^/api/avatars/[0-9a-f]{64}\.webp$")
# Where a bare handle (`@name` or `name`) of a known network points.
SOCIAL_PROFILE_URLS = {
    "instagram": "https://www.instagram.com/{}",
    "tiktok": "https://www.tiktok.com/@{}",
    "x": "https://x.com/{}",
    "twitter": "https://x.com/{}",
    "youtube": "https://www.youtube.com/@{}",
    "threads": "https://www.threads.net/@{}",
    "facebook": "https://www.facebook.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "github": "https://github.com/{}",
    "pinterest": "https://www.pinterest.com/{}",
    "twitch": "https://www.twitch.tv/{}",
    "snapchat": "https://www.snapchat.com/add/{}",
    "bluesky": "https://bsky.app/profile/{}",
}
_HANDLE_RE = re.compile(r"^@?([A-Za-z0-9_][A-Za-z0-9_.-]{0,99})$")
_FEDIVERSE_RE = re.compile(r"^@?([A-Za-z0-9_.-]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")
_BARE_HOST_RE = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#]|$)")
PROFILE_FIELDS = ("username", "email", "bio", "website", "avatar_url", "social_links")


class IdentityError(Exception):
    """A request identity refuses, in domain words with a stable `code`; `identity.errors` maps
    each kind to problem+json (the HTTP status lives there, not here)."""

    default_code = "identity_error"
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        super().__init__(self.message)


class DomainError(IdentityError):
    """A rule was broken; `field` names the input at fault (for 422 `errors`)."""

    def __init__(self, field: str, message: str, code: str = "validation_error") -> None:
        super().__init__(message, code=code)
        self.field = field


class Taken(IdentityError):
    """The e-mail address or username belongs to another account."""

    def __init__(self, field: str) -> None:
        message = {
            "email": "An account with this e-mail address already exists.",
            "username": "This username is taken.",
        }[field]
        super().__init__(message, code=f"{field}_taken")
        self.field = field


class InvalidCredentials(IdentityError):
    # One answer for "no such user" and "wrong password": it must not tell them apart.
    default_code = "invalid_credentials"
    default_message = "Incorrect e-mail or password."


class SessionEnded(IdentityError):
    """The refresh token is unknown, used up, expired or its session was ended."""

    default_code = "invalid_refresh_token"
    default_message = "This session has ended; sign in again."


class InvalidLink(IdentityError):
    """An e-mail link's token is unknown, used, expired or for an address since left."""

    default_code = "invalid_token"
    default_message = "This link is invalid, already used or expired."


class AccountSuspended(IdentityError):
    default_code = "account_suspended"
    default_message = "This account is suspended."


class WrongCurrentPassword(IdentityError):
    default_code = "invalid_current_password"


class UnknownUser(IdentityError):
    default_code = "user_not_found"
    default_message = "No such user."


class AlreadyVerified(IdentityError):
    default_code = "already_verified"
    default_message = "Your e-mail address is already confirmed."


class SentRecently(IdentityError):
    """An e-mail of this kind went out less than the cooldown ago."""

    default_code = "verification_recently_sent"
    default_message = "A confirmation e-mail was sent a moment ago; check your inbox."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


def user_stream(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def follow_stream(follower_id: str, followee_id: str) -> str:
    return f"{FOLLOW_PREFIX}{follower_id}:{followee_id}"


# -- input rules ------------------------------------------------------------------------------


def normalize_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > MAX_EMAIL or not EMAIL_RE.match(email):
        raise DomainError("email", "Enter a valid e-mail address.")
    return email


def normalize_username(value: str) -> str:
    username = value.strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(
            "username",
            "Username must be 3 to 30 characters: lower-case letters, digits and underscores.",
        )
    if username in RESERVED_USERNAMES:
        raise DomainError("username", f"The username '{username}' is reserved.")
    return username


def normalize_url(field: str, value: str | None) -> str | None:
    """An absolute http(s) URL, or None for an empty value (clears the field)."""
    if value is None or not value.strip():
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading it raises ValueError for a port that is no number
        valid = (
            len(url) <= MAX_URL
            and parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and not any(c.isspace() for c in url)
        )
    except ValueError:  # e.g. "http://[::1" or a port that is not a number
        valid = False
    if not valid:
        raise DomainError(field, "Enter a full http:// or https:// address.")
    return url


def normalize_bio(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    bio = value.strip()
    if len(bio) > MAX_BIO:
        raise DomainError("bio", f"Bio must be at most {MAX_BIO} characters.")
    return bio


def normalize_social_link(network: str, value: str | None) -> str | None:
    """What creators type, as an https address: `instagram.com/name` (no scheme),
    `@name` or `name` for a known network, `@user@server` (Mastodon), or a full URL."""
    if value is None or not value.strip():
        return None
    field = f"social_links.{network}"
    text = value.strip()
    fediverse = _FEDIVERSE_RE.match(text)
    if fediverse:
        return normalize_url(field, f"https://{fediverse[2].lower()}/@{fediverse[1]}")
    handle = _HANDLE_RE.match(text)
    if handle and (text.startswith("@") or "." not in text):
        template = SOCIAL_PROFILE_URLS.get(network)
        if template is None:
            raise DomainError(
                field, "Enter the address of your profile, e.g. example.com/yourname."
            )
        return normalize_url(field, template.format(handle[1]))
    if "://" not in text and _BARE_HOST_RE.match(text):
        text = "https://" + text
    return normalize_url(field, text)


def normalize_social_links(value: dict[str, str] | None) -> dict[str, str]:
    links: dict[str, str] = {}
    for network, url in (value or {}).items():
        key = network.strip().lower()
        if not SOCIAL_NETWORK_RE.match(key):
            raise DomainError(
                "social_links", f"'{network}' is not a valid network name (a-z, 0-9, _ . -)."
            )
        normalized = normalize_social_link(key, url)
        if normalized is not None:
            links[key] = normalized
    if len(links) > MAX_SOCIAL_LINKS:
        raise DomainError("social_links", f"At most {MAX_SOCIAL_LINKS} social links.")
    return dict(sorted(links.items()))


def normalize_profile(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields present in a profile update (absent = unchanged)."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "username":
            out[name] = normalize_username(value or "")
        elif name == "email":
            out[name] = normalize_email(value or "")
        elif name == "bio":
            out[name] = normalize_bio(value)
        elif name == "avatar_url" and value and AVATAR_PATH_RE.match(value.strip()):
            out[name] = value.strip()  # an uploaded avatar, served by identity
        elif name in ("website", "avatar_url"):
            out[name] = normalize_url(name, value)
        elif name == "social_links":
            out[name] = normalize_social_links(value)
    return out


def normalize_roles(roles: list[str]) -> list[str]:
    wanted = {r.strip().lower() for r in roles}
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        raise DomainError("roles", f"Unknown role(s): {', '.join(unknown)}. Known: user, admin.")
    wanted.add("user")  # everyone is a user
    return [r for r in ROLES if r in wanted]


# -- aggregates -------------------------------------------------------------------------------


class User(Aggregate):
    stream_type = "user"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.user_id = stream_id.removeprefix(USER_PREFIX)
        self.email = ""
        self.username = ""
        self.roles: list[str] = ["user"]
        self.email_verified = False
        self.profile: dict[str, Any] = {
            "bio": None,
            "website": None,
            "avatar_url": None,
            "social_links": {},
        }
        self.suspended_at: datetime | None = None

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    # decisions

    def register(self, email: str, username: str) -> None:
        if self.exists:
            raise DomainError("email", "This account already exists.", "conflict")
        self._record(UserRegistered(user_id=self.user_id, email=email, username=username))

    def verify_email(self, email: str) -> bool:
        """Mark `email` verified if it is still the account's address; False if nothing to do."""
        if email != self.email:
            raise DomainError("token", "This link was for a previous e-mail address.")
        if self.email_verified:
            return False
        self._record(EmailVerified(user_id=self.user_id, email=email))
        return True

    def update_profile(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Record the fields that actually change (already normalized); return them."""
        current = {"email": self.email, "username": self.username, **self.profile}
        changed = {k: v for k, v in changes.items() if k in PROFILE_FIELDS and current[k] != v}
        if changed:
            self._record(ProfileUpdated(user_id=self.user_id, changes=changed))
        return changed

    def set_roles(self, roles: list[str]) -> bool:
        wanted = normalize_roles(roles)
        if wanted == self.roles:
            return False
        self._record(UserRoleChanged(user_id=self.user_id, roles=wanted))
        return True

    def suspend(self, reason: str, at: datetime) -> bool:
        if self.suspended:
            return False
        self._record(UserSuspended(user_id=self.user_id, suspended_at=at, reason=reason))
        return True

    # folds

    def when_UserRegistered(self, e: UserRegistered) -> None:
        self.email = e.email
        self.username = e.username

    def when_EmailVerified(self, e: EmailVerified) -> None:
        if e.email == self.email:
            self.email_verified = True

    def when_ProfileUpdated(self, e: ProfileUpdated) -> None:
        for name, value in e.changes.items():
            if name == "email":
                self.email = str(value)
                self.email_verified = False
            elif name == "username":
                self.username = str(value)
            elif name in self.profile:
                self.profile[name] = value

    def when_UserRoleChanged(self, e: UserRoleChanged) -> None:
        self.roles = list(e.roles)

    def when_UserSuspended(self, e: UserSuspended) -> None:
        self.suspended_at = e.suspended_at


class Follow(Aggregate):
    """Whether one user follows another."""

    stream_type = "follow"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        follower, _, followee = stream_id.removeprefix(FOLLOW_PREFIX).partition(":")
        self.follower_id = follower
        self.followee_id = followee
        self.following = False

    def follow(self) -> bool:
        if self.follower_id == self.followee_id:
            raise DomainError("username", "You cannot follow yourself.", "cannot_follow_self")
        if self.following:
            return False
        self._record(UserFollowed(follower_id=self.follower_id, followee_id=self.followee_id))
        return True

    def unfollow(self) -> bool:
        if not self.following:
            return False
        self._record(UserUnfollowed(follower_id=self.follower_id, followee_id=self.followee_id))
        return True

    def when_UserFollowed(self, _: UserFollowed) -> None:
        self.following = True

    def when_UserUnfollowed(self, _: UserUnfollowed) -> None:
        self.following = False

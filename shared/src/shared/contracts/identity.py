"""Events published by identity (routing keys `identity.<Type>`)."""

from __future__ import annotations

from datetime import datetime

from shared.events import Event


class UserRegistered(Event):
    user_id: str
    email: str
    username: str


class EmailVerified(Event):
    user_id: str
    email: str


class ProfileUpdated(Event):
    user_id: str
    changes: dict[str, object]  # only the fields that changed (username, email, bio, ...)


class UserFollowed(Event):
    follower_id: str
    followee_id: str


class UserUnfollowed(Event):
    follower_id: str
    followee_id: str


class UserRoleChanged(Event):
    user_id: str
    roles: list[str]


class SessionRevoked(Event):
    """A refresh family ended (logout, reuse, reset, lost role): its access tokens stop at once."""

    user_id: str
    session_id: str
    revoked_at: datetime
    expires_at: datetime  # when the family's last access token expires anyway
    reason: str  # logout | reuse_detected | password_reset | roles_changed


class UserSuspended(Event):
    user_id: str
    suspended_at: datetime
    reason: str

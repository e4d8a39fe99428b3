"""Request and response shapes of identity's API (their names are the OpenAPI schema names)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

# Generous upper bounds: the rules with friendly messages are checked in the domain; these only
# stop absurd payloads before any work is done.
Password = Annotated[str, Field(max_length=1024)]
Token = Annotated[str, Field(min_length=1, max_length=512)]


class RegisterIn(BaseModel):
    email: str = Field(max_length=320)
    username: str = Field(max_length=64)
    password: Password


class LoginIn(BaseModel):
    email: str = Field(max_length=320)
    password: Password


class RefreshIn(BaseModel):
    refresh_token: Token


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):
    id: str
    email: str
    username: str
    roles: list[str]
    email_verified: bool
    created_at: datetime


class MeOut(UserOut):
    bio: str | None
    website: str | None
    avatar_url: str | None
    social_links: dict[str, str]
    followers_count: int
    following_count: int


class TokenIn(BaseModel):
    token: Token


class EmailIn(BaseModel):
    email: str = Field(max_length=320)


class ResetConfirmIn(BaseModel):
    token: Token
    password: Password


class Accepted(BaseModel):
    detail: str


class ProfileIn(BaseModel):
    """Only the fields sent change; an empty value or null clears bio, website and avatar."""

    username: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=320)
    bio: str | None = Field(default=None, max_length=10_000)
    website: str | None = Field(default=None, max_length=4096)
    avatar_url: str | None = Field(default=None, max_length=4096)
    social_links: dict[str, str | None] | None = None
    # Required (and checked) only when `email` changes.
    current_password: str | None = Field(default=None, max_length=1024)


class PublicProfileOut(BaseModel):
    id: str
    username: str
    bio: str | None
    website: str | None
    avatar_url: str | None
    social_links: dict[str, str]
    followers_count: int
    following_count: int
    created_at: datetime
    is_following: bool | None = None  # null when nobody is signed in


class FollowEntry(BaseModel):
    id: str
    username: str
    avatar_url: str | None
    followed_at: datetime


class SuspendIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class RolesIn(BaseModel):
    roles: list[str] = Field(max_length=10)


class AdminUserOut(UserOut):
    suspended_at: datetime | None
    suspend_reason: str | None


class AdminUserPage(BaseModel):
    items: list[AdminUserOut]
    next_cursor: str | None

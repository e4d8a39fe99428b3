"""HTTP routes: thin; validate shapes, say who asks, call commands or queries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field
from shared.auth import AdminUser, CurrentUser, OptionalUser
from shared.context import set_metadata
from shared.pagination import Page, limit_param
from shared.problems import NotFound, TooManyRequests, Unauthorized

from identity import queries
from identity.commands import Identity, TokenPair
from identity.hashing import HashingBusy

auth_router = APIRouter(tags=["auth"])
users_router = APIRouter(tags=["users"])
admin_router = APIRouter(tags=["admin"])
jwks_router = APIRouter(tags=["keys"])


def get_identity(request: Request) -> Identity:
    svc: Identity = request.app.state.identity
    return svc


Svc = Annotated[Identity, Depends(get_identity)]

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


def busy(exc: HashingBusy) -> TooManyRequests:
    return TooManyRequests(
        "The service is busy; try again in a moment.",
        retry_after=exc.retry_after,
        code="busy",
    )


def _tokens(pair: TokenPair) -> TokensOut:
    return TokensOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        token_type=pair.token_type,
        expires_in=pair.expires_in,
    )


async def _me(svc: Identity, user_id: str) -> dict[str, Any]:
    row = await queries.me(svc.pool, user_id)
    if row is None:
        raise NotFound("No such user.", code="user_not_found")
    return row


@auth_router.post("/api/auth/register", status_code=201, response_model=UserOut)
async def register(body: RegisterIn, svc: Svc) -> dict[str, Any]:
    """Create an account. The password is 8..128 characters, not a common one, and not the
    e-mail address or username; a verification e-mail is sent."""
    try:
        user_id = await svc.register(body.email, body.username, body.password)
    except HashingBusy as exc:
        raise busy(exc) from exc
    return await _me(svc, user_id)


@auth_router.post("/api/auth/login", response_model=TokensOut)
async def login(body: LoginIn, svc: Svc) -> TokensOut:
    """Exchange e-mail and password for an access token (15 min) and a refresh token."""
    try:
        return _tokens(await svc.login(body.email, body.password))
    except HashingBusy as exc:
        raise busy(exc) from exc


@auth_router.post("/api/auth/refresh", response_model=TokensOut)
async def refresh(body: RefreshIn, svc: Svc) -> TokensOut:
    """Exchange a refresh token for a new pair; the presented token is used up. Presenting a
    used one again ends the whole session."""
    return _tokens(await svc.refresh(body.refresh_token))


@auth_router.post("/api/auth/logout", status_code=204)
async def logout(body: RefreshIn, svc: Svc) -> Response:
    """End the session of this refresh token; its access tokens stop working at once."""
    await svc.logout(body.refresh_token)
    return Response(status_code=204)


@auth_router.get("/api/auth/me", response_model=MeOut)
async def me(user: CurrentUser, svc: Svc) -> dict[str, Any]:
    set_metadata(actor_id=user.user_id)
    return await _me(svc, user.user_id)


class TokenIn(BaseModel):
    token: Token


class EmailIn(BaseModel):
    email: str = Field(max_length=320)


class ResetConfirmIn(BaseModel):
    token: Token
    password: Password


class Accepted(BaseModel):
    detail: str


RESET_REQUESTED = "If an account uses this address, we have sent it a link to reset the password."


@auth_router.post("/api/auth/verify-email", status_code=204)
async def verify_email(body: TokenIn, svc: Svc) -> Response:
    """Confirm an e-mail address with the token from the link (single use, 48 hours)."""
    await svc.verify_email(body.token)
    return Response(status_code=204)


@auth_router.post("/api/auth/verify-email/resend", status_code=202, response_model=Accepted)
async def resend_verification(user: CurrentUser, svc: Svc) -> Accepted:
    """Send the confirmation e-mail again (at most once a minute)."""
    set_metadata(actor_id=user.user_id)
    await svc.resend_verification(user.user_id)
    return Accepted(detail="We have sent you a new confirmation e-mail.")


@auth_router.post("/api/auth/password-reset/request", status_code=202, response_model=Accepted)
async def request_password_reset(body: EmailIn, svc: Svc) -> Accepted:
    """Mail a reset link (valid 1 hour). The answer is the same whether or not the address
    has an account."""
    await svc.request_password_reset(body.email)
    return Accepted(detail=RESET_REQUESTED)


@auth_router.post("/api/auth/password-reset/confirm", status_code=204)
async def confirm_password_reset(body: ResetConfirmIn, svc: Svc) -> Response:
    """Choose a new password with the token from the link; signs the account out everywhere."""
    try:
        await svc.confirm_password_reset(body.token, body.password)
    except HashingBusy as exc:
        raise busy(exc) from exc
    return Response(status_code=204)


@jwks_router.get("/.well-known/jwks.json")
async def jwks(request: Request, response: Response, svc: Svc) -> dict[str, Any]:
    """The public keys access tokens are signed with (more than one around a rotation)."""
    await svc.keys.reload_if_stale(svc.pool)
    response.headers["Cache-Control"] = "public, max-age=300"
    return svc.keys.jwks()


# -- users ----------------------------------------------------------------------------------


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


Username = Annotated[str, Path(max_length=64)]
Limit = Annotated[int, Depends(limit_param)]


@users_router.put("/api/users/me/profile", response_model=MeOut)
async def update_profile(body: ProfileIn, user: CurrentUser, svc: Svc) -> dict[str, Any]:
    """Change username, e-mail (needs `current_password`; to be confirmed again: a link goes to
    the new address), bio (<= 500 characters), website, avatar URL or social links
    (network -> https URL)."""
    set_metadata(actor_id=user.user_id)
    raw = body.model_dump(exclude_unset=True, exclude={"current_password"})
    try:
        await svc.update_profile(user.user_id, raw, body.current_password)
    except HashingBusy as exc:
        raise busy(exc) from exc
    return await _me(svc, user.user_id)


async def _profile(svc: Svc, username: str, viewer: OptionalUser) -> dict[str, Any]:
    if username == "me":
        if viewer is None:
            raise Unauthorized("Sign in to see your profile.", code="not_authenticated")
        row = await queries.me(svc.pool, viewer.user_id)
        username = row["username"] if row else ""
    profile = await queries.active_user_by_username(svc.pool, username)
    if profile is None:
        raise NotFound("No such user.", code="user_not_found")
    return profile


@users_router.get("/api/users/{username}", response_model=PublicProfileOut)
async def public_profile(username: Username, viewer: OptionalUser, svc: Svc) -> dict[str, Any]:
    """A creator's public profile with follower counts (their personas are served by catalog
    at `/api/users/{username}/personas`)."""
    profile = await _profile(svc, username, viewer)
    if viewer is not None:
        profile["is_following"] = await queries.is_following(
            svc.pool, viewer.user_id, profile["id"]
        )
    return profile


@users_router.post("/api/users/{username}/follow", status_code=204)
async def follow(username: Username, user: CurrentUser, svc: Svc) -> Response:
    """Follow a user (following twice is the same as once)."""
    set_metadata(actor_id=user.user_id)
    await svc.follow(user.user_id, username)
    return Response(status_code=204)


@users_router.delete("/api/users/{username}/follow", status_code=204)
async def unfollow(username: Username, user: CurrentUser, svc: Svc) -> Response:
    """Stop following a user (a no-op if you did not)."""
    set_metadata(actor_id=user.user_id)
    await svc.unfollow(user.user_id, username)
    return Response(status_code=204)


@users_router.get("/api/users/{username}/followers", response_model=Page[FollowEntry])
async def followers(
    username: Username, viewer: OptionalUser, svc: Svc, limit: Limit, cursor: str | None = None
) -> Page[dict[str, Any]]:
    """Who follows this user, most recent first."""
    profile = await _profile(svc, username, viewer)
    return await queries.follow_list(svc.pool, profile["id"], "followers", limit, cursor)


@users_router.get("/api/users/{username}/following", response_model=Page[FollowEntry])
async def following(
    username: Username, viewer: OptionalUser, svc: Svc, limit: Limit, cursor: str | None = None
) -> Page[dict[str, Any]]:
    """Whom this user follows, most recent first."""
    profile = await _profile(svc, username, viewer)
    return await queries.follow_list(svc.pool, profile["id"], "following", limit, cursor)


# -- administration -------------------------------------------------------------------------


class SuspendIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class RolesIn(BaseModel):
    roles: list[str] = Field(max_length=10)


class AdminUserOut(UserOut):
    suspended_at: datetime | None
    suspend_reason: str | None


async def _admin_view(svc: Identity, user_id: str) -> dict[str, Any]:
    row = await queries.admin_view(svc.pool, user_id)
    if row is None:
        raise NotFound("No such user.", code="user_not_found")
    return row


UserId = Annotated[str, Path(max_length=64)]


@admin_router.post("/api/admin/users/{user_id}/suspend", response_model=AdminUserOut)
async def suspend(user_id: UserId, body: SuspendIn, admin: AdminUser, svc: Svc) -> dict[str, Any]:
    """Suspend an account: it cannot sign in or refresh, and its access tokens stop at once."""
    set_metadata(actor_id=admin.user_id)
    await svc.suspend(admin.user_id, user_id, body.reason)
    return await _admin_view(svc, user_id)


@admin_router.post("/api/admin/users/{user_id}/roles", response_model=AdminUserOut)
async def set_roles(user_id: UserId, body: RolesIn, admin: AdminUser, svc: Svc) -> dict[str, Any]:
    """Set an account's roles (`user` is always kept). Taking a role away ends its sessions."""
    set_metadata(actor_id=admin.user_id)
    await svc.set_roles(admin.user_id, user_id, body.roles)
    return await _admin_view(svc, user_id)

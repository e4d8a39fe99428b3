"""HTTP routes: thin; validate shapes, say who asks, call commands or queries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from shared.auth import AdminUser, CurrentUser, OptionalUser, Principal
from shared.context import set_metadata
from shared.images import IMAGE_BODY_OPENAPI, image_bytes_response, image_sha, read_image_body
from shared.pagination import Page, limit_param
from shared.problems import Unauthorized

from identity import queries
from identity.commands import Identity, TokenPair
from identity.domain import UnknownUser
from identity.schemas import (
    Accepted,
    AdminUserOut,
    AdminUserPage,
    EmailIn,
    FollowEntry,
    LoginIn,
    MeOut,
    ProfileIn,
    PublicProfileOut,
    RefreshIn,
    RegisterIn,
    ResetConfirmIn,
    RolesIn,
    SuspendIn,
    TokenIn,
    TokensOut,
    UserOut,
)

auth_router = APIRouter(tags=["auth"])
users_router = APIRouter(tags=["users"])
admin_router = APIRouter(tags=["admin"])
jwks_router = APIRouter(tags=["keys"])


async def get_identity(request: Request) -> Identity:
    svc: Identity = request.app.state.identity
    return svc


Svc = Annotated[Identity, Depends(get_identity)]


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
        raise UnknownUser()
    return row


@auth_router.post("/api/auth/register", status_code=201, response_model=UserOut)
async def register(body: RegisterIn, svc: Svc) -> dict[str, Any]:
    """Create an account. The password is 8..128 characters, not a common one, and not the
    e-mail address or username; a verification e-mail is sent."""
    user_id = await svc.register(body.email, body.username, body.password)
    return await _me(svc, user_id)


@auth_router.post("/api/auth/login", response_model=TokensOut)
async def login(body: LoginIn, svc: Svc) -> TokensOut:
    """Exchange e-mail and password for an access token (15 min) and a refresh token."""
    return _tokens(await svc.login(body.email, body.password))


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
    await svc.confirm_password_reset(body.token, body.password)
    return Response(status_code=204)


@jwks_router.get("/.well-known/jwks.json")
async def jwks(request: Request, response: Response, svc: Svc) -> dict[str, Any]:
    """The public keys access tokens are signed with (more than one around a rotation)."""
    await svc.keys.reload_if_stale(svc.pool)
    response.headers["Cache-Control"] = "public, max-age=300"
    return svc.keys.jwks()


# -- users ----------------------------------------------------------------------------------


Username = Annotated[str, Path(max_length=64)]
Limit = Annotated[int, Depends(limit_param)]


@users_router.put("/api/users/me/profile", response_model=MeOut)
async def update_profile(body: ProfileIn, user: CurrentUser, svc: Svc) -> dict[str, Any]:
    """Change username, e-mail (needs `current_password`; to be confirmed again: a link goes to
    the new address), bio (<= 500 characters), website, avatar URL or social links
    (network -> https URL)."""
    set_metadata(actor_id=user.user_id)
    raw = body.model_dump(exclude_unset=True, exclude={"current_password"})
    await svc.update_profile(user.user_id, raw, body.current_password)
    return await _me(svc, user.user_id)


@users_router.put("/api/users/me/avatar", response_model=MeOut, openapi_extra=IMAGE_BODY_OPENAPI)
async def upload_avatar(request: Request, user: CurrentUser, svc: Svc) -> dict[str, Any]:
    """Upload an avatar: the body is a PNG, JPEG or WebP image (recognised by content, at most
    8 MB). It is re-encoded as a 256 x 256 WebP crop without metadata; `avatar_url` then
    points at that rendering (`/api/avatars/<sha256>.webp`)."""
    set_metadata(actor_id=user.user_id)
    data = await read_image_body(request, svc.settings.max_avatar_bytes)
    await svc.set_avatar(user.user_id, data)
    return await _me(svc, user.user_id)


@users_router.delete("/api/users/me/avatar", response_model=MeOut)
async def remove_avatar(user: CurrentUser, svc: Svc) -> dict[str, Any]:
    set_metadata(actor_id=user.user_id)
    await svc.update_profile(user.user_id, {"avatar_url": None})
    return await _me(svc, user.user_id)


@users_router.get(
    "/api/avatars/{name}", response_class=Response, responses={200: {"content": {"image/webp": {}}}}
)
async def avatar_image(name: str, svc: Svc) -> Response:
    """An uploaded avatar's rendering by its `<sha256>.webp` name (public, immutable)."""
    sha = image_sha(name)
    return image_bytes_response(await svc.avatar_image(sha) if sha else None)


async def _profile(svc: Svc, username: str, viewer: OptionalUser) -> dict[str, Any]:
    if username == "me":
        if viewer is None:
            raise Unauthorized("Sign in to see your profile.", code="not_authenticated")
        row = await queries.me(svc.pool, viewer.user_id)
        username = row["username"] if row else ""
    profile = await queries.active_user_by_username(svc.pool, username)
    if profile is None:
        raise UnknownUser()
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


async def _follow_list(
    svc: Identity,
    username: str,
    viewer: Principal | None,
    direction: str,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    profile = await _profile(svc, username, viewer)
    return await queries.follow_list(svc.pool, profile["id"], direction, limit, cursor)


@users_router.get("/api/users/{username}/followers", response_model=Page[FollowEntry])
async def followers(
    username: Username, viewer: OptionalUser, svc: Svc, limit: Limit, cursor: str | None = None
) -> Page[dict[str, Any]]:
    """Who follows this user, most recent first."""
    return await _follow_list(svc, username, viewer, "followers", limit, cursor)


@users_router.get("/api/users/{username}/following", response_model=Page[FollowEntry])
async def following(
    username: Username, viewer: OptionalUser, svc: Svc, limit: Limit, cursor: str | None = None
) -> Page[dict[str, Any]]:
    """Whom this user follows, most recent first."""
    return await _follow_list(svc, username, viewer, "following", limit, cursor)


# -- administration -------------------------------------------------------------------------


async def _admin_view(svc: Identity, user_id: str) -> dict[str, Any]:
    row = await queries.admin_view(svc.pool, user_id)
    if row is None:
        raise UnknownUser()
    return row


UserId = Annotated[str, Path(max_length=64)]


@admin_router.get("/api/admin/users", response_model=AdminUserPage)
async def list_users(
    admin: AdminUser,
    svc: Svc,
    limit: Limit,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: str | None = None,
) -> Page[dict[str, Any]]:
    """Every account, newest first; `q` finds part of an e-mail address or username."""
    return await queries.admin_users(svc.pool, q, limit, cursor)


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

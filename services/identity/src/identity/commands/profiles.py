"""Profiles and follows."""

from __future__ import annotations

import asyncio
from typing import Any

from shared.images import Variant, image_url, render
from shared.uow import UnitOfWork, run_command

from identity import queries
from identity.commands.base import IdentityBase
from identity.domain import (
    AVATAR_PREFIX,
    DomainError,
    Follow,
    UnknownUser,
    User,
    WrongCurrentPassword,
    follow_stream,
    normalize_profile,
    user_stream,
)

AVATAR_VARIANTS = (Variant("avatar", 256, 256, crop=True),)


class Profiles(IdentityBase):
    # -- profile and follows -------------------------------------------------------------------

    async def update_profile(
        self, user_id: str, raw: dict[str, Any], current_password: str | None = None
    ) -> None:
        """Apply the fields present in `raw`; a new e-mail address must be confirmed again and
        needs the current password (ASVS 3.7.1: a stolen session must not take the account)."""
        changes = normalize_profile(raw)
        if "email" in changes:
            await self._reauthenticate(user_id, changes["email"], current_password)

        async def fn(uow: UnitOfWork) -> tuple[dict[str, Any], str, str, str | None]:
            user = await uow.load(User, user_stream(user_id))
            if not user.exists:
                raise UnknownUser()
            old_email = user.email
            changed = user.update_profile(changes)
            await uow.save(user)
            token = None
            if "email" in changed:
                token = await self._verification_token(uow.conn, user_id, user.email, self.clock())
            return changed, old_email, user.username, token

        changed, old_email, username, token = await self._run(fn)
        if token is not None:
            self.mail.verification(
                changed["email"], username, token, self.settings.email_verification_ttl_s
            )
            self.mail.email_changed(old_email, changed["email"], username)

    async def set_avatar(self, user_id: str, data: bytes) -> None:
        """Render an uploaded image (kernel pipeline: sniffed, EXIF dropped, a 256 x 256 WebP
        crop), store the rendering and point `avatar_url` at it (a ProfileUpdated event)."""
        (avatar,) = await asyncio.to_thread(
            render, data, AVATAR_VARIANTS, self.settings.max_avatar_pixels
        )
        await self.pool.execute(
            "INSERT INTO avatar_images (sha256, data) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            avatar.sha256,
            avatar.data,
        )
        await self.update_profile(user_id, {"avatar_url": image_url(AVATAR_PREFIX, avatar.sha256)})

    async def avatar_image(self, sha256: str) -> bytes | None:
        data: bytes | None = await self.pool.fetchval(
            "SELECT data FROM avatar_images WHERE sha256 = $1", sha256
        )
        return data

    async def _reauthenticate(
        self, user_id: str, new_email: str, current_password: str | None
    ) -> None:
        row = await self.pool.fetchrow(
            "SELECT u.email, c.password_hash FROM users u"
            " LEFT JOIN credentials c ON c.user_id = u.id WHERE u.id = $1",
            user_id,
        )
        if row is None or row["email"] == new_email:
            return  # unchanged address (or no user: the command answers 404)
        if not current_password:
            raise WrongCurrentPassword("Enter your current password to change your e-mail.")
        # A wrong password costs a full hash like a right one, so timing does not tell them apart.
        if not await self.hashing.verify(row["password_hash"], current_password):
            raise WrongCurrentPassword("The current password is incorrect.")

    async def _followee(self, follower_id: str, username: str) -> str:
        target = await queries.active_user_by_username(self.pool, username)
        if target is None:
            raise UnknownUser()
        followee_id: str = target["id"]
        if followee_id == follower_id:
            raise DomainError("username", "You cannot follow yourself.", "cannot_follow_self")
        return followee_id

    async def follow(self, follower_id: str, username: str) -> None:
        await self._set_following(follower_id, username, following=True)

    async def unfollow(self, follower_id: str, username: str) -> None:
        await self._set_following(follower_id, username, following=False)

    async def _set_following(self, follower_id: str, username: str, *, following: bool) -> None:
        followee_id = await self._followee(follower_id, username)

        async def fn(uow: UnitOfWork) -> None:
            pair = await uow.load(Follow, follow_stream(follower_id, followee_id))
            if following:
                pair.follow()
            else:
                pair.unfollow()
            await uow.save(pair)

        await run_command(self.pool, self.store, fn)

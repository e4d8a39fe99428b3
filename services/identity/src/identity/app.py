"""Composition root: settings, signing keys, password hashing, verifier and routes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI
from shared.events import now as utc_now
from shared.http import ServiceSpec, create_service_app
from shared.logging import get_logger

from identity import api
from identity.commands import Clock, Identity
from identity.emails import SecurityMail
from identity.errors import ERRORS
from identity.hashing import PasswordHashing
from identity.keys import KeyRing, ensure_key
from identity.projections import projections
from identity.purge import purge_periodically
from identity.settings import IdentitySettings
from identity.verifier import KeyRingVerifier

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


async def _refresh_keys(verifier: KeyRingVerifier, interval: float) -> None:
    """Pick up keys rotated by another process (`rotate-keys`, another replica)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await verifier.reload()
        except Exception as exc:
            log.warning("signing keys not reloaded", error=repr(exc))


def build_spec(
    settings: IdentitySettings | None = None, *, clock: Clock | None = None
) -> ServiceSpec:
    settings = settings or IdentitySettings()

    async def key_ring_verifier(app: FastAPI) -> KeyRingVerifier:
        await ensure_key(app.state.pool, settings)
        verifier = KeyRingVerifier(
            KeyRing(settings), app.state.pool, settings, app.state.revocations
        )
        await verifier.reload()
        return verifier

    async def start(app: FastAPI) -> None:
        pool = app.state.pool
        verifier: KeyRingVerifier = app.state.verifier
        hashing = PasswordHashing(settings)
        await hashing.start()
        app.state.identity = Identity(
            pool=pool,
            store=app.state.store,
            settings=settings,
            hashing=hashing,
            keys=verifier.ring,
            revocations=app.state.revocations,
            mail=SecurityMail(app.state.mailer, settings.public_url, settings.product_name),
            clock=clock or utc_now,
        )
        if not settings.smtp_url:
            log.warning("SMTP_URL is not set: security e-mail goes to files in MAIL_DIR")

    async def refresh_keys(app: FastAPI) -> None:
        await _refresh_keys(app.state.verifier, settings.key_refresh_interval_s)

    async def purge(app: FastAPI) -> None:
        await purge_periodically(app.state.pool, settings, clock or utc_now)

    async def stop(app: FastAPI) -> None:
        identity: Identity = app.state.identity
        await identity.mail.drain()
        identity.hashing.close()

    return ServiceSpec(
        name=settings.service_name,
        settings=settings,
        routers=[api.auth_router, api.users_router, api.admin_router, api.jwks_router],
        migrations=MIGRATIONS,
        projections=projections,
        errors=ERRORS,
        verifier=key_ring_verifier,
        # An avatar upload streams up to its own limit (past it: 413 image_too_large).
        body_limits={"PUT /api/users/me/avatar": settings.max_avatar_bytes + 64 * 1024},
        on_start=[start],
        on_stop=[stop],
        background=[refresh_keys, purge],
        title="Identity service",
    )


def create_app(settings: IdentitySettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return create_service_app(build_spec(settings, clock=clock))

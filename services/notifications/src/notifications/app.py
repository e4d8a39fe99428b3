"""Composition root: consumers, the live-stream listener, mail sender, fan-out and digest jobs."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from shared.http import ServiceSpec, create_service_app

from notifications import api, consumers
from notifications.digest import digest_job
from notifications.errors import ERRORS
from notifications.fanout import fanout_worker
from notifications.mail import mail_sender
from notifications.settings import NotificationsSettings
from notifications.stream import Listener, run_listener
from notifications.subscription import events

MIGRATIONS = Path(__file__).parent / "migrations"
assert consumers  # registers the handlers on `events`


def build_spec(settings: NotificationsSettings | None = None, *, jobs: bool = True) -> ServiceSpec:
    """`jobs=False` leaves mail, fan-out and digests to the test, which runs them step by step."""
    settings = settings or NotificationsSettings()

    async def start(app: FastAPI) -> None:
        app.state.listener = Listener(settings.database_url)

    background = [run_listener]
    if jobs:
        background += [mail_sender, fanout_worker, digest_job]
    return ServiceSpec(
        name=settings.service_name,
        settings=settings,
        routers=[api.router],
        migrations=MIGRATIONS,
        subscriptions=[events],
        errors=ERRORS,
        on_start=[start],
        background=background,
        title="Notifications service",
    )


def create_app(settings: NotificationsSettings | None = None, *, jobs: bool = True) -> FastAPI:
    return create_service_app(build_spec(settings, jobs=jobs))

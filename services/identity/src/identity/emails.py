"""Security e-mail (verification, password reset, e-mail change), sent after the commit.

Sending happens in the background: a slow or failing SMTP server must neither fail the request
nor reveal, by how long the answer takes, whether an address has an account. A failure is logged
(without the link) and the user can ask again.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import quote

from shared.logging import get_logger
from shared.mailer import Mailer

log = get_logger(__name__)


def _hours(seconds: int) -> str:
    hours = seconds // 3600
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{max(1, seconds // 60)} minutes"


class SecurityMail:
    def __init__(self, mailer: Mailer, public_url: str, product: str = "Personas") -> None:
        self.mailer = mailer
        self.public_url = public_url.rstrip("/")
        self.product = product  # the web UI's name for the product (settings.PRODUCT_NAME)
        self._tasks: set[asyncio.Task[None]] = set()

    def link(self, path: str, token: str) -> str:
        return f"{self.public_url}/{path}?token={quote(token)}"

    def verification(self, to: str, username: str, token: str, ttl_s: int) -> None:
        self._send(
            to,
            "Confirm your e-mail address",
            f"Hi {username},\n\n"
            f"Please confirm this e-mail address for your {self.product} account by opening\n"
            "this link:\n\n"
            f"{self.link('verify-email', token)}\n\n"
            f"The link works once and expires in {_hours(ttl_s)}. If you did not sign up,\n"
            "you can ignore this message.\n",
        )

    def password_reset(self, to: str, username: str, token: str, ttl_s: int) -> None:
        self._send(
            to,
            "Reset your password",
            f"Hi {username},\n\n"
            f"Someone (hopefully you) asked to reset the password of your {self.product}\n"
            "account. To choose a new password, open this link:\n\n"
            f"{self.link('reset-password', token)}\n\n"
            f"The link works once and expires in {_hours(ttl_s)}. Resetting signs you out\n"
            "everywhere. If you did not ask for this, ignore this message: your password\n"
            "stays as it is.\n",
        )

    def email_changed(self, old: str, new: str, username: str) -> None:
        self._send(
            old,
            "Your e-mail address was changed",
            f"Hi {username},\n\n"
            f"The e-mail address of your {self.product} account was changed to {new}.\n"
            "If you did not do this, reset your password and contact support.\n",
        )

    def _send(self, to: str, subject: str, text: str) -> None:
        subject = f"{subject} · {self.product}"  # as notifications' e-mail names it
        task = asyncio.create_task(self._deliver(to, subject, text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, to: str, subject: str, text: str) -> None:
        try:
            await self.mailer.send(to, subject, text)
        except Exception as exc:
            # Never the body: it holds the link.
            log.error("security e-mail not sent", subject=subject, error=type(exc).__name__)

    async def drain(self, timeout: float = 10.0) -> None:
        """Let mail still being sent finish (shutdown)."""
        if self._tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*self._tasks, return_exceptions=True), timeout
                )

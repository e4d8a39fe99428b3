"""Product and security e-mail: SMTP when configured, else `.eml` files in a local folder."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlparse

import aiosmtplib

from shared.logging import get_logger

log = get_logger(__name__)

# Headers are folded at RFC 5322's hard limit: a long unbreakable value (a List-Unsubscribe URL)
# must stay a plain `<url>`, not turn into encoded words at the default 78 columns.
POLICY = policy.default.clone(max_line_length=998)


class Mailer:
    def __init__(self, smtp_url: str, mail_dir: str, sender: str) -> None:
        self.smtp_url = smtp_url
        self.mail_dir = Path(mail_dir)
        self.sender = sender

    async def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        headers: Mapping[str, str] | None = None,
        message_id: str | None = None,
    ) -> None:
        """`headers` adds e.g. List-Unsubscribe; a stable `message_id` (the local part) lets a
        retried send be recognised as the same message."""
        msg = EmailMessage(policy=POLICY)
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = f"<{message_id or uuid.uuid4()}@creator-platform>"
        for name, value in (headers or {}).items():
            msg[name] = value
        msg.set_content(text)
        if html:
            msg.add_alternative(html, subtype="html")
        if self.smtp_url:
            url = urlparse(self.smtp_url)
            # Flattened here with our policy (aiosmtplib's own would refold at 78 columns).
            await aiosmtplib.send(
                msg.as_bytes(policy=POLICY.clone(linesep="\r\n")),
                sender=parseaddr(self.sender)[1],
                recipients=[to],
                hostname=url.hostname or "localhost",
                port=url.port or 25,
                username=url.username,
                password=url.password,
                start_tls=url.scheme == "smtp+starttls",
                use_tls=url.scheme == "smtps",
                timeout=10,
            )
            log.info("mail sent", subject=subject)
            return
        path = self.mail_dir / f"{msg['Message-ID'].strip('<>').split('@')[0]}.eml"
        await asyncio.to_thread(self._write, path, msg.as_bytes())
        log.info("mail written (no SMTP_URL configured)", subject=subject, path=str(path))

    def _write(self, path: Path, data: bytes) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

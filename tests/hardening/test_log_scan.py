"""A log scan: every credential flow runs through the gateway with every service real, and
afterwards no password, access or refresh token, verification or reset token appears anywhere
in what the processes logged (structured logs go to stderr/stdout, captured here whole)."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import sys
from collections.abc import Iterator
from typing import Any

import structlog
from shared.testing.servers import message_text

PASSWORD = "blue-river-42-Piano"
NEW_PASSWORD = "green-lake-77-Organ"
WRONG = "wrong-guess-13-Violin"


@contextlib.contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Everything the in-process services and the gateway log from now on: structlog (its
    processors, redaction included, unchanged) and the standard library's loggers (uvicorn)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error", "uvicorn.access")]
    for lg in loggers:
        lg.addHandler(handler)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=buffer))
    try:
        yield buffer
    finally:
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))
        for lg in loggers:
            lg.removeHandler(handler)


async def test_no_secret_reaches_a_log(stack: Any) -> None:
    with captured_logs() as buffer:
        secrets = await credential_flows(stack)
    logs = buffer.getvalue()
    assert "proxied" in logs  # the logs were captured
    leaked = [name for name, value in secrets.items() if value in logs]
    assert not leaked, f"in the logs: {leaked}"


async def credential_flows(stack: Any) -> dict[str, str]:
    email = "secretive@example.com"
    await stack.register(email, "secretive", PASSWORD)
    mail = message_text((await stack.smtp.wait_for(email))[-1])
    verification = re.search(r"verify-email\?token=([\w\-]+)", mail)
    assert verification
    r = await stack.http.post("/api/auth/verify-email", json={"token": verification.group(1)})
    assert r.status_code in (200, 204)
    bad = await stack.http.post("/api/auth/login", json={"email": email, "password": WRONG})
    assert bad.status_code == 401
    login = await stack.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    tokens = login.json()
    refreshed = await stack.http.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    await stack.http.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    await stack.http.get(
        "/api/users/me/profile", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    await stack.http.get("/api/users/me/profile", headers={"Authorization": "Bearer not.a.jwt"})
    r = await stack.http.post("/api/auth/password-reset/request", json={"email": email})
    assert r.status_code == 202
    mails = await stack.smtp.wait_for(email, count=2)
    reset = re.search(r"reset-password\?token=([\w\-]+)", message_text(mails[-1]))
    assert reset
    r = await stack.http.post(
        "/api/auth/password-reset/confirm",
        json={"token": reset.group(1), "password": NEW_PASSWORD},
    )
    assert r.status_code == 204, r.text
    again = await stack.http.post(
        "/api/auth/login", json={"email": email, "password": NEW_PASSWORD}
    )
    assert again.status_code == 200

    return {
        "password": PASSWORD,
        "new password": NEW_PASSWORD,
        "wrong password": WRONG,
        "access token": tokens["access_token"],
        "refresh token": tokens["refresh_token"],
        "refreshed access token": refreshed.json()["access_token"],
        "verification token": verification.group(1),
        "reset token": reset.group(1),
    }

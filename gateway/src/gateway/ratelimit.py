"""Rate limits on the credential endpoints (DESIGN §4), with the `limits` package.

Per client IP on login, register, refresh and password reset (every attempt counts), and per
account (the e-mail in the JSON body):

* login: only FAILED logins count (identity answered 401); once an account has collected
  `rate_limit_login_failures_per_account` of them in the window, further logins for it are
  refused with 429 until the window moves on, so a password cannot be guessed online;
* password-reset request: every request counts (identity answers the same either way).

Moving windows; memory storage per process by default, Redis (shared by every replica) when
`GATEWAY_RATE_LIMIT_STORAGE=redis://...`. If the storage fails the request goes through (fail
open, logged): an outage of the counter store must not lock every user out.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from shared.logging import get_logger
from shared.problems import TooManyRequests

from gateway.settings import GatewaySettings

log = get_logger(__name__)

# POST routes with their own limits, by kind.
LIMITED_ROUTES = {
    "/api/auth/login": "login",
    "/api/auth/register": "register",
    "/api/auth/refresh": "refresh",
    "/api/auth/password-reset/request": "reset",
    "/api/auth/password-reset/confirm": "reset",
}
# Routes whose (small) JSON body is read to find the account.
ACCOUNT_ROUTES = {"/api/auth/login", "/api/auth/password-reset/request"}


def limited_kind(method: str, path: str) -> str | None:
    if method != "POST":
        return None
    return LIMITED_ROUTES.get(path.rstrip("/") or "/")


def account_of(body: bytes) -> str | None:
    """The normalised e-mail of a JSON body, or None (the service then answers 422)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # deep nesting is refused by the service (400)
        return None
    email = data.get("email") if isinstance(data, dict) else None
    if not isinstance(email, str) or not email.strip():
        return None
    # Hashed, so the counter store (possibly a shared Redis) holds no addresses.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def storage_for(uri: str) -> Storage:
    scheme = urlsplit(uri).scheme
    if scheme in ("redis", "rediss"):
        storage = storage_from_string(f"async+{uri}", implementation="redispy")
    elif scheme in ("memory", ""):
        storage = storage_from_string("async+memory://")
    elif scheme.startswith("async+"):
        storage = storage_from_string(uri)
    else:
        raise ValueError(f"unsupported GATEWAY_RATE_LIMIT_STORAGE scheme: {scheme!r}")
    assert isinstance(storage, Storage)
    return storage


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


@dataclass(frozen=True)
class _AccountLimit:
    allows: Callable[..., Awaitable[bool]]
    item: RateLimitItem
    detail: str
    key: str


class AuthRateLimits:
    def __init__(self, settings: GatewaySettings) -> None:
        self._turns: dict[str, _Turn] = {}
        self.storage = storage_for(settings.rate_limit_storage)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.per_ip: dict[str, RateLimitItem] = {
            "login": parse(settings.rate_limit_login_per_ip),
            "register": parse(settings.rate_limit_register_per_ip),
            "refresh": parse(settings.rate_limit_refresh_per_ip),
            "reset": parse(settings.rate_limit_reset_per_ip),
        }
        # kind -> how the account's window is consulted, its limit, the refusal and its key.
        # Logins only *test* the window here: the gateway counts failed ones after the answer.
        self.per_account: dict[str, _AccountLimit] = {
            "login": _AccountLimit(
                self.limiter.test,
                parse(settings.rate_limit_login_failures_per_account),
                "Too many failed sign-ins for this account.",
                "login-fail",
            ),
            "reset": _AccountLimit(
                self.limiter.hit,
                parse(settings.rate_limit_reset_per_account),
                "Too many password-reset requests for this account.",
                "reset",
            ),
        }

    async def _retry_after(self, item: RateLimitItem, *ids: str) -> int:
        stats = await self.limiter.get_window_stats(item, *ids)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def _refuse(self, item: RateLimitItem, detail: str, *ids: str) -> TooManyRequests:
        retry = await self._retry_after(item, *ids)
        return TooManyRequests(f"{detail} Try again in {retry} seconds.", retry_after=retry)

    async def check_ip(self, kind: str, ip: str) -> None:
        item = self.per_ip[kind]
        await self._enforce(
            self.limiter.hit, item, "Too many attempts from your network.", "ip", kind, ip
        )

    async def check_account(self, kind: str, account: str) -> None:
        limit = self.per_account.get(kind)
        if limit is not None:
            await self._enforce(limit.allows, limit.item, limit.detail, limit.key, account)

    async def _enforce(
        self,
        allows: Callable[..., Awaitable[bool]],
        item: RateLimitItem,
        detail: str,
        *ids: str,
    ) -> None:
        """Refuse with 429 unless `allows(item, *ids)` (a hit, or only a test of the window).
        A failing storage lets the request through: the limits protect, they must not lock out."""
        try:
            if await allows(item, *ids):
                return
            problem = await self._refuse(item, detail, *ids)
        except Exception as exc:
            log.error("rate-limit storage failed; letting the request through", error=repr(exc))
            return
        raise problem

    @contextlib.asynccontextmanager
    async def login_turn(self, account: str) -> AsyncIterator[None]:
        """Logins for one account go one at a time through this gateway (check, forward, count)."""
        turn = self._turns.setdefault(account, _Turn())
        turn.waiting += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.waiting -= 1
            if turn.waiting == 0:
                del self._turns[account]

    async def record_login_failure(self, account: str) -> None:
        try:
            login = self.per_account["login"]
            await self.limiter.hit(login.item, login.key, account)
        except Exception as exc:
            log.error("rate-limit storage failed; failure not counted", error=repr(exc))

    async def close(self) -> None:
        # The memory storage runs an expiry task; a Redis storage holds a connection pool.
        timer = getattr(self.storage, "timer", None)
        if timer is not None and not timer.done():
            timer.cancel()
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        closer = getattr(client, "aclose", None)
        if callable(closer):
            try:
                await closer()
            except Exception as exc:
                log.warning("closing the rate-limit storage failed", error=repr(exc))

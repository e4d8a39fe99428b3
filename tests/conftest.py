"""The whole platform on real ports for cross-service and browser tests.

`stack` starts the Stripe emulator, every service that exists (each with its own fresh
database), and the gateway, all sharing one private broker namespace and a real SMTP server.
Everything is reached through the gateway, as a browser would. Browser tests ask for `browser`:
a fresh headless Chromium (tests/e2e/browser_support.py), with `web/dist` built first when stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from gateway.settings import SERVICES
from shared.testing.servers import (
    SmtpSink,
    create_database,
    drop_databases,
    free_port,
    message_text,
    serve_app,
)
from shared.testing.wait import eventually

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
WEBHOOK_SECRET = "whsec_e2e_secret"
STRIPE_KEY = "sk_test_emulator"


def _browser_support() -> ModuleType:
    """tests/e2e/browser_support.py, loaded without putting tests/e2e on `sys.path` (the browser
    test modules import it by name too, and get this same module)."""
    if "browser_support" in sys.modules:
        return sys.modules["browser_support"]
    path = Path(__file__).parent / "e2e" / "browser_support.py"
    spec = importlib.util.spec_from_file_location("browser_support", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["browser_support"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def web_build() -> None:
    _browser_support().ensure_web_build()


@pytest.fixture
async def browser(web_build: None) -> AsyncIterator[Any]:
    async with _browser_support().chromium() as b:
        yield b


def _available(name: str) -> bool:
    try:
        importlib.import_module(f"{name}.app")
        return True
    except ImportError:
        return False


class ServiceProcesses:
    """Each service served on its fixed port; one can be stopped and started again, as a
    crashed or redeployed replica would be."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self.settings: dict[str, Any] = {}
        self._running: dict[str, contextlib.AbstractAsyncContextManager[str]] = {}

    async def start(self, name: str) -> str:
        """Serve the service and wait until it is ready: its queues declared and consumed, so
        no event a test causes can be published before they exist."""
        app = importlib.import_module(f"{name}.app").create_app(self.settings[name])
        server = serve_app(app, self.ports[name])
        url = await server.__aenter__()
        self._running[name] = server
        async with httpx.AsyncClient(base_url=url, timeout=5) as client:
            await eventually(
                lambda: client.get("/readyz"), lambda r: r.status_code == 200, timeout=60
            )
        return url

    async def stop(self, name: str) -> None:
        await self._running.pop(name).__aexit__(None, None, None)

    async def stop_all(self) -> None:
        await asyncio.gather(*(self.stop(name) for name in list(self._running)))


@dataclass
class Stack:
    url: str
    emulator_url: str
    smtp: SmtpSink
    service_urls: dict[str, str]
    database_urls: dict[str, str]
    http: httpx.AsyncClient
    emulator: Any = None
    services: ServiceProcesses | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def register(
        self, email: str, username: str, password: str = "blue-river-42-Piano"
    ) -> dict:
        r = await self.http.post(
            "/api/auth/register", json={"email": email, "username": username, "password": password}
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def login(self, email: str, password: str = "blue-river-42-Piano") -> dict[str, str]:
        r = await self.http.post("/api/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    async def verify_email(self, email: str) -> None:
        messages = await self.smtp.wait_for(email)
        token = re.search(r"verify-email\?token=([\w\-]+)", message_text(messages[-1]))
        assert token, "no verification link in the e-mail"
        r = await self.http.post("/api/auth/verify-email", json={"token": token.group(1)})
        assert r.status_code in (200, 204), r.text
        assert r.status_code == 204

    async def user(self, name: str, *, admin: bool = False) -> dict[str, str]:
        """A registered, verified user (promoted to admin if asked); returns auth headers."""
        email = f"{name}@example.com"
        await self.register(email, name)
        await self.verify_email(email)
        if admin:
            from identity.admin import make_admin  # type: ignore[import-not-found]

            await make_admin(self.database_urls["identity"], email)
        return await self.login(email)

    async def post_persona(
        self, creator: dict[str, str], files: dict[str, bytes], **fields: str
    ) -> httpx.Response:
        """`POST /api/personas` as the web UI sends it: form fields and files (path -> bytes)."""
        types = {".md": "text/markdown", ".txt": "text/plain"}
        parts = [
            ("files", (path, body, types.get(Path(path).suffix, "application/octet-stream")))
            for path, body in files.items()
        ]
        return await self.http.post("/api/personas", headers=creator, data=fields, files=parts)

    async def publish_persona(
        self, creator: dict[str, str], admin: dict[str, str], files: dict[str, bytes], **fields: str
    ) -> str:
        """Create and submit a persona, approve it as `admin`; returns its id."""
        r = await self.post_persona(creator, files, currency="usd", submit="true", **fields)
        assert r.status_code == 201, r.text
        persona = r.json()
        assert persona["status"] == "pending"
        r = await self.http.post(f"/api/admin/personas/{persona['id']}/approve", headers=admin)
        assert r.status_code == 200, r.text
        return str(persona["id"])


def _settings(name: str, **kw: Any) -> Any:
    module = importlib.import_module(f"{name}.settings")
    cls = getattr(module, f"{name.capitalize()}Settings")
    return cls(**kw)


@pytest.fixture
async def stack(
    postgres_url: str, amqp_url: str, bus_namespace: str, smtp_server: SmtpSink, tmp_path
) -> AsyncIterator[Stack]:
    from stripe_emulator.testing import EmulatorServer

    names = [n for n in SERVICES if _available(n)]
    ports = {n: free_port() for n in names}
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    emulator = EmulatorServer(
        webhook_urls=[f"{gateway_url}/api/payments/webhook", f"{gateway_url}/api/payouts/webhook"],
        webhook_secret=WEBHOOK_SECRET,
    )
    created = await asyncio.gather(*(create_database(postgres_url, n[:4]) for n in names))
    databases = dict(zip(names, created, strict=True))
    common: dict[str, Any] = {
        "amqp_url": amqp_url,
        "bus_namespace": bus_namespace,
        "jwks_url": f"http://127.0.0.1:{ports.get('identity', 9)}/.well-known/jwks.json",
        "smtp_url": smtp_server.url,
        "public_url": gateway_url,
        "env": "test",
        # Two test workers may each run a stack of seven services on a server that allows 100
        # connections: a small pool each is plenty for a test.
        "db_pool_max": 4,
    }
    stripe_env = {
        "stripe_api_key": STRIPE_KEY,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_api_base": emulator.url,
    }
    per_service: dict[str, dict[str, Any]] = {
        "identity": {},
        "catalog": {"blob_dir": str(tmp_path / "blobs")},
        "billing": stripe_env,
        "payouts": stripe_env,
        "analytics": {"trending_refresh_s": 1.0},
        # the demo model (nothing configured); catalog's files read with the development
        # service credential both sides default to outside production
        "generation": {
            "catalog_url": f"http://127.0.0.1:{ports.get('catalog', 9)}",
            "default_max_tokens": 32,  # the demo model on a shared CPU: short texts
        },
        # mail and fan-out polled briskly; the daily digest never runs by itself in tests
        "notifications": {"mail_poll_s": 0.2, "fanout_poll_s": 0.2, "digest_hour_utc": 24},
    }
    servers = ServiceProcesses(ports)
    async with contextlib.AsyncExitStack() as stack_cm:
        stack_cm.push_async_callback(servers.stop_all)
        for n in names:
            servers.settings[n] = _settings(
                n, database_url=databases[n], **common, **per_service[n]
            )
        # Identity first (the others read its JWKS), then the rest side by side: each start is
        # mostly waiting on migrations and the broker.
        first = [n for n in names if n == "identity"]
        rest = [n for n in names if n != "identity"]
        urls = [await servers.start(n) for n in first]
        urls += await asyncio.gather(*(servers.start(n) for n in rest))
        service_urls = dict(zip(first + rest, urls, strict=True))
        from gateway.app import create_app as gateway_app
        from gateway.settings import GatewaySettings

        gw = GatewaySettings(
            **common, **{f"{n}_url": u for n, u in service_urls.items()}, web_dist=WEB_DIST
        )
        await stack_cm.enter_async_context(serve_app(gateway_app(gw), gateway_port))
        async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as http:
            yield Stack(
                url=gateway_url,
                emulator_url=emulator.url,
                smtp=smtp_server,
                service_urls=service_urls,
                database_urls=databases,
                http=http,
                emulator=emulator,
                services=servers,
            )
    emulator.stop()
    await drop_databases(list(databases.values()))

"""The gateway on real HTTP in front of a recording "echo" service, with a real JWKS (the kernel's
test token issuer) and a private broker namespace."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys

# pytest's importlib mode names this file `gateway.tests.conftest` and, to do so, registers the
# folder `gateway/` as a namespace package called `gateway`, which hides the real package
# (gateway/src/gateway). Drop the stand-in so the imports below find the real one.
if getattr(sys.modules.get("gateway"), "__file__", "") is None:
    del sys.modules["gateway"]
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway.app import create_app, server_options
from gateway.settings import SERVICES, GatewaySettings
from shared.testing.servers import free_port, serve_app
from shared.testing.tokens import TokenIssuer
from shared.testing.wait import eventually
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MB = 1024 * 1024


@dataclass
class Seen:
    method: str
    path: str
    raw_path: str
    query: str
    headers: list[tuple[str, str]]
    body_size: int

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)

    def header_names(self) -> set[str]:
        return {k for k, _ in self.headers}


@dataclass
class Echo:
    """A stand-in service that records every request it gets."""

    name: str = "echo"
    seen: list[Seen] = field(default_factory=list)
    # streaming probes: set by the upload handler once the first bytes arrived, and by the test
    # once the first bytes of a download arrived at the client
    upload_started: asyncio.Event = field(default_factory=asyncio.Event)
    download_started: asyncio.Event = field(default_factory=asyncio.Event)
    release_slow: asyncio.Event = field(default_factory=asyncio.Event)
    max_upload_chunk: int = 0
    logout_status: int = 204
    openapi: dict[str, Any] | None = None

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    def app(self) -> Starlette:
        async def record(request: Request, body_size: int) -> Seen:
            seen = Seen(
                method=request.method,
                path=request.url.path,
                raw_path=request.scope["raw_path"].decode(),
                query=request.scope["query_string"].decode(),
                headers=[(k.decode().lower(), v.decode()) for k, v in request.scope["headers"]],
                body_size=body_size,
            )
            self.seen.append(seen)
            return seen

        async def upload(request: Request) -> Response:
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                self.max_upload_chunk = max(self.max_upload_chunk, len(chunk))
                if size >= MB:
                    self.upload_started.set()
            await record(request, size)
            return JSONResponse({"received": size})

        async def download(request: Request) -> Response:
            await record(request, 0)
            total = int(request.query_params.get("size", "0"))
            chunk = b"d" * (64 * 1024)

            async def body() -> AsyncIterator[bytes]:
                sent = 0
                while sent < total:
                    if sent >= 2 * MB:
                        # the rest only once the client holds the start: a gateway that
                        # buffered the whole body would never let this through
                        await asyncio.wait_for(self.download_started.wait(), 30)
                    piece = chunk[: total - sent]
                    sent += len(piece)
                    yield piece

            return StreamingResponse(
                body(),
                media_type="application/octet-stream",
                headers={"Content-Length": str(total)},
            )

        async def slow(request: Request) -> Response:
            await record(request, 0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.release_slow.wait(), 10)
            return JSONResponse({"slow": True})

        async def login(request: Request) -> Response:
            body = await request.body()
            await record(request, len(body))
            try:
                data = json.loads(body)
            except ValueError:
                data = {}
            if isinstance(data, dict) and data.get("password") == "right":
                return JSONResponse({"access_token": "x", "token_type": "bearer"})
            return JSONResponse(
                {"status": 401, "code": "invalid_credentials"},
                status_code=401,
                media_type="application/problem+json",
            )

        async def logout(request: Request) -> Response:
            await record(request, len(await request.body()))
            return Response(status_code=self.logout_status)

        async def openapi(request: Request) -> Response:
            if self.openapi is None:
                return JSONResponse({"detail": "none"}, status_code=404)
            return JSONResponse(self.openapi)

        async def anything(request: Request) -> Response:
            body = await request.body()
            seen = await record(request, len(body))
            response = JSONResponse(
                {
                    "service": self.name,
                    "path": seen.path,
                    "raw_path": seen.raw_path,
                    "query": seen.query,
                    "headers": dict(seen.headers),
                    "body_size": len(body),
                }
            )
            # two cookies: both must reach the client
            response.set_cookie("a", "1")
            response.set_cookie("b", "2")
            response.headers["X-Request-ID"] = "upstream-must-not-leak"
            return response

        methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        return Starlette(
            routes=[
                Route("/api/personas/upload", upload, methods=["POST", "PUT"]),
                Route("/api/personas/download", download),
                Route("/api/personas/slow", slow),
                Route("/api/auth/login", login, methods=["POST"]),
                Route("/api/auth/logout", logout, methods=["POST"]),
                Route("/openapi.json", openapi),
                Route("/{rest:path}", anything, methods=methods),
            ]
        )


def serve_gateway(app: Any, settings: GatewaySettings) -> Any:
    """Like `serve_app`, with the uvicorn options `python -m gateway serve` uses."""
    return serve_app(app, **server_options(settings))


def gateway_settings(
    *,
    upstream: str,
    tokens: TokenIssuer,
    amqp_url: str,
    bus_namespace: str,
    web_dist: Path,
    **overrides: Any,
) -> GatewaySettings:
    urls = {f"{name}_url": upstream for name in SERVICES}
    values: dict[str, Any] = {
        **urls,
        **tokens.verifier_settings(),
        "amqp_url": amqp_url,
        "bus_namespace": bus_namespace,
        "web_dist": web_dist,
        "env": "test",
        **overrides,
    }
    return GatewaySettings(**values)


@dataclass
class Stack:
    url: str
    echo: Echo
    app: Any
    client: httpx.AsyncClient

    @property
    def verifier(self) -> Any:
        return self.app.state.verifier


GatewayFactory = Callable[..., contextlib.AbstractAsyncContextManager[Stack]]


@pytest.fixture
async def echo() -> AsyncIterator[tuple[Echo, str]]:
    service = Echo()
    async with serve_app(service.app()) as url:
        yield service, url
        service.release_slow.set()
        service.download_started.set()


@pytest.fixture
def gateway(
    echo: tuple[Echo, str], tokens: TokenIssuer, amqp_url: str, bus_namespace: str, tmp_path: Path
) -> GatewayFactory:
    """`async with gateway(**setting_overrides) as stack:` — a gateway before the echo service."""
    service, url = echo

    @contextlib.asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Stack]:
        settings = gateway_settings(
            upstream=overrides.pop("upstream", url),
            tokens=tokens,
            amqp_url=overrides.pop("amqp_url", amqp_url),
            bus_namespace=bus_namespace,
            web_dist=overrides.pop("web_dist", tmp_path / "no-dist"),
            **overrides,
        )
        app = create_app(settings)
        async with (
            serve_gateway(app, settings) as gw_url,
            httpx.AsyncClient(base_url=gw_url, timeout=60, trust_env=False) as client,
        ):
            yield Stack(gw_url, service, app, client)

    return start


def unused_url() -> str:
    """A URL where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def wait_until() -> Callable[..., Awaitable[Any]]:
    return eventually

"""Forwarding one request to its service, streaming both bodies.

Neither the upload nor the download is ever held whole: the client's body is handed to httpx as
an async iterator (`build_request(..., content=...)`) and the service's body comes back through
`send(stream=True)` into a StreamingResponse, chunk by chunk, as raw bytes (compressed bodies stay
compressed, so `Content-Length` stays true). Only the small JSON bodies of the routes rate-limited
per account are read first (see `read_small_body`).

Cost per proxied request: one HTTP round trip to the service over a pooled keep-alive
connection; nothing else on the network (token checks are local, see app.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from shared.logging import get_logger
from shared.problems import Problem
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect, Request
from starlette.responses import StreamingResponse

from gateway.headers import Headers, downstream_response_headers
from gateway.settings import GatewaySettings

log = get_logger(__name__)


class ServiceUnavailable(Problem):
    status, code, title = 502, "service_unavailable", "Service unavailable"


class UpstreamTimeout(Problem):
    status, code, title = 504, "upstream_timeout", "The service took too long to answer"


class BodyTooLarge(Problem):
    status, code, title = 413, "payload_too_large", "Request body too large"


class ClientGone(Exception):
    """The client went away while its body was being forwarded."""


def has_body(request: Request) -> bool:
    headers = request.headers
    if "transfer-encoding" in headers:
        return True
    length = headers.get("content-length")
    return length is not None and length.strip() not in ("", "0")


async def read_small_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing anything over `limit` bytes without reading further."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise BodyTooLarge(f"The request body may be at most {limit} bytes here.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"The request body may be at most {limit} bytes here.")
        chunks.append(chunk)
    return b"".join(chunks)


async def _client_body(request: Request) -> AsyncIterator[bytes]:
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except ClientDisconnect as exc:
        raise ClientGone() from exc


class Upstreams:
    """The services' base URLs and one pooled HTTP client for all of them."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.urls = settings.service_urls()
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_s,
                read=settings.read_timeout_s,
                write=settings.write_timeout_s,
                pool=settings.pool_timeout_s,
            ),
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_keepalive_connections,
            ),
            follow_redirects=False,
            trust_env=False,  # never route service traffic through an HTTP(S)_PROXY
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def open(
        self,
        service: str,
        request: Request,
        headers: Headers,
        body: bytes | None = None,
    ) -> httpx.Response:
        """Send the request upstream; the response is open (headers read, body not yet)."""
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        url = self.urls[service] + raw_path.decode("latin-1")
        query = request.scope.get("query_string", b"")
        if query:
            url += "?" + query.decode("latin-1")
        content: bytes | AsyncIterator[bytes] | None
        if body is not None:
            content = body
        elif has_body(request):
            content = _client_body(request)
        else:
            content = None
        upstream = self.client.build_request(request.method, url, headers=headers, content=content)
        try:
            return await self.client.send(upstream, stream=True)
        except httpx.TimeoutException as exc:
            log.warning("service timed out", upstream=service, error=type(exc).__name__)
            raise UpstreamTimeout(f"The {service} service did not answer in time.") from exc
        except httpx.HTTPError as exc:
            log.warning("service unreachable", upstream=service, error=repr(exc))
            raise ServiceUnavailable(
                f"The {service} service is not reachable right now; please try again shortly."
            ) from exc


def stream_back(upstream: httpx.Response, service: str) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        except httpx.HTTPError as exc:
            # Headers are already out: all we can do is cut the response short.
            log.warning("service response broke off", upstream=service, error=repr(exc))
            raise
        finally:
            await upstream.aclose()

    response = StreamingResponse(
        body(), status_code=upstream.status_code, background=BackgroundTask(upstream.aclose)
    )
    response.raw_headers = downstream_response_headers(upstream.headers.raw)
    return response

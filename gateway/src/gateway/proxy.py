"""Forwarding one request to its service: small answers in one piece, big ones streamed.

The hop is an aiohttp keep-alive pool (one `TCPConnector` for every upstream; see
docs/adr/0010-gateway-upstream-client.md for why not httpx). A client's body of at most
`SMALL_BODY` bytes (by its Content-Length) is read and sent with the headers; a bigger or chunked
one is handed on as an async iterator, so an upload is never held whole. The service's answer is returned as one
plain `Response` when it says it is at most `SMALL_BODY` bytes long (nearly every API answer:
no streaming machinery, no background task), and as a `StreamingResponse` of raw chunks otherwise
(downloads, chunked answers), so memory stays bounded whatever the size. Bodies stay as the
service sent them (compressed ones stay compressed), so `Content-Length` stays true.

A kept-alive connection can die between two requests (a service closes it after a 500, or after
its own idle timeout). A POST or PATCH must never be sent on such a connection (it is not retried:
the service may have acted on it), so three things keep the gateway off them:

* idle connections are let go after `GATEWAY_UPSTREAM_KEEPALIVE_S` (10 s), well before the
  services close theirs (`SERVICE_KEEPALIVE_S`, 20 s, uvicorn's `timeout_keep_alive` set by the
  kernel), so an idle close never races a reuse;
* after a 5xx answer the gateway closes the connection itself instead of pooling it (a service
  closes it after an unexpected error, without saying so);
* a pooled connection is polled (zero timeout) before it is handed out: an idle connection that
  is readable has been closed or reset by the service, or holds bytes nobody asked for, and is
  dropped for another one or a fresh one (`CheckedConnector`).

What remains is a close that reaches the gateway after the request has left, which no client can
tell from a service that failed while handling it. An idempotent request whose connection dies
before any response byte is still sent again once on a fresh connection (aiohttp's retry of
persistent connections, RFC 9112 §9.3.1). Only a service that cannot be reached on a fresh
connection gives 502.

Cost per proxied request: one HTTP round trip to the service over a pooled keep-alive
connection; nothing else on the network (token checks are local, see app.py).
"""

from __future__ import annotations

import asyncio
import select
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from shared.logging import get_logger
from shared.problems import Problem
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from yarl import URL

from gateway.headers import Headers, downstream_response_headers
from gateway.settings import GatewaySettings

log = get_logger(__name__)

# Answers up to this size (by their Content-Length) are read whole and returned in one piece.
SMALL_BODY = 256 * 1024
STREAM_CHUNK = 64 * 1024


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


class _ClientBody:
    """The client's body as an async iterator that remembers whether the client went away
    (aiohttp reports a failing body as a connection error of its own)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.gone = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.request.stream():
                if chunk:
                    yield chunk
        except ClientDisconnect:
            self.gone = True
            raise


def closed_by_peer(transport: asyncio.BaseTransport | None) -> bool:
    """Whether an idle kept-alive connection is no longer fit to carry a request: closing, or its
    socket readable (the service's FIN or RST, or bytes nobody asked for), even when the event
    loop has not yet noticed."""
    if transport is None or transport.is_closing():
        return True
    sock = transport.get_extra_info("socket")
    if sock is None or transport.get_extra_info("sslcontext") is not None:
        return False  # TLS: the raw socket may hold a session ticket; trust the transport
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


class CheckedConnector(aiohttp.TCPConnector):
    """A `TCPConnector` that never hands out a pooled connection the service already closed:
    such a connection is dropped and the next pooled one (or a fresh one) is tried. A fresh
    connection is never readable before its request, so this ends."""

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
        for _ in range(self.limit_per_host or self.limit or 100):
            conn = await super().connect(req, traces, timeout)
            if not closed_by_peer(conn.transport):
                return conn
            conn.close()
        return await super().connect(req, traces, timeout)  # bounded, whatever happens


class UpstreamResponse(aiohttp.ClientResponse):
    """aiohttp returns a connection to the pool the moment the answer's last byte is read, before
    the caller sees it: a 5xx answer marks its connection to be closed at that moment instead."""

    def _response_eof(self) -> None:
        # (`status` is None when the connection ended before a status line was read.)
        if (self.status or 0) >= 500 and self._connection is not None:
            protocol = self._connection.protocol
            if protocol is not None:
                protocol.force_close()
        super()._response_eof()


def close_or_release(upstream: aiohttp.ClientResponse) -> None:
    """Back to the pool — unless the service answered 5xx: it may close the connection right
    after such an answer without saying so, so the gateway closes it first."""
    if upstream.status >= 500:
        upstream.close()
    else:
        upstream.release()


class Upstreams:
    """The services' base URLs and one pooled keep-alive client for all of them."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.urls = settings.service_urls()
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running loop (aiohttp binds to it).
        if self._session is None:
            s = self.settings
            self._session = aiohttp.ClientSession(
                connector=CheckedConnector(
                    limit=s.max_connections,
                    limit_per_host=s.max_keepalive_connections,
                    keepalive_timeout=s.upstream_keepalive_s,
                    use_dns_cache=True,
                ),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    # `connect` includes waiting for a free pooled connection
                    connect=s.pool_timeout_s + s.connect_timeout_s,
                    sock_connect=s.connect_timeout_s,
                    sock_read=s.read_timeout_s,
                ),
                response_class=UpstreamResponse,  # closes a connection that carried a 5xx
                auto_decompress=False,  # pass the service's bytes through as they are
                skip_auto_headers=("User-Agent", "Accept-Encoding"),
                trust_env=False,  # never route service traffic through an HTTP(S)_PROXY
                cookie_jar=aiohttp.DummyCookieJar(),  # cookies are the client's, not ours
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def open(
        self,
        service: str,
        request: Request,
        headers: Headers,
        body: bytes | None = None,
    ) -> aiohttp.ClientResponse:
        """Send the request upstream; the response is open (headers read, body not yet)."""
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        url = self.urls[service] + raw_path.decode("latin-1")
        query = request.scope.get("query_string", b"")
        if query:
            url += "?" + query.decode("latin-1")
        streamed: _ClientBody | None = None
        data: bytes | _ClientBody | None = body
        if body is None and has_body(request):
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) <= SMALL_BODY:
                # Sent with the headers in one write. (A streamed body's writer can outlive
                # the answer, and the connection it leaves behind is closing.)
                try:
                    data = await read_small_body(request, SMALL_BODY)
                except ClientDisconnect as exc:
                    raise ClientGone() from exc
            else:
                data = streamed = _ClientBody(request)
        try:
            return await self.session.request(
                request.method,
                URL(url, encoded=True),  # the path as the client sent it, byte for byte
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers],
                data=data,
                allow_redirects=False,
                compress=None,
            )
        except TimeoutError as exc:
            log.warning("service timed out", upstream=service, error=type(exc).__name__)
            raise UpstreamTimeout(f"The {service} service did not answer in time.") from exc
        except aiohttp.ClientError as exc:
            if streamed is not None and streamed.gone:
                raise ClientGone() from exc
            log.warning("service unreachable", upstream=service, error=repr(exc))
            raise ServiceUnavailable(
                f"The {service} service is not reachable right now; please try again shortly."
            ) from exc


def _is_small(upstream: aiohttp.ClientResponse) -> bool:
    length = upstream.headers.get("Content-Length")
    return length is not None and length.isdigit() and int(length) <= SMALL_BODY


async def respond(upstream: aiohttp.ClientResponse, service: str) -> Response:
    """The client's answer: small bodies in one piece, the rest streamed chunk by chunk."""
    headers = downstream_response_headers(upstream.raw_headers)
    if _is_small(upstream):
        try:
            content = await upstream.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("service response broke off", upstream=service, error=repr(exc))
            raise ServiceUnavailable(
                f"The {service} service broke off its answer; please try again shortly."
            ) from exc
        finally:
            close_or_release(upstream)
        response = Response(content, status_code=upstream.status)
        response.raw_headers = headers
        return response

    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.content.iter_chunked(STREAM_CHUNK):
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Headers are already out: all we can do is cut the response short.
            log.warning("service response broke off", upstream=service, error=repr(exc))
            raise
        finally:
            close_or_release(upstream)

    async def release() -> None:
        # also when the client went away mid-download and the generator never finished
        close_or_release(upstream)

    streaming = StreamingResponse(
        body(), status_code=upstream.status, background=BackgroundTask(release)
    )
    streaming.raw_headers = headers
    return streaming

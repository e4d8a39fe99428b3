"""What crosses the gateway in each direction.

Requests: hop-by-hop headers stay behind (RFC 9110 §7.6.1), and so does anything a client could
use to claim an identity (`X-User-*`, `X-Authenticated-User`, `X-Forwarded-User`): services
trust only the bearer token, and the gateway makes sure no such header ever reaches them.
`X-Forwarded-*` are set by the gateway alone, from what uvicorn resolved (it believes the
forwarded headers of trusted proxies only). Headers stay bytes end to end, so values that are
not ASCII pass unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.telemetry import outgoing_headers

Headers = list[tuple[bytes, bytes]]

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
    }
)

IDENTITY_HEADERS = frozenset(
    {b"x-user-id", b"x-user-roles", b"x-user-email", b"x-authenticated-user", b"x-forwarded-user"}
)

# Replaced by the gateway's own values.
GATEWAY_OWNED = frozenset(
    {
        b"host",
        b"x-request-id",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-forwarded-port",
        b"x-forwarded-prefix",
        b"x-real-ip",
        b"forwarded",
    }
)

# Set again by the gateway's own server and middleware on the way out.
RESPONSE_OWNED = frozenset({b"x-request-id", b"server", b"date"})


def _lower(raw: Iterable[tuple[bytes, bytes]]) -> Headers:
    # Surrounding whitespace is not part of a field value (RFC 9110 §5.5), and the HTTP client
    # refuses to send a value that ends in it: strip it rather than fail the request with a 502.
    return [(k.lower(), v.strip(b" \t")) for k, v in raw]


def _connection_tokens(headers: Headers) -> set[bytes]:
    """Headers named in `Connection` are hop-by-hop too."""
    tokens: set[bytes] = set()
    for name, value in headers:
        if name == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return tokens


def is_identity_header(name: bytes) -> bool:
    return name in IDENTITY_HEADERS or name.startswith(b"x-user-")


def upstream_request_headers(
    raw: Iterable[tuple[bytes, bytes]],
    *,
    client_ip: str | None,
    scheme: str,
    request_id: str,
) -> Headers:
    """The headers to send upstream, from the client's raw ASGI headers."""
    headers = _lower(raw)
    drop = HOP_BY_HOP | GATEWAY_OWNED | _connection_tokens(headers)
    out = [(k, v) for k, v in headers if k not in drop and not is_identity_header(k)]
    host = next((v for k, v in headers if k == b"host"), b"")
    if client_ip:
        out.append((b"x-forwarded-for", client_ip.encode("latin-1")))
    out.append((b"x-forwarded-proto", scheme.encode("latin-1")))
    if host:
        out.append((b"x-forwarded-host", host))
    out.append((b"x-request-id", request_id.encode("latin-1")))
    if not any(k == b"accept-encoding" for k, _ in out):
        # Otherwise httpx would ask for gzip on the client's behalf and we would pass the
        # compressed bytes on to a client that never asked for them.
        out.append((b"accept-encoding", b"identity"))
    # With tracing on, the upstream continues the gateway's span (a client's `traceparent`
    # is the parent of that span, never forwarded as is); off, nothing changes.
    return outgoing_headers(out)


def downstream_response_headers(raw: Iterable[tuple[bytes, bytes]]) -> Headers:
    """The upstream response headers the client gets (the body is passed through raw, so
    `Content-Length` and `Content-Encoding` stay true)."""
    headers = _lower(raw)
    drop = HOP_BY_HOP | RESPONSE_OWNED | _connection_tokens(headers)
    return [(k, v) for k, v in headers if k not in drop]

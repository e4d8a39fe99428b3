"""Bad input refused once, before any route sees it, for every service and the gateway.

`InputGuard` is an ASGI middleware (installed by the app factory and by the gateway):

* a path or query string holding NUL (`%00`), or a query that is not UTF-8 → 400 `invalid_characters`;
* a body over its route's limit → 413 `payload_too_large`, decided from `Content-Length` when it is
  declared and otherwise while the body streams in (never read whole): JSON routes default to
  `DEFAULT_BODY_LIMIT`; `body_limits` overrides a route (`"POST /api/personas": 60_000_000`);
* a JSON body (bounded by its limit, so it may be buffered) nested deeper than `MAX_JSON_DEPTH`, or
  holding NUL or a lone surrogate (`\\ud800`) in any string or key → 400 before it is handed on
  unchanged; a body that is not JSON at all is left to the route (422).

`SecurityHeaders` adds `X-Content-Type-Options: nosniff` to every response and
`Cache-Control: no-store` to every response that does not choose its own caching: API answers
carry tokens or private data often enough that "not stored" is the safe default, and a route that
serves public, cacheable data says so itself.

Values PostgreSQL cannot hold (an integer over 64 bits, a date past its range) are found by
asyncpg on the way in; `install_error_handlers` turns its `DataError` into a 400 (see http.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.problems import PROBLEM_JSON, Problem, problem_body

DEFAULT_BODY_LIMIT = 1024 * 1024
MAX_JSON_DEPTH = 32
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_JSON_TYPE = re.compile(rb"^application/([a-z0-9.+-]*\+)?json\s*(;|$)", re.IGNORECASE)


class RouteLimits:
    """`"METHOD /path/{param}"` → byte limit; `{x}` matches one segment, `*` any method."""

    def __init__(self, limits: Mapping[str, int], default: int = DEFAULT_BODY_LIMIT) -> None:
        self.default = default
        self.rules: list[tuple[str, re.Pattern[str], int]] = []
        for key, limit in limits.items():
            method, _, path = key.partition(" ")
            regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path.rstrip("/")))
            self.rules.append((method.upper(), re.compile(regex + "/?"), limit))

    def for_request(self, method: str, path: str) -> int:
        for rule_method, regex, limit in self.rules:
            if rule_method in ("*", method) and regex.fullmatch(path):
                return limit
        return self.default


def _problem(status: int, code: str, title: str, detail: str) -> tuple[dict[str, Any], bytes]:
    body = json.dumps(problem_body(status, code, title, detail)).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, body


async def send_problem(send: Send, status: int, code: str, title: str, detail: str) -> None:
    start, body = _problem(status, code, title, detail)
    await send(start)
    await send({"type": "http.response.body", "body": body})


def json_problem(text: bytes) -> str | None:
    """Why a JSON body is refused, or None (not JSON at all is the route's business)."""
    try:
        value = json.loads(text)
    except RecursionError:
        return f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
    except ValueError:
        return None
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARS.search(item):
                return "Text may not contain NUL characters or unpaired surrogates."
            continue
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return None


def url_problem(scope: Scope) -> str | None:
    if "\x00" in scope.get("path", ""):
        return "The path may not contain NUL characters."
    query: bytes = scope.get("query_string", b"")
    if query:
        raw = unquote_to_bytes(query.replace(b"+", b" "))
        if b"\x00" in raw:
            return "The query string may not contain NUL characters."
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return "The query string is not valid UTF-8."
    return None


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return _JSON_TYPE.match(value.strip()) is not None
    return False


# For type checkers: Problem.headers is always a dict, HTTPException's may be None; a dict satisfies both.
class BodyTooLarge(Problem, HTTPException):  # type: ignore[misc]
    """Raised from `receive` when a streamed body crosses its limit after the route began.

    Also an `HTTPException`, so FastAPI's body parsing passes it on instead of making it a 400.
    """

    status, code, title = 413, "payload_too_large", "Request body too large"

    def __init__(self, detail: str) -> None:
        Problem.__init__(self, detail)
        self.status_code = 413


class InputGuard:
    def __init__(
        self,
        app: ASGIApp,
        body_limits: Mapping[str, int] | None = None,
        default_limit: int = DEFAULT_BODY_LIMIT,
        check_json: bool = True,
    ) -> None:
        self.app = app
        self.limits = RouteLimits(body_limits or {}, default_limit)
        self.check_json = check_json

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        why = url_problem(scope)
        if why is not None:
            await send_problem(send, 400, "invalid_characters", "Invalid characters", why)
            return
        limit = self.limits.for_request(scope["method"], scope.get("path", ""))
        declared = _declared_length(scope)
        too_large = f"The request body may be at most {limit} bytes here."
        if declared is not None and declared > limit:
            await send_problem(send, 413, "payload_too_large", "Request body too large", too_large)
            return
        if self.check_json and _is_json(scope):
            body = await self._buffer(receive, limit)
            if body is None:
                await send_problem(
                    send, 413, "payload_too_large", "Request body too large", too_large
                )
                return
            why = json_problem(body) if body else None
            if why is not None:
                await send_problem(send, 400, "invalid_json", "Invalid JSON body", why)
                return
            await self.app(scope, _replay(body, receive), send)
            return
        await self.app(scope, _capped(receive, limit), send)

    @staticmethod
    async def _buffer(receive: Receive, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client left; the route sees an empty body and nobody reads it
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect as usual

    return replay


def _capped(receive: Receive, limit: int) -> Receive:
    size = 0

    async def capped() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge(f"The request body may be at most {limit} bytes here.")
        return message

    return capped


class SecurityHeaders:
    def __init__(self, app: ASGIApp, extra: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.extra = [(k.lower().encode(), v.encode()) for k, v in (extra or {}).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                wanted = [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]
                headers += [(k, v) for k, v in [*wanted, *self.extra] if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""The two answers the gateway composes from more than one service (services never read each
other's data, so whatever spans two of them is put together here).

* `GET /api/users/{username}`: identity's public profile plus, under `personas`, the first page
  of the creator's approved personas, newest first, from catalog (`{items, next_cursor}`; the
  next pages come from `/api/users/{username}/personas`). If catalog does not answer, the profile
  is still served with `personas: null`.
* `POST /api/payments/create-checkout`: billing sells from a copy of catalog's prices that
  arrives by event, so right after an approval billing may not know a persona buyers already see.
  When billing answers 404 `persona_not_found` for a persona that catalog shows to anyone, the
  buyer gets a retryable 503 `price_not_ready` with `Retry-After: 1` instead (the web UI waits it
  out); a persona catalog does not show stays a 404.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
from shared.logging import get_logger
from shared.problems import Problem
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.headers import Headers, downstream_response_headers
from gateway.proxy import ServiceUnavailable, Upstreams, UpstreamTimeout

log = get_logger(__name__)

PROFILE_PERSONAS = 20


class PriceNotReady(Problem):
    status, code, title = 503, "price_not_ready", "Try again shortly"


def _client(request: Request) -> httpx.AsyncClient:
    """The composed routes' own small client (the proxy's pool streams; these read whole)."""
    client: httpx.AsyncClient | None = getattr(request.app.state, "compose_http", None)
    if client is None:
        s = request.app.state.settings
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(s.read_timeout_s, connect=s.connect_timeout_s),
            follow_redirects=False,
            trust_env=False,
        )
        request.app.state.compose_http = client
    return client


async def _get(request: Request, service: str, path: str, headers: Headers) -> httpx.Response:
    upstreams: Upstreams = request.app.state.upstreams
    try:
        return await _client(request).get(upstreams.urls[service] + path, headers=headers)
    except httpx.TimeoutException as exc:
        raise UpstreamTimeout(f"The {service} service did not answer in time.") from exc
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(f"The {service} service is not reachable right now.") from exc


def _passed_on(upstream: httpx.Response) -> Response:
    response = Response(upstream.content, status_code=upstream.status_code)
    response.raw_headers = [
        (k, v)
        for k, v in downstream_response_headers(upstream.headers.raw)
        if k not in (b"content-length", b"content-encoding")
    ] + [(b"content-length", str(len(upstream.content)).encode())]
    return response


async def profile_with_personas(request: Request, headers: Headers) -> Response:
    raw_path = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
    profile = await _get(request, "identity", raw_path, headers)
    if profile.status_code != 200:
        return _passed_on(profile)
    body: dict[str, Any] = profile.json()
    personas: Any = None
    path = f"/api/users/{quote(str(body.get('username', '')), safe='')}/personas"
    try:
        page = await _get(request, "catalog", f"{path}?limit={PROFILE_PERSONAS}", headers)
        if page.status_code == 200:
            personas = page.json()
        else:
            log.warning("creator personas not served", status=page.status_code)
    except Problem:
        log.warning("catalog unreachable for a profile; served without personas")
    body["personas"] = personas
    # is_following belongs to the viewer: never stored by a shared cache.
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def checkout(request: Request, headers: Headers, body: bytes) -> Response:
    upstreams: Upstreams = request.app.state.upstreams
    try:
        answer = await _client(request).post(
            upstreams.urls["billing"] + "/api/payments/create-checkout",
            headers=headers,
            content=body,
        )
    except httpx.TimeoutException as exc:
        raise UpstreamTimeout("The billing service did not answer in time.") from exc
    except httpx.HTTPError as exc:
        raise ServiceUnavailable("The billing service is not reachable right now.") from exc
    if answer.status_code == 404 and _code(answer) == "persona_not_found":
        persona_id = _persona_id(body)
        if persona_id is not None:
            # Asked anonymously: only what any visitor can see is "visible".
            dropped = (b"authorization", b"content-length", b"content-type")
            anonymous = [(k, v) for k, v in headers if k not in dropped]
            shown = await _get(
                request, "catalog", f"/api/personas/{quote(persona_id, safe='')}", anonymous
            )
            if shown.status_code == 200:
                raise PriceNotReady(
                    "This persona was published a moment ago and its price is on its way;"
                    " try again in a second.",
                    headers={"Retry-After": "1"},
                )
    return _passed_on(answer)


def _code(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data.get("code") if isinstance(data, dict) else None


def _persona_id(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    value = data.get("persona_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 100 else None

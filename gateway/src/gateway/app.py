"""The gateway's composition root.

Per proxied request, in order: route (`routing.ROUTES`) → refuse dot segments → per-IP limit on
the credential routes → verify the bearer token if there is one → per-account limit (login,
password-reset request) → forward with cleaned headers (uploads streamed) → answer back (small
bodies in one piece, big ones streamed; see proxy.py).

What that costs beyond the one round trip to the service:
* token verification is local, 0 extra round trips: one RS256 signature check against the
  cached JWKS the first time a token is seen, then a dictionary lookup until it expires (the
  verifier's cache, shared/auth.py), and on every request a lookup in the in-memory denylist.
  Only a token whose `kid` is unknown triggers a JWKS fetch (1 round trip, at most once per
  10 s, then cached);
* rate limits apply to the five credential routes only: 0 round trips with memory storage, 1-2
  Redis commands with Redis storage; every other route pays nothing for them;
* revocations arrive by the broker in the background and cost requests nothing.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from shared.auth import InvalidToken, Principal, TokenVerifier, bearer_token
from shared.guards import InputGuard, SecurityHeaders
from shared.http import RequestIdMiddleware, install_error_handlers, request_id_of
from shared.logging import bind_contextvars, configure_logging, get_logger
from shared.problems import NotFound, Problem, Unauthorized
from starlette.responses import FileResponse, Response

from gateway.compose import checkout, profile_with_personas
from gateway.events_doc import event_catalogue
from gateway.headers import upstream_request_headers
from gateway.openapi import DOCS_ASSETS, OpenApiMerger, docs_page, swagger_ui_dir
from gateway.proxy import ClientGone, Upstreams, read_small_body, respond
from gateway.ratelimit import ACCOUNT_ROUTES, AuthRateLimits, account_of, limited_kind
from gateway.revocations import AuthRuntime
from gateway.routing import is_suspicious, service_for
from gateway.settings import GatewaySettings
from gateway.web import WebUI
from shared import metrics, telemetry

log = get_logger(__name__)

PROXY_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
OPENAPI_URL = "/api/openapi.json"
ASYNCAPI_URL = "/api/events/asyncapi.json"  # the event catalogue, from shared/contracts
DOCS_URL = "/api/docs"
DOCS_ASSETS_URL = "/api/docs/assets"


class BadPath(Problem):
    status, code, title = 400, "bad_path", "Malformed path"


def _request_id(request: Request) -> str:
    return request_id_of(request.scope) or str(uuid.uuid4())


def _path(request: Request) -> str:
    """`request.url.path` without building the whole URL (the same escapes as Starlette's)."""
    path: str = request.scope["path"]
    return path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


async def _principal(request: Request) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        scheme = request.headers.get("authorization", "").strip().lower()
        if scheme == "bearer":  # a bearer header without its token is a client bug: say so
            raise Unauthorized("The Authorization header has no token.", code="invalid_token")
        return None
    verifier: TokenVerifier = request.app.state.verifier
    try:
        principal = await verifier.verify(token)
    except InvalidToken as exc:
        log.info("token refused at the gateway", reason=str(exc), path=_path(request))
        raise Unauthorized("The access token is invalid or expired.", code="invalid_token") from exc
    bind_contextvars(user_id=principal.user_id)
    return principal


async def proxy(request: Request) -> Response:
    path = _path(request)
    service = service_for(path)
    if service is None:
        raise NotFound(f"No API route at {path}.")
    request.scope["metrics.route"] = f"proxy:{service}"  # the latency label: one per upstream
    if is_suspicious(path):
        raise BadPath("Paths may not contain empty, '.' or '..' segments.")
    state = request.app.state
    client_ip = request.client.host if request.client else None
    kind = limited_kind(request.method, path)
    limits: AuthRateLimits = state.rate_limits
    if kind is not None:
        await limits.check_ip(kind, client_ip or "unknown")
    principal = await _principal(request)
    body: bytes | None = None
    account: str | None = None
    if kind is not None and path.rstrip("/") in ACCOUNT_ROUTES:
        body = await read_small_body(request, state.settings.auth_body_max_bytes)
        account = account_of(body)
    headers = upstream_request_headers(
        request.scope["headers"],
        client_ip=client_ip,
        scheme=request.scope.get("scheme", "http"),
        request_id=_request_id(request),
    )
    started = time.perf_counter()
    upstreams: Upstreams = state.upstreams
    # One login per account at a time here, so a burst of parallel guesses cannot all pass the
    # check before the first failure is counted.
    serial = limits.login_turn(account) if kind == "login" and account else contextlib.nullcontext()
    async with serial:
        if kind is not None and account is not None:
            await limits.check_account(kind, account)
        try:
            upstream = await upstreams.open(service, request, headers, body)
        except ClientGone:
            log.info("client went away during the upload", upstream=service, path=path)
            return Response(status_code=400)
        status = upstream.status
        if kind == "login" and account is not None and status == 401:
            await limits.record_login_failure(account)
    if (
        request.method == "POST"
        and path.rstrip("/") == "/api/auth/logout"
        and principal is not None
        and principal.session_id
        and 200 <= status < 300
    ):
        # This gateway stops the session's access tokens now; the others learn it by the broker.
        state.verifier.revocations.revoke_session(principal.session_id, principal.expires_at)
    log.info(
        "proxied",
        method=request.method,
        path=path,
        upstream=service,
        status=status,
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return await respond(upstream, service)


async def composed(request: Request) -> Response:
    """The routes answered from more than one service (gateway/compose.py)."""
    await _principal(request)
    client_ip = request.client.host if request.client else None
    headers = upstream_request_headers(
        request.scope["headers"],
        client_ip=client_ip,
        scheme=request.scope.get("scheme", "http"),
        request_id=_request_id(request),
    )
    if request.method in ("GET", "HEAD"):
        return await profile_with_personas(request, headers)
    body = await read_small_body(request, request.app.state.settings.body_max_bytes)
    return await checkout(request, headers, body)


def server_options(settings: GatewaySettings) -> dict[str, Any]:
    """uvicorn options: believe `X-Forwarded-For`/`-Proto` from the trusted proxies only."""
    return {
        "proxy_headers": True,
        "forwarded_allow_ips": settings.trusted_proxies,
        "server_header": False,
    }


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    web = WebUI(settings.web_dist)
    swagger_dir = swagger_ui_dir()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging("gateway", settings.log_level, settings.log_json)
        telemetry.configure("gateway")  # only if OTEL_* ask for it
        verifier = TokenVerifier(settings.jwks_url, settings.jwt_issuer, settings.jwt_audience)
        upstreams = Upstreams(settings)
        rate_limits = AuthRateLimits(settings)
        runtime = AuthRuntime(settings, verifier)
        app.state.settings = settings
        app.state.verifier = verifier
        app.state.upstreams = upstreams
        app.state.rate_limits = rate_limits
        app.state.auth_runtime = runtime
        openapi_http = httpx.AsyncClient(follow_redirects=False, trust_env=False)
        app.state.openapi = OpenApiMerger(
            upstreams.urls,
            openapi_http,
            settings.openapi_cache_s,
            settings.openapi_fetch_timeout_s,
        )
        runtime.start()
        try:
            yield
        finally:
            await runtime.stop()
            await rate_limits.close()
            await upstreams.aclose()
            await openapi_http.aclose()
            compose_http = getattr(app.state, "compose_http", None)
            if compose_http is not None:
                await compose_http.aclose()
            await verifier.close()
            telemetry.shutdown()

    app = FastAPI(
        title="Personas gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    # Bodies are only counted here (the services check JSON); a body past its route's limit is
    # refused before the service reads all of it.
    app.add_middleware(
        InputGuard,
        body_limits=settings.body_limits(),
        default_limit=settings.body_max_bytes,
        check_json=False,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIdMiddleware)
    # /metrics (before the SPA's catch-all) and request timing. The gateway is public: in
    # production its /metrics answers only a scrape with GATEWAY_METRICS_TOKEN (none set: 404).
    token = settings.metrics_token or (None if settings.env != "production" else "")
    metrics.install(app, "gateway", token=token)
    install_error_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        runtime: AuthRuntime = request.app.state.auth_runtime
        checks = {
            "broker": "ok" if runtime.broker_connected else "unreachable",
            "jwks": "ok" if runtime.jwks_loaded.is_set() else "not loaded",
        }
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(await request.app.state.openapi.document())

    @app.get(ASYNCAPI_URL, include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        return JSONResponse(event_catalogue(), headers={"Cache-Control": "public, max-age=300"})

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(OPENAPI_URL, DOCS_ASSETS_URL, swagger_dir is not None))

    @app.get(DOCS_ASSETS_URL + "/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> FileResponse:
        if swagger_dir is None or name not in DOCS_ASSETS:
            raise NotFound(f"No docs asset {name}.")
        return FileResponse(
            swagger_dir / name,
            media_type=DOCS_ASSETS[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.add_route("/api/users/{username}", composed, methods=["GET"], include_in_schema=False)
    app.add_route(
        "/api/payments/create-checkout", composed, methods=["POST"], include_in_schema=False
    )
    app.add_route("/.well-known/jwks.json", proxy, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route("/api/{rest:path}", proxy, methods=PROXY_METHODS, include_in_schema=False)
    app.add_route("/api", proxy, methods=PROXY_METHODS, include_in_schema=False)

    async def spa(request: Request) -> Response:
        return await web.serve(request)

    app.add_route("/{rest:path}", spa, methods=PROXY_METHODS, include_in_schema=False)
    return app

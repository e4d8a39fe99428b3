"""The FastAPI app factory every service uses: lifespan, health, request ids, problem+json."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import metrics, telemetry
from shared.auth import RevocationList, TokenVerifier, follow_revocations
from shared.bus import Broker, Subscription
from shared.context import set_metadata
from shared.db import create_pool, ensure_database, migrate
from shared.eventstore import EventStore, Projections
from shared.guards import InputGuard, SecurityHeaders
from shared.logging import bind_contextvars, configure_logging, get_logger
from shared.mailer import Mailer
from shared.metrics import Sampler
from shared.outbox import OutboxRelay
from shared.problems import PROBLEM_JSON, Problem, problem_body
from shared.settings import ServiceSettings
from shared.streams import StreamConsumer, StreamSubscription

log = get_logger(__name__)

# How long a service keeps an idle HTTP connection open (uvicorn's `timeout_keep_alive`, set by
# `shared.cli.serve` and the test servers). The gateway lets its pooled connections go well before
# (`GATEWAY_UPSTREAM_KEEPALIVE_S`), so it never sends on a connection the service is closing.
SERVICE_KEEPALIVE_S = 20

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Where `RequestIdMiddleware` leaves the request's id in the ASGI scope (`request_id_of`).
REQUEST_ID_SCOPE_KEY = "request_id"
Hook = Callable[[FastAPI], Awaitable[None]]
Job = Callable[[FastAPI], Coroutine[Any, Any, None]]
# Builds the token verifier from the running app (identity verifies from its own key table).
VerifierFactory = Callable[[FastAPI], Awaitable[TokenVerifier]]
# Turns a domain error into the problem+json it is shown as; registered once by the app factory.
ErrorMapper = Callable[[Any], Problem]


class RequestIdMiddleware:
    """Takes a sane `X-Request-ID` or makes one; binds it to logs, event metadata and the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        bind_contextvars(request_id=request_id, correlation_id=request_id, user_id=None)
        set_metadata(correlation_id=request_id, causation_id=None, actor_id=None)
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


def request_id_of(scope: Scope) -> str | None:
    """The id `RequestIdMiddleware` gave this request (None outside it)."""
    value = scope.get(REQUEST_ID_SCOPE_KEY)
    return str(value) if value else None


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    return JSONResponse(
        problem.body(str(request.url.path) if request else None),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse(
            problem_body(
                422, "validation_error", "Invalid input", detail, errors, str(request.url.path)
            ),
            status_code=422,
            media_type=PROBLEM_JSON,
        )

    @app.exception_handler(asyncpg.DataError)
    @app.exception_handler(OverflowError)
    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        # A value PostgreSQL cannot hold (an integer over 64 bits, a date past its range, a
        # character its encoding lacks), or one Python's own arithmetic cannot go past (the day
        # after 9999-12-31): the client's input, refused before anything was written.
        log.info("input refused by the database", path=request.url.path, error=type(exc).__name__)
        detail = "A value in the request is out of the range this service can store."
        return problem_response(
            Problem(detail, code="value_out_of_range", title="Invalid value"), request
        )

    @app.exception_handler(asyncpg.PostgresConnectionError)
    @app.exception_handler(asyncpg.InterfaceError)
    @app.exception_handler(asyncpg.InternalClientError)  # a pooled connection cut mid-protocol
    @app.exception_handler(asyncpg.exceptions.AdminShutdownError)
    async def _database_gone(request: Request, exc: Exception) -> JSONResponse:
        # The connection died under the command (a terminated backend, a failover): its
        # transaction rolled back whole, so the client may simply send it again.
        log.warning("database connection lost", path=request.url.path, error=type(exc).__name__)
        detail = "The database connection was lost before the command was confirmed; try again."
        problem = Problem(
            detail,
            status=503,
            code="database_unavailable",
            title="Try again shortly",
            headers={"Retry-After": "1"},
        )
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error"
        )
        detail = str(exc.detail)
        problem = Problem(
            detail,
            status=exc.status_code,
            code=code,
            title=detail,
            headers=getattr(exc, "headers", None),
        )
        return problem_response(problem, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        detail = "An unexpected error occurred; it has been logged."
        problem = Problem(detail, status=500, code="internal_error", title="Something went wrong")
        return problem_response(problem, request)


def install_domain_errors(app: FastAPI, errors: Mapping[type[Exception], ErrorMapper]) -> None:
    """Render each domain error class through its mapper (most specific class first, as
    Starlette looks handlers up along the exception's MRO)."""
    for cls, mapper in errors.items():

        async def _handle(
            request: Request, exc: Exception, mapper: ErrorMapper = mapper
        ) -> JSONResponse:
            return problem_response(mapper(exc), request)

        app.add_exception_handler(cls, _handle)


@dataclass
class ServiceSpec:
    """What a service is made of; `create_service_app` wires it up the same way everywhere.

    - `subscriptions`: typed consumers (`shared.subscriptions.Subscription`), declared and consumed
      once the broker answers; handlers get a unit of work on this service's event store.
    - `streams`: stream-queue readers (`shared.streams.StreamSubscription`), offset kept in the
      database; their consumers are `app.state.streams` (name → `StreamConsumer`).
    - `errors`: domain error class → function making its `Problem` (the service's `errors.py`).
    - `verifier`: builds the token verifier; default: the kernel's JWKS verifier.
    - `on_start` / `on_stop`: hooks run in order after the kernel is up / before it goes down.
    - `background`: long-running coroutines started after `on_start`, cancelled at stop.
    - `body_limits`: `"METHOD /path/{param}"` → the most bytes that route accepts (default
      `guards.DEFAULT_BODY_LIMIT`, 1 MB); uploads that stream and check their own limits set theirs.
    - `metrics`: the service's own samplers `async (app)`, run with the kernel's (outbox, queue,
      DLQ and stream depths) every `METRICS_SAMPLE_S` seconds; they set gauges of
      `shared.metrics`, never per request.
    """

    name: str
    settings: ServiceSettings
    routers: Sequence[APIRouter] = ()
    migrations: Path | None = None
    projections: Projections = field(default_factory=Projections)
    subscriptions: Sequence[Subscription] = ()
    streams: Sequence[StreamSubscription] = ()
    errors: Mapping[type[Exception], ErrorMapper] = field(default_factory=dict)
    verifier: VerifierFactory | None = None
    verify_tokens: bool = True
    on_start: Sequence[Hook] = ()
    on_stop: Sequence[Hook] = ()
    background: Sequence[Job] = ()
    body_limits: Mapping[str, int] = field(default_factory=dict)
    metrics: Sequence[Sampler] = ()
    title: str | None = None
    version: str = "0.1.0"


class BusRuntime:
    """Connects to the broker in the background and keeps retrying, so a service starts and
    accepts writes (kept in its outbox) while the broker is down."""

    def __init__(self, app: FastAPI, spec: ServiceSpec, broker: Broker) -> None:
        self.app = app
        self.spec = spec
        self.broker = broker
        self.ready = asyncio.Event()

    async def run(self) -> None:
        await self.broker.connect_until_ready(self._setup)
        self.ready.set()
        log.info("broker connected", subscriptions=[s.queue for s in self.spec.subscriptions])

    async def _setup(self) -> None:
        await self.broker.declare_topology(self.spec.subscriptions)
        for sub in self.spec.subscriptions:
            await self.broker.consume(sub, self.app.state.pool, self.app.state.store)
        for consumer in self.app.state.streams.values():
            await consumer.start(self.broker)
        if self.spec.verify_tokens:
            await follow_revocations(self.broker, self.app.state.revocations)


def create_service_app(spec: ServiceSpec) -> FastAPI:
    settings = spec.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(spec.name, settings.log_level, settings.log_json)
        telemetry.configure(spec.name)  # only if OTEL_* ask for it
        if not settings.is_production:
            await ensure_database(settings.database_url)
        await migrate(settings.database_url, [spec.migrations] if spec.migrations else [])
        pool = await create_pool(settings.database_url, settings.db_pool_min, settings.db_pool_max)
        broker = Broker(
            settings.amqp_url,
            settings.bus_namespace,
            publish_timeout=settings.publish_timeout_s,
            prefetch=settings.consumer_prefetch,
            delivery_limit=settings.delivery_limit,
        )
        revocations = RevocationList()
        app.state.settings = settings
        app.state.pool = pool
        app.state.store = EventStore(spec.name, spec.projections)
        app.state.broker = broker
        app.state.revocations = revocations
        app.state.mailer = Mailer(settings.smtp_url, settings.mail_dir, settings.mail_from)
        app.state.verifier = (
            await spec.verifier(app)
            if spec.verifier is not None
            else TokenVerifier(
                settings.jwks_url, settings.jwt_issuer, settings.jwt_audience, revocations
            )
        )
        app.state.streams = {
            s.consumer: StreamConsumer(s, pool, app.state.store) for s in spec.streams
        }
        app.state.subscription_queues = [s.queue for s in spec.subscriptions]
        bus = BusRuntime(app, spec, broker)
        app.state.bus = bus
        relay = OutboxRelay(settings.database_url, broker, spec.name)
        app.state.relay = relay

        async def relay_when_connected() -> None:
            await bus.ready.wait()
            await relay.run()

        samplers = [metrics.sample_outbox, metrics.sample_queues, *spec.metrics]
        tasks = [
            asyncio.create_task(bus.run()),
            asyncio.create_task(relay_when_connected()),
            asyncio.create_task(metrics.run_sampler(app, samplers, settings.metrics_sample_s)),
        ]
        jobs: list[asyncio.Task[None]] = []
        try:
            for hook in spec.on_start:
                await hook(app)
            jobs = [asyncio.create_task(job(app)) for job in spec.background]
            yield
        finally:
            await _cancel(jobs)  # background jobs first: stop hooks close what they use
            for hook in spec.on_stop:
                with contextlib.suppress(Exception):
                    await hook(app)
            await _cancel(tasks)
            for consumer in app.state.streams.values():
                await consumer.stop()
            with contextlib.suppress(Exception):
                await broker.close()
            await app.state.verifier.close()
            await pool.close()
            telemetry.shutdown()

    app = FastAPI(
        title=spec.title or f"{spec.name} service",
        version=spec.version,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(InputGuard, body_limits=spec.body_limits)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIdMiddleware)
    metrics.install(app, spec.name)  # /metrics; request timing and tracing, outermost
    install_error_handlers(app)
    install_domain_errors(app, spec.errors)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, str] = {}
        pool: asyncpg.Pool = request.app.state.pool
        try:
            async with pool.acquire(timeout=2) as conn:
                await conn.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception:
            checks["database"] = "unreachable"
        # Ready once the topology is declared and the consumers run: a replica taking traffic
        # before then could see events published for queues that do not exist yet.
        conn_ = request.app.state.broker.connection
        bus = getattr(request.app.state, "bus", None)
        connected = conn_ is not None and not conn_.is_closed
        if not connected:
            checks["broker"] = "unreachable"
        elif bus is not None and not bus.ready.is_set():
            checks["broker"] = "starting"
        else:
            checks["broker"] = "ok"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    for router in spec.routers:
        app.include_router(router)
    return app


async def _cancel(tasks: Sequence[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def get_store(request: Request) -> EventStore:
    store: EventStore = request.app.state.store
    return store

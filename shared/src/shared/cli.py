"""The command line every service shares: serve, migrate, rebuild-projections, export-events.

A service's `__main__` calls `run_cli(build_spec)`; `build_spec()` returns its `ServiceSpec`.
A service adds its own commands with `commands={"name": Command(help, run, arguments)}`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

import uvicorn

from shared.db import create_pool, ensure_database, migrate
from shared.eventstore import EventStore
from shared.http import SERVICE_KEEPALIVE_S, ServiceSpec
from shared.logging import configure_logging
from shared.metrics import prepare_multiprocess


async def _migrate(spec: ServiceSpec) -> None:
    if not spec.settings.is_production:
        await ensure_database(spec.settings.database_url)
    applied = await migrate(
        spec.settings.database_url, [spec.migrations] if spec.migrations else []
    )
    print(f"{spec.name}: {len(applied)} migration(s) applied")


async def _rebuild(spec: ServiceSpec) -> None:
    await _migrate(spec)
    pool = await create_pool(spec.settings.database_url)
    try:
        count = await EventStore(spec.name, spec.projections).rebuild_projections(pool)
    finally:
        await pool.close()
    print(f"{spec.name}: projections rebuilt from {count} event(s)")


async def export_events(spec: ServiceSpec, out: TextIO, after: int = 0, batch: int = 1000) -> int:
    """Write the service's `events` table as JSON lines of envelopes (the bus format, with
    `global_position`), oldest first: how a stream reader bootstraps history the stream lost."""
    pool = await create_pool(spec.settings.database_url, max_size=2)
    store = EventStore(spec.name)
    count = 0
    try:
        async with pool.acquire() as conn:
            while True:
                envelopes = await store.read_all(conn, after, batch)
                if not envelopes:
                    return count
                for envelope in envelopes:
                    out.write(envelope.model_dump_json() + "\n")
                count += len(envelopes)
                after = envelopes[-1].global_position or after
    finally:
        await pool.close()


async def _export(spec: ServiceSpec, args: argparse.Namespace) -> None:
    if args.output == "-":
        count = await export_events(spec, sys.stdout, args.after)
    else:
        with open(args.output, "w", encoding="utf-8") as out:  # noqa: ASYNC230 (a CLI, nothing else runs)
            count = await export_events(spec, out, args.after)
    print(f"{spec.name}: {count} event(s) exported", file=sys.stderr)


@dataclass(frozen=True)
class Command:
    """A service's own subcommand: `run(spec, args)`; `arguments(parser)` declares its options."""

    help: str
    run: Callable[[ServiceSpec, argparse.Namespace], Coroutine[Any, Any, None]]
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


def workers() -> int:
    """`WEB_CONCURRENCY` (as uvicorn's own command line reads it): processes serving one port."""
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    return max(1, int(value)) if value.isdigit() else 1


def serve(factory: str, host: str, port: int, **options: Any) -> None:
    """Serve the app that `factory` ("package.module:function", no arguments) builds, in
    `workers()` processes. Background work stays correct with several: the outbox relay is
    elected and consumers are inbox-guarded, as with several replicas."""
    count = workers()
    options = {"log_level": "warning", "timeout_keep_alive": SERVICE_KEEPALIVE_S, **options}
    prepare_multiprocess(count)  # /metrics merges every worker's values
    if count > 1:
        uvicorn.run(factory, factory=True, workers=count, host=host, port=port, **options)
        return
    module, _, name = factory.partition(":")
    uvicorn.run(getattr(importlib.import_module(module), name)(), host=host, port=port, **options)


def run_cli(
    build_spec: Callable[[], ServiceSpec],
    default_port: int,
    commands: Mapping[str, Command] | None = None,
) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {build_spec.__module__.split('.')[0]}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="run the HTTP service")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=default_port)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("rebuild-projections", help="rebuild every read model from the event store")
    export = sub.add_parser("export-events", help="write the events table as JSON lines")
    export.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
    export.add_argument("--after", type=int, default=0, help="only events after this position")
    for name, command in (commands or {}).items():
        own = sub.add_parser(name, help=command.help)
        if command.arguments is not None:
            command.arguments(own)
    args = parser.parse_args()
    spec = build_spec()
    configure_logging(spec.name, spec.settings.log_level, spec.settings.log_json)
    if args.command == "serve":
        # The app module's `create_app()` builds the same app as `create_service_app(spec)`.
        serve(f"{build_spec.__module__}:create_app", args.host, args.port, proxy_headers=True)
    elif args.command == "migrate":
        asyncio.run(_migrate(spec))
    elif args.command == "export-events":
        asyncio.run(_export(spec, args))
    elif commands and args.command in commands:
        asyncio.run(commands[args.command].run(spec, args))
    else:
        asyncio.run(_rebuild(spec))
    return 0

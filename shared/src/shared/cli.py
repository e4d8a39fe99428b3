"""The command line every service shares: serve, migrate, rebuild-projections.

A service's `__main__` calls `run_cli(build_spec)`; `build_spec()` returns its `ServiceSpec`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
from collections.abc import Callable
from typing import Any

import uvicorn

from shared.db import create_pool, ensure_database, migrate
from shared.eventstore import EventStore
from shared.http import ServiceSpec
from shared.logging import configure_logging


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


def workers() -> int:
    """`WEB_CONCURRENCY` (as uvicorn's own command line reads it): processes serving one port."""
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    return max(1, int(value)) if value.isdigit() else 1


def serve(factory: str, host: str, port: int, **options: Any) -> None:
    """Serve the app that `factory` ("package.module:function", no arguments) builds, in
    `workers()` processes. Background work stays correct with several: the outbox relay is
    elected and consumers are inbox-guarded, as with several replicas."""
    count = workers()
    options = {"log_level": "warning", **options}
    if count > 1:
        uvicorn.run(factory, factory=True, workers=count, host=host, port=port, **options)
        return
    module, _, name = factory.partition(":")
    uvicorn.run(getattr(importlib.import_module(module), name)(), host=host, port=port, **options)


def run_cli(build_spec: Callable[[], ServiceSpec], default_port: int) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {build_spec.__module__.split('.')[0]}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="run the HTTP service")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=default_port)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("rebuild-projections", help="rebuild every read model from the event store")
    args = parser.parse_args()
    spec = build_spec()
    configure_logging(spec.name, spec.settings.log_level, spec.settings.log_json)
    if args.command == "serve":
        # The app module's `create_app()` builds the same app as `create_service_app(spec)`.
        serve(f"{build_spec.__module__}:create_app", args.host, args.port, proxy_headers=True)
    elif args.command == "migrate":
        asyncio.run(_migrate(spec))
    else:
        asyncio.run(_rebuild(spec))
    return 0

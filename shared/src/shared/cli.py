"""The command line every service shares: serve, migrate, rebuild-projections.

A service's `__main__` calls `run_cli(build_spec)`; `build_spec()` returns its `ServiceSpec`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

import uvicorn

from shared.db import create_pool, ensure_database, migrate
from shared.eventstore import EventStore
from shared.http import ServiceSpec, create_service_app
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


def run_cli(build_spec: Callable[[], ServiceSpec], default_port: int) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {build_spec.__module__.split('.')[0]}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("rebuild-projections", help="rebuild every read model from the event store")
    args = parser.parse_args()
    spec = build_spec()
    configure_logging(spec.name, spec.settings.log_level, spec.settings.log_json)
    if args.command == "serve":
        uvicorn.run(
            create_service_app(spec),
            host=args.host,
            port=args.port,
            log_level="warning",
            proxy_headers=True,
        )
    elif args.command == "migrate":
        asyncio.run(_migrate(spec))
    else:
        asyncio.run(_rebuild(spec))
    return 0

"""`python -m gateway serve [--host --port]`."""

from __future__ import annotations

import argparse
import sys

import uvicorn
from shared.logging import configure_logging

from gateway.app import create_app, server_options
from gateway.settings import GatewaySettings


def main(argv: list[str] | None = None) -> int:
    settings = GatewaySettings()
    parser = argparse.ArgumentParser(prog="python -m gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API gateway")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args(argv)
    configure_logging("gateway", settings.log_level, settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level="warning",
        **server_options(settings),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

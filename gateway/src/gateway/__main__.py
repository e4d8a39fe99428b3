"""`python -m gateway serve [--host --port]`."""

from __future__ import annotations

import argparse
import sys

from shared.cli import serve as serve_app
from shared.logging import configure_logging

from gateway.app import server_options
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
    # `WEB_CONCURRENCY=N`: N processes on the port (each with its own pool and key cache).
    serve_app("gateway.app:create_app", args.host, args.port, **server_options(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())

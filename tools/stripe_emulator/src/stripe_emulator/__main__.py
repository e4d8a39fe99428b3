"""`python -m stripe_emulator [--host H] [--port P]`; everything else comes from the env."""

from __future__ import annotations

import argparse
import os

import uvicorn

from .app import create_app
from .settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="stripe_emulator", description="Local Stripe API emulator"
    )
    parser.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=None, help="port (default $STRIPE_EMULATOR_PORT or 12111)"
    )
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    if args.port is not None:
        env["STRIPE_EMULATOR_PORT"] = str(args.port)
    if args.host is not None:
        env["STRIPE_EMULATOR_HOST"] = args.host
    settings = Settings.from_env(env)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=args.log_level
    )


if __name__ == "__main__":
    main()

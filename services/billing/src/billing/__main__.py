"""`python -m billing serve|migrate|rebuild-projections`."""

from __future__ import annotations

from shared.cli import run_cli

from billing.app import build_spec

DEFAULT_PORT = 8003

if __name__ == "__main__":
    raise SystemExit(run_cli(build_spec, DEFAULT_PORT))

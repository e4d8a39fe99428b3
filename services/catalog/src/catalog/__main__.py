"""`python -m catalog serve|migrate|rebuild-projections`."""

from __future__ import annotations

import sys

from shared.cli import run_cli

from catalog.app import build_spec


def main() -> int:
    return run_cli(build_spec, default_port=8002)


if __name__ == "__main__":
    sys.exit(main())

"""`python -m catalog serve|migrate|rebuild-projections|seed --count N`."""

from __future__ import annotations

import sys

from shared.cli import run_cli

from catalog.app import build_spec


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        from catalog.seed import main as seed_main

        return seed_main(sys.argv[2:])
    return run_cli(build_spec, default_port=8002)


if __name__ == "__main__":
    sys.exit(main())

import sys

from shared.cli import run_cli

from generation.app import build_spec

if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        from generation.worker import main

        raise SystemExit(main(sys.argv[2:]))
    raise SystemExit(run_cli(build_spec, default_port=8007))

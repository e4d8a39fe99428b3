from shared.cli import run_cli

from notifications.app import build_spec

if __name__ == "__main__":
    raise SystemExit(run_cli(build_spec, default_port=8006))

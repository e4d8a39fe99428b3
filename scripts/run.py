"""`make run`: every component of the platform on this machine, in one terminal.

Writes a Procfile for the services that exist (plus the gateway and the local Stripe emulator)
and hands it to honcho, which prefixes each line with its process name and stops them all on
Ctrl-C. PostgreSQL and RabbitMQ are started beforehand by scripts/services.sh; each service
creates its own database and applies its migrations at start-up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = {
    "identity": 8001,
    "catalog": 8002,
    "billing": 8003,
    "payouts": 8004,
    "analytics": 8005,
    "notifications": 8006,
    "generation": 8007,
}
EMULATOR_PORT = 12111
# The generation worker serves no HTTP: its /metrics has a port of its own.
WORKER_METRICS_PORT = 8017


def procfile() -> str:
    lines = []
    for name, port in PORTS.items():
        if (ROOT / "services" / name / "pyproject.toml").exists():
            lines.append(f"{name}: python -m {name} serve --port {port}")
    if (ROOT / "services" / "generation" / "pyproject.toml").exists():
        # batch items and schedules run apart from the API process
        lines.append("generation-worker: python -m generation worker")
    gateway_port = int(os.environ.get("GATEWAY_PORT", "8000"))
    lines.append(f"gateway: python -m gateway serve --port {gateway_port}")
    if (ROOT / "tools" / "stripe_emulator" / "pyproject.toml").exists() and not os.environ.get(
        "STRIPE_API_KEY", ""
    ).startswith("sk_live"):
        lines.append(f"stripe: python -m stripe_emulator --port {EMULATOR_PORT}")
    return "\n".join(lines) + "\n"


def environment() -> dict[str, str]:
    gateway = f"http://localhost:{os.environ.get('GATEWAY_PORT', '8000')}"
    env = {
        "APP_ENV": "development",
        "PUBLIC_URL": gateway,
        "MAIL_DIR": str(ROOT / ".run" / "mail"),
        "CATALOG_BLOB_DIR": str(ROOT / ".run" / "blobs"),
        "JWKS_URL": f"http://localhost:{PORTS['identity']}/.well-known/jwks.json",
        "STRIPE_API_BASE": f"http://localhost:{EMULATOR_PORT}",
        "STRIPE_EMULATOR_PUBLIC_URL": f"http://localhost:{EMULATOR_PORT}",
        "STRIPE_EMULATOR_WEBHOOK_URLS": f"{gateway}/api/payments/webhook,{gateway}/api/payouts/webhook",
        "PYTHONUNBUFFERED": "1",
        "GENERATION_WORKER_METRICS_PORT": str(WORKER_METRICS_PORT),
    }
    env.update(os.environ)  # anything the operator set wins
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def metrics_endpoints(env: dict[str, str]) -> list[tuple[str, str]]:
    """(process, its /metrics URL) for every process `procfile()` starts that has one."""
    found = [("gateway", f"{env['PUBLIC_URL']}/metrics")]
    for name, port in PORTS.items():
        if (ROOT / "services" / name / "pyproject.toml").exists():
            found.append((name, f"http://localhost:{port}/metrics"))
    if (ROOT / "services" / "generation" / "pyproject.toml").exists():
        port = env.get("GENERATION_WORKER_METRICS_PORT", str(WORKER_METRICS_PORT))
        found.append(("generation-worker", f"http://localhost:{port}/metrics"))
    return found


def metrics_banner(env: dict[str, str]) -> str:
    lines = ["  Prometheus metrics (deploy/observability/prometheus.yml scrapes them all):"]
    lines += [f"    {name:<18} {url}" for name, url in metrics_endpoints(env)]
    return "\n".join(lines)


def announce_when_ready(url: str, banner: str = "") -> None:
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310
                break
        except OSError:
            time.sleep(0.5)
    print(
        f"\n  Personas is running: open {url}\n{banner}\n  (Ctrl-C stops everything)\n",
        flush=True,
    )
    opener = shutil.which("xdg-open")
    if opener and os.environ.get("DISPLAY"):
        subprocess.Popen([opener, url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    run_dir = ROOT / ".run"
    run_dir.mkdir(exist_ok=True)
    proc = run_dir / "Procfile"
    proc.write_text(procfile())
    env = environment()
    url = env["PUBLIC_URL"]
    banner = metrics_banner(env)
    threading.Thread(target=announce_when_ready, args=(url, banner), daemon=True).start()
    honcho = ROOT / ".venv" / "bin" / "honcho"
    runner = subprocess.Popen([str(honcho), "start", "-f", str(proc), "-d", str(ROOT)], env=env)

    # Ctrl-C reaches every process in the terminal's group; a `kill` or a closed session reaches
    # only us, so pass it on: honcho then stops every service it started.
    def forward(signum: int, _frame: object) -> None:
        runner.send_signal(signal.SIGTERM)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    while True:
        try:
            return runner.wait()
        except KeyboardInterrupt:
            continue  # honcho got the same Ctrl-C and is stopping its processes


if __name__ == "__main__":
    sys.exit(main())

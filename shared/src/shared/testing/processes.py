"""A service's own process (`python -m <service> <command>`) for a test that needs a real one:
a worker to SIGKILL, a server to restart."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal


@contextmanager
def service_process(
    service: str,
    *command: str,
    env: Mapping[str, str],
    log: str | None = None,
    stop: Literal["kill", "terminate"] = "kill",
    wait_s: float = 20,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run it with `APP_ENV=test` and `env` over this process's environment, its output
    discarded (stderr appended to `log` when given); stopped at the end if still running."""
    with open(log or os.devnull, "ab") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", service, *command],
            env={**os.environ, "APP_ENV": "test", **env},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None and stop == "kill":
                proc.kill()
            elif proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=wait_s)

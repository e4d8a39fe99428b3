#!/usr/bin/env python3
"""`healthcheck URL`: exit 0 when URL answers 2xx within a few seconds, else 1.
`healthcheck --file PATH MAX_AGE_S`: exit 0 when PATH was touched less than MAX_AGE_S ago, else 1
(processes without an HTTP port, such as `python -m generation worker`, touch a heartbeat file).

The slim image has no curl; compose health checks (and operators, with `exec`) call this. On
failure it prints the status and the start of the body (`/readyz` names the failing check).
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request


def fresh(path: str, max_age: str) -> int:
    try:
        age = time.time() - os.stat(path).st_mtime
    except OSError as exc:
        print(f"unhealthy: no heartbeat ({exc})", file=sys.stderr)
        return 1
    if age > float(max_age):
        print(f"unhealthy: heartbeat {age:.0f}s old (limit {max_age}s)", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "--file":
        try:
            return fresh(argv[2], argv[3])
        except ValueError:
            print("usage: healthcheck --file PATH MAX_AGE_SECONDS", file=sys.stderr)
            return 2
    if len(argv) != 2 or not argv[1].startswith(("http://", "https://")):
        print(
            "usage: healthcheck http://127.0.0.1:PORT/readyz | --file PATH MAX_AGE_S",
            file=sys.stderr,
        )
        return 2
    try:
        with urllib.request.urlopen(argv[1], timeout=4) as response:  # noqa: S310 (scheme checked)
            return 0 if 200 <= response.status < 300 else 1
    except urllib.error.HTTPError as exc:
        body = exc.read(500).decode("utf-8", "replace")
        print(f"unhealthy: HTTP {exc.code} {body}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env bash
# Installs what the project needs, skipping what is already done (a stamp keyed by the lock files).
# Used by `make setup`, `make run`, `make test` and CI.
set -euo pipefail
cd "$(dirname "$0")/.."

export UV_PYTHON_DOWNLOADS=never UV_PYTHON="${UV_PYTHON:-python3.11}"
stamp=.run/setup-done
want=$( (cat uv.lock web/package-lock.json scripts/setup.sh 2>/dev/null; ls services tools) | sha256sum | cut -d' ' -f1)
# The web build has its own stamp: a change to the UI's sources rebuilds it, nothing else.
web_stamp=.run/web-build-done
web_want=$( (find web/src web/public web/index.html web/vite.config.ts web/package-lock.json -type f 2>/dev/null | sort | xargs -r sha256sum) | sha256sum | cut -d' ' -f1)
web_fresh() { [ ! -f web/package.json ] || { [ -f "$web_stamp" ] && [ "$(cat "$web_stamp")" = "$web_want" ] && [ -f web/dist/index.html ]; }; }
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/python ]; then
  if ! web_fresh; then
    echo "==> web UI changed: rebuilding"
    (cd web && npm run build --silent)
    echo "$web_want" > "$web_stamp"
  fi
  exit 0
fi
mkdir -p .run

if ! command -v uv >/dev/null 2>&1; then
  echo "==> installing uv (from PyPI)"
  python3.11 -m pip install --quiet uv
fi

echo "==> Python workspace (uv sync)"
uv sync --all-packages --frozen --quiet

# Debian packages the tests and the local run need (only as root, only when missing).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)  # make bench's load generator
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # promtool checks deploy/observability; a local Prometheus
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -qq
    pkgs=()
    for p in "${missing[@]}"; do
      if [ "$p" = kubectl ] && ! apt-cache show kubectl >/dev/null 2>&1; then
        pkgs+=(kubernetes-client)
      else
        pkgs+=("$p")
      fi
    done
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  else
    echo "!! not root: install these Debian packages yourself: ${missing[*]}" >&2
  fi
fi

if [ -f web/package.json ]; then
  echo "==> web UI (npm ci, build)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
  echo "$web_want" > "$web_stamp"
fi

echo "$want" > "$stamp"
echo "==> setup done"

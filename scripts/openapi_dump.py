"""Write the gateway's merged OpenAPI document without running any server.

Each service's app is built in-process and asked for its document; the gateway's own merge
function joins them, exactly as `/api/openapi.json` does at run time. The web client's types
(`web/src/api/schema.d.ts`) are generated from the written file: `make openapi` runs both steps.

    uv run --frozen python scripts/openapi_dump.py [OUT]   # default: web/openapi.json
"""

from __future__ import annotations

import importlib
import json
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from gateway.openapi import merge_documents
from gateway.settings import SERVICES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "web" / "openapi.json"


def service_document(service: str) -> dict[str, Any]:
    # Building an app opens no connection: the lifespan (never entered here) does that.
    app = importlib.import_module(f"{service}.app").create_app()
    document: dict[str, Any] = app.openapi()
    return document


def merged_document() -> dict[str, Any]:
    # The routing table also names services not built yet; they have no routes to document.
    built = [s for s in SERVICES if find_spec(s) is not None]
    return merge_documents({s: service_document(s) for s in built}, [])


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out.write_text(render(merged_document()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

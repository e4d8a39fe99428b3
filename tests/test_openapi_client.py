"""The web client's committed OpenAPI document matches the services' current OpenAPI.

`web/openapi.json` is generated (`make openapi`) and committed; the TypeScript types
(`web/src/api/schema.d.ts`) are generated from it before every web build, lint and test. When a
service changes a route or a view model, this test fails until the document is regenerated, so
the browser client never compiles against a schema the backend no longer serves.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
GENERATOR = WEB / "node_modules" / ".bin" / "openapi-typescript"
HINT = "the generated web client is stale: run `make openapi` and commit the result"


def _load_dump_script() -> ModuleType:  # scripts/ is not a package
    spec = importlib.util.spec_from_file_location(
        "openapi_dump", ROOT / "scripts" / "openapi_dump.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_openapi_document_is_current() -> None:
    dump = _load_dump_script()
    current = dump.render(dump.merged_document())
    committed = (WEB / "openapi.json").read_text(encoding="utf-8")
    assert committed == current, HINT

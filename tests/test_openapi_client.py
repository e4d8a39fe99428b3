"""The web client's committed API types match the services' current OpenAPI.

`web/openapi.json` and `web/src/api/schema.d.ts` are generated (`make openapi`); when a service
changes a route or a view model, this test fails until they are regenerated, so the browser
client never compiles against a schema the backend no longer serves.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

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


def test_committed_schema_types_are_generated_from_the_document(tmp_path: Path) -> None:
    if shutil.which("node") is None or not GENERATOR.exists():
        pytest.fail("web dependencies are missing: run `make setup` (npm ci in web/)")
    out = tmp_path / "schema.d.ts"
    subprocess.run(
        [str(GENERATOR), "openapi.json", "--output", str(out)],
        cwd=WEB,
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = (WEB / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert committed == out.read_text(encoding="utf-8"), HINT

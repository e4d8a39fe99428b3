"""One OpenAPI document for the whole platform, merged from the services' own.

Each service serves `/openapi.json` with its routes at their full public paths, so paths merge
as they are. A path is taken only from the service the routing table sends it to (what the
document promises is what the gateway does). Component schemas with the same name and the same
content are shared; a clash with different content is renamed `<service>__<Name>` in that
service's part, references included. Services that do not answer are listed under
`x-unavailable-services` and the rest is served; the result is cached for a short while.
"""

from __future__ import annotations

import asyncio
import copy
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import httpx
from shared.logging import get_logger

from gateway.routing import service_for

log = get_logger(__name__)

REF_PREFIX = "#/components/schemas/"
TITLE = "Personas API"
# Cache misses are retried sooner while a service is down.
DEGRADED_TTL_S = 5.0


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX):
                name = value[len(REF_PREFIX) :]
                out[key] = REF_PREFIX + renames.get(name, name)
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


def merge_documents(documents: dict[str, dict[str, Any]], unavailable: list[str]) -> dict[str, Any]:
    """Merge the services' documents (`{service: document}`) into one."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": "1.0.0",
            "description": "Every public route of the platform, served through the gateway. "
            "Authenticate with `Authorization: Bearer <access token>` from `POST /api/auth/login`.",
        },
        "paths": {},
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
        "tags": [],
    }
    components: dict[str, dict[str, Any]] = merged["components"]
    seen_tags: set[str] = set()
    for service in sorted(documents):
        doc = documents[service]
        src_components: dict[str, Any] = doc.get("components") or {}
        renames: dict[str, str] = {}
        for name, schema in (src_components.get("schemas") or {}).items():
            existing = components.get("schemas", {}).get(name)
            if existing is not None and existing != schema:
                renames[name] = f"{service}__{name}"
        doc = _rewrite_refs(doc, renames) if renames else copy.deepcopy(doc)
        for section, entries in (doc.get("components") or {}).items():
            target = components.setdefault(section, {})
            for name, value in (entries or {}).items():
                target.setdefault(renames.get(name, name) if section == "schemas" else name, value)
        for path, item in (doc.get("paths") or {}).items():
            if service_for(path) != service:
                continue
            merged["paths"][path] = item
        for tag in doc.get("tags") or []:
            if isinstance(tag, dict) and tag.get("name") not in seen_tags:
                seen_tags.add(tag["name"])
                merged["tags"].append(tag)
    merged["paths"] = dict(sorted(merged["paths"].items()))
    declare_contract(merged)
    merged["x-services"] = sorted(documents)
    if unavailable:
        merged["x-unavailable-services"] = sorted(unavailable)
    if not merged["tags"]:
        del merged["tags"]
    return merged


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details with a stable `code`.",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PROBLEM = {"application/problem+json": {"schema": {"$ref": REF_PREFIX + "Problem"}}}
# What every list and keyset parameter accepts (shared/pagination.py), whatever a service wrote.
PARAMETER_RULES: dict[str, dict[str, Any]] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    "cursor": {"type": "string", "maxLength": 1024, "pattern": "^[A-Za-z0-9_-]*$"},
}
PROFILE = "/api/users/{username}"


def _json_schema(operation: dict[str, Any] | None) -> Any:
    try:
        return operation["responses"]["200"]["content"]["application/json"]["schema"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None


def declare_contract(merged: dict[str, Any]) -> None:
    """What the gateway and the kernel guarantee beyond the services' own documents: errors are
    problem+json (any 4xx may come from the gateway or the kernel's guards), the list parameters'
    constraints, and the profile the gateway composes (gateway/compose.py)."""
    merged["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for item in merged["paths"].values():
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if str(status)[0] in "45" and isinstance(response, dict):
                    response["content"] = PROBLEM
            responses.setdefault("4XX", {"description": "Refused", "content": PROBLEM})
            for param in operation.get("parameters", []):
                rule = PARAMETER_RULES.get(param.get("name", ""))
                if rule is not None and param.get("in") == "query":
                    schema = param.setdefault("schema", {})
                    schema.pop("anyOf", None)  # `str | None` → the non-null form with its rules
                    schema.update(rule)
    profile = merged["paths"].get(PROFILE, {}).get("get")
    personas = _json_schema(merged["paths"].get(PROFILE + "/personas", {}).get("get"))
    own = _json_schema(profile)
    if profile is not None and own is not None and personas is not None:
        extra = {
            "type": "object",
            "required": ["personas"],
            "properties": {"personas": {"anyOf": [personas, {"type": "null"}]}},
        }
        profile["responses"]["200"]["content"]["application/json"]["schema"] = {
            "allOf": [own, extra]
        }


class OpenApiMerger:
    def __init__(
        self, urls: dict[str, str], client: httpx.AsyncClient, ttl: float, timeout: float
    ) -> None:
        self.urls = urls
        self.client = client
        self.ttl = ttl
        self.timeout = timeout
        self._cached: dict[str, Any] | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def _fetch(self, service: str) -> dict[str, Any] | None:
        try:
            resp = await self.client.get(f"{self.urls[service]}/openapi.json", timeout=self.timeout)
            resp.raise_for_status()
            doc = resp.json()
            return doc if isinstance(doc, dict) else None
        except (httpx.HTTPError, ValueError) as exc:
            log.info("OpenAPI of a service not available", upstream=service, error=repr(exc))
            return None

    async def document(self) -> dict[str, Any]:
        async with self._lock:  # one fetch at a time; the others get its result
            if self._cached is not None and time.monotonic() < self._expires:
                return self._cached
            services = sorted(self.urls)
            results = await asyncio.gather(*(self._fetch(s) for s in services))
            documents = {s: d for s, d in zip(services, results, strict=True) if d is not None}
            unavailable = [s for s, d in zip(services, results, strict=True) if d is None]
            self._cached = merge_documents(documents, unavailable)
            ttl = self.ttl if not unavailable else min(self.ttl, DEGRADED_TTL_S)
            self._expires = time.monotonic() + ttl
            return self._cached


# --- the docs page --------------------------------------------------------------------------

# Swagger UI 5 (OpenAPI 3.1) from the `swagger-ui-py` wheel, so the docs work offline.
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}


def swagger_ui_dir() -> Path | None:
    spec = find_spec("swagger_ui")  # located without importing it (its import pulls in plugins)
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


def docs_page(openapi_url: str, assets_url: str, bundled: bool) -> str:
    if not bundled:
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE}</title></head>
<body><h1>{TITLE}</h1><p>The interactive docs are not installed here. The OpenAPI document is at
<a href="{openapi_url}">{openapi_url}</a>.</p></body></html>"""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{TITLE}</title>
  <link rel="icon" type="image/png" href="{assets_url}/favicon-32x32.png">
  <link rel="stylesheet" href="{assets_url}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{assets_url}/swagger-ui-bundle.js"></script>
  <script src="{assets_url}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{openapi_url}",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "BaseLayout"
    }});
  </script>
</body>
</html>"""

"""A persona's access rules and its files turned into the system prompt.

The convention (also in the README): a version may carry a manifest, `persona.json` or
`manifest.json` at its root, naming its parts:

    {"prompt": "prompt.md", "style": ["style.md"], "examples": ["examples/post1.md"]}

Without one, files are recognised by name: the prompt is `prompt.*`, `system.*` or `persona.*`;
style is `style.*`, `voice.*` or `tone.*`; examples are files under `examples/` or `samples/` or
named `example*`/`sample*`. If nothing matches, every text file is used in path order. The
system prompt is the prompt, then "Style", then "Examples", cut to a maximum length (examples
go first). Files are read from catalog's internal endpoint and cached by their sha256.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import asyncpg
import httpx
from shared.telemetry import current_traceparent

from generation.errors import NoAccess, PersonaUnavailable

TEXT_TYPES = {"text/plain", "text/markdown", "application/json", "application/yaml", "text/csv"}
MANIFESTS = ("persona.json", "manifest.json")
MAX_FILE_CHARS = 50_000


@dataclass(frozen=True)
class Access:
    persona_id: str
    name: str
    creator_id: str
    version: str | None
    full: bool  # owner or entitled: may see the prompt; else a try-out (output only)


async def access(
    conn: asyncpg.Connection | asyncpg.Pool, persona_id: str, user_id: str
) -> tuple[Access | None, bool]:
    """(access or None, whether try-outs are allowed for this persona)."""
    row = await conn.fetchrow(
        "SELECT p.*, EXISTS (SELECT 1 FROM entitlement_grants g WHERE g.persona_id = p.persona_id"
        " AND g.user_id = $2 AND NOT g.revoked) AS entitled"
        " FROM personas p WHERE p.persona_id = $1",
        persona_id,
        user_id,
    )
    if row is None:
        return None, False
    full = row["creator_id"] == user_id or row["entitled"]
    acc = Access(persona_id, row["name"], row["creator_id"], row["latest_version"], full)
    return (acc if full else None), bool(row["tryouts"]) and not row["deleted"]


async def require_full_access(pool: asyncpg.Pool, persona_id: str, user_id: str) -> Access:
    acc, _ = await access(pool, persona_id, user_id)
    if acc is None:
        raise NoAccess("You can generate with a persona once you own it.")
    return acc


class CatalogFiles:
    """Reads version file lists and files from catalog (service credential), caching both."""

    def __init__(self, pool: asyncpg.Pool, base_url: str, token: str) -> None:
        self.pool = pool
        self.http = httpx.AsyncClient(
            base_url=base_url, headers={"X-Service-Token": token}, timeout=10.0
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def _get(self, path: str) -> httpx.Response:
        try:
            # catalog's request span continues this trace (nothing is added when tracing is off)
            r = await self.http.get(path, headers=current_traceparent())
        except httpx.HTTPError as exc:
            raise PersonaUnavailable("The persona's files cannot be read right now.") from exc
        if r.status_code != 200:
            raise PersonaUnavailable("The persona's files cannot be read right now.")
        return r

    async def files(self, persona_id: str, version: str | None) -> tuple[str, list[dict[str, Any]]]:
        if version:
            cached = await self.pool.fetchval(
                "SELECT files FROM persona_versions WHERE persona_id = $1 AND version = $2",
                persona_id,
                version,
            )
            if cached is not None:
                return version, list(cached)
        r = await self._get(f"/internal/personas/{persona_id}/versions/{version or 'latest'}")
        body = r.json()
        await self.pool.execute(
            "INSERT INTO persona_versions (persona_id, version, files) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            persona_id,
            body["version"],
            body["files"],
        )
        return body["version"], body["files"]

    async def text(self, persona_id: str, version: str, f: dict[str, Any]) -> str:
        sha = f["sha256"]
        cached = await self.pool.fetchval("SELECT content FROM file_cache WHERE sha256 = $1", sha)
        if cached is not None:
            return str(cached)
        r = await self._get(f"/internal/personas/{persona_id}/versions/{version}/files/{sha}")
        content = r.content.decode("utf-8", "replace")[:MAX_FILE_CHARS]
        await self.pool.execute(
            "INSERT INTO file_cache (sha256, content) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            sha,
            content,
        )
        return content

    async def system_prompt(
        self, persona_id: str, version: str | None, max_chars: int
    ) -> tuple[str, str]:
        """(version used, system prompt)."""
        version, files = await self.files(persona_id, version)
        texts = [f for f in files if f.get("content_type") in TEXT_TYPES]
        by_path = {f["path"]: f for f in texts}
        parts = await self._manifest_parts(persona_id, version, by_path)
        if parts is None:
            parts = by_name(list(by_path))
        read = {}
        for path in dict.fromkeys(p for group in parts.values() for p in group):
            if path in by_path:
                read[path] = await self.text(persona_id, version, by_path[path])
        return version, compose(parts, read, max_chars)

    async def _manifest_parts(
        self, persona_id: str, version: str, by_path: dict[str, dict[str, Any]]
    ) -> dict[str, list[str]] | None:
        name = next((m for m in MANIFESTS if m in by_path), None)
        if name is None:
            return None
        try:
            manifest = json.loads(await self.text(persona_id, version, by_path[name]))
        except ValueError:
            return None
        if not isinstance(manifest, dict) or not any(
            k in manifest for k in ("prompt", "style", "examples")
        ):
            return None  # e.g. catalog's own download manifest: fall back to names

        def paths(value: Any) -> list[str]:
            items = value if isinstance(value, list) else [value] if value else []
            return [str(p) for p in items if isinstance(p, str)]

        return {k: paths(manifest.get(k)) for k in ("prompt", "style", "examples")}


def _kind(path: str) -> str | None:
    p = PurePosixPath(path)
    stem = p.stem.lower()
    folders = {part.lower() for part in p.parts[:-1]}
    if folders & {"examples", "example", "samples", "sample"} or stem.startswith(
        ("example", "sample")
    ):
        return "examples"
    if stem.startswith(("prompt", "system", "persona")) and p.name not in MANIFESTS:
        return "prompt"
    if stem.startswith(("style", "voice", "tone")):
        return "style"
    return None


def by_name(paths: list[str]) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {"prompt": [], "style": [], "examples": []}
    for path in sorted(paths):
        kind = _kind(path)
        if kind:
            parts[kind].append(path)
    if not any(parts.values()):
        parts["prompt"] = sorted(p for p in paths if p not in MANIFESTS)
    return parts


def compose(parts: dict[str, list[str]], texts: dict[str, str], max_chars: int) -> str:
    def joined(kind: str) -> str:
        return "\n\n".join(texts[p].strip() for p in parts.get(kind, []) if p in texts)

    prompt, style = joined("prompt"), joined("style")
    out = prompt
    if style:
        out += "\n\n## Style\n" + style
    out = out[:max_chars]
    examples = joined("examples")
    if examples and len(out) + 20 < max_chars:
        out += ("\n\n## Examples\n" + examples)[: max_chars - len(out)]
    return out.strip()

"""What leaves the blob store: streamed zip downloads and text previews of sample files."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from zipstream import ZipStream

from catalog.blobs import BlobStore
from catalog.commands import DownloadPlan
from catalog.filetypes import IMAGE_TYPES, TEXT_TYPES

_SAMPLE_DIRS = {"samples", "sample", "examples", "example", "previews", "preview"}
_SAMPLE_PREFIXES = ("sample", "example", "preview", "readme")


def is_sample(path: str) -> bool:
    """Sample files are shown before buying: anything in a samples/ or examples/ folder, or
    named sample*, example*, preview* or README*. Everything else stays behind the purchase."""
    p = PurePosixPath(path)
    if any(part.lower() in _SAMPLE_DIRS for part in p.parts[:-1]):
        return True
    return p.name.lower().startswith(_SAMPLE_PREFIXES)


_RENDER_AS = {"text/markdown": "markdown", "application/json": "json"}


def preview(files: list[dict[str, Any]], blobs: BlobStore, chars: int) -> list[dict[str, Any]]:
    """The sample files, each with the start of its text and how to show it: Markdown is
    rendered (safely, by the web UI), JSON pretty-printed, a document shows its extracted text."""
    return [file_view(f, blobs, chars) for f in files if is_sample(f["path"])]


def file_view(f: dict[str, Any], blobs: BlobStore, chars: int) -> dict[str, Any]:
    """A file as text (its first `chars` characters; a document's extracted text) and how to
    show it, or only named for an image. The preview's samples and the moderator's every file."""
    content: str | None = None
    truncated = False
    render_as = "none"
    text_blob, text_size = None, 0
    if f["content_type"] in TEXT_TYPES.values():
        text_blob, text_size = f["sha256"], f["size"]
    elif f.get("text_sha256"):  # a document: its extracted text
        text_blob, text_size = f["text_sha256"], f.get("text_size") or 0
    if text_blob is not None:
        raw = blobs.read_prefix(text_blob, chars * 4 + 4)  # UTF-8: at most 4 bytes a char
        text = raw.decode("utf-8", "ignore")  # a cut multi-byte char at the end is dropped
        truncated = len(text) > chars or text_size > len(raw)
        content = text[:chars]
        render_as = _RENDER_AS.get(f["content_type"], "text")
    return {
        "path": f["path"],
        "content_type": f["content_type"],
        "size": f["size"],
        "content": content,
        "truncated": truncated,
        "render_as": render_as,
    }


def archive_name(name: str, version: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "persona"
    return f"{slug}-{version}.zip"


def zip_stream(plan: DownloadPlan, blobs: BlobStore) -> Iterator[bytes]:
    """The version's files plus a `persona.json` manifest, compressed as they stream out.

    zipstream-ng writes each entry as its bytes arrive (data descriptors after the data), so the
    archive is never built in memory or on disk; images are stored, text is deflated.
    """
    zs = ZipStream(compress_type=zipfile.ZIP_DEFLATED)
    manifest = {
        "id": plan.persona_id,
        "name": plan.name,
        "version": plan.version,
        "changelog": plan.changelog,
        "usage_terms": plan.usage_terms,
        "files": [
            {k: f[k] for k in ("path", "sha256", "size", "content_type")} for f in plan.files
        ],
    }
    taken = {f["path"] for f in plan.files}
    manifest_name = "persona.json" if "persona.json" not in taken else "persona.manifest.json"
    zs.add(json.dumps(manifest, indent=2).encode(), manifest_name)
    for f in plan.files:
        method = zipfile.ZIP_STORED if f["content_type"] in IMAGE_TYPES.values() else None
        zs.add(blobs.iter_bytes(f["sha256"]), f["path"], compress_type=method)
    yield from zs

"""Which files a persona may hold: safe relative names, allowed types by extension and content."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

from shared.problems import Unprocessable

from catalog.documents import DOCUMENT_TYPES, LEGACY_SUFFIXES, MACRO_SUFFIXES, macro_refused
from catalog.upload_problems import file_refused, unsupported

TEXT_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".json": "application/json",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".csv": "text/csv",
}
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
ALLOWED_TYPES = {**TEXT_TYPES, **IMAGE_TYPES, **DOCUMENT_TYPES}
_RESERVED = set('<>:"|?*\\')
MAX_NAME = 200
MAX_DEPTH = 4


def bad_name(name: str, why: str) -> Unprocessable:
    shown = name.encode("unicode_escape").decode()[:80]
    return file_refused(
        f"The file name '{shown}' is not allowed: {why}.", "invalid_file_name", shown, why
    )


def sanitize_path(raw: str) -> str:
    """A safe relative POSIX path for a file inside a persona, or a 422 explaining why not.

    Names are refused, not silently rewritten: a traversal attempt is a client bug or an attack,
    and either way the creator should see what was wrong.
    """
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise bad_name(raw, "it is empty")
    if len(name) > MAX_NAME:
        raise bad_name(raw, f"it is longer than {MAX_NAME} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise bad_name(raw, "it contains control characters")
    if name.startswith("/") or name.startswith("~"):
        raise bad_name(raw, "absolute paths are not allowed")
    if any(ch in _RESERVED for ch in name):
        raise bad_name(raw, 'it contains one of < > : " | ? * \\')
    parts = name.split("/")
    if len(parts) > MAX_DEPTH:
        raise bad_name(raw, f"folders may nest at most {MAX_DEPTH - 1} deep")
    for part in parts:
        if part in ("", ".", ".."):
            raise bad_name(raw, "'..', '.' and empty path segments are not allowed")
        if part.startswith(".") or part != part.strip():
            raise bad_name(raw, "hidden names and names padded with spaces are not allowed")
    return str(PurePosixPath(*parts))


def content_type_for(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise macro_refused(path)
    if suffix in LEGACY_SUFFIXES:
        raise unsupported(
            f"'{path}' is in an older format that is not accepted: save it as"
            f" {LEGACY_SUFFIXES[suffix]} and upload that."
        )
    if suffix not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise unsupported(f"'{path}' is not an allowed file type (allowed: {allowed}).")
    return ALLOWED_TYPES[suffix]


def image_signature_ok(content_type: str, head: bytes) -> bool:
    if content_type == "image/png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/webp":
        return len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return False

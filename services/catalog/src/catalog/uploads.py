"""Streaming multipart uploads: each file goes to a staging file while it is hashed and checked.

Nothing is held whole in memory and nothing reaches the blob store until the caller accepts the
request. Limits are enforced while the body streams in, so an oversized upload is refused as
soon as it crosses a limit (413), a forbidden type as soon as its name or first bytes are seen
(415), a dangerous name before a single byte is written (422).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header
from shared.problems import Problem, Unprocessable

from catalog.blobs import BlobStore
from catalog.documents import DOCUMENT_TYPES, check_head, extract_text
from catalog.filetypes import (
    TEXT_TYPES,
    bad_name,
    content_type_for,
    image_signature_ok,
    sanitize_path,
)
from catalog.upload_problems import too_large, unsupported


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int = 10 * 1024 * 1024
    max_version_bytes: int = 50 * 1024 * 1024
    max_files: int = 20
    max_field_bytes: int = 64 * 1024
    max_fields: int = 64


def body_ceiling(limits: UploadLimits) -> int:
    """The most bytes an upload request may carry: its files, its fields and some framing."""
    return limits.max_version_bytes + limits.max_fields * limits.max_field_bytes + 256 * 1024


def malformed(detail: str) -> Problem:
    return Problem(detail, code="malformed_multipart", title="Malformed multipart body")


# RFC 5987 `filename*=charset'language'percent-encoded`, which python-multipart drops silently.
_EXTENDED_FILENAME = re.compile(r"""(?:^|;)\s*filename\*\s*=\s*([^;]*)""", re.IGNORECASE)


def extended_filename(disposition: str) -> str | None:
    """The decoded `filename*` of a Content-Disposition, None without one, 400 when unreadable."""
    match = _EXTENDED_FILENAME.search(disposition)
    if match is None:
        return None
    charset, quote, rest = match.group(1).strip().strip('"').partition("'")
    _, quote2, encoded = rest.partition("'")
    if not quote or not quote2 or charset.lower() not in ("utf-8", "us-ascii", "iso-8859-1"):
        raise malformed("A filename*= parameter must be charset''percent-encoded (UTF-8).")
    try:
        return unquote(encoded, encoding=charset, errors="strict")
    except (UnicodeDecodeError, LookupError) as exc:
        raise malformed("The filename*= parameter is not valid in its charset.") from exc


@dataclass
class StagedFile:
    path: str
    content_type: str
    staged: Path
    sha256: str = ""
    size: int = 0
    # A document's extracted text, staged as a blob of its own (catalog.documents).
    text_staged: Path | None = None
    text_sha256: str | None = None
    text_size: int | None = None

    def staged_paths(self) -> list[Path]:
        return [self.staged, *([self.text_staged] if self.text_staged else [])]


class _FileSink:
    """Writes one part to a staging file, hashing and sniffing its content on the way."""

    def __init__(
        self, path: str, content_type: str, handle: BinaryIO, staged: Path, blobs: BlobStore
    ) -> None:
        self.file = StagedFile(path, content_type, staged)
        self.handle = handle
        self.blobs = blobs
        self.hasher = hashlib.sha256()
        self.is_text = content_type in TEXT_TYPES.values()
        self.is_document = content_type in DOCUMENT_TYPES.values()
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.head = b""

    def write(self, data: bytes) -> None:
        if self.is_text:
            if b"\x00" in data:
                raise unsupported(f"'{self.file.path}' is named as text but contains binary data.")
            try:
                self.decoder.decode(data)
            except UnicodeDecodeError as exc:
                raise unsupported(f"'{self.file.path}' is named as text but is not UTF-8.") from exc
        elif len(self.head) < 16:
            self.head += data[: 16 - len(self.head)]
            if self.is_document and len(self.head) >= 8:
                check_head(self.file.path, self.file.content_type, self.head)
        self.hasher.update(data)
        self.handle.write(data)
        self.file.size += len(data)

    def finish(self) -> StagedFile:
        self.handle.close()
        if self.file.size == 0:
            raise Unprocessable(
                f"'{self.file.path}' is empty.",
                code="empty_file",
                errors=[{"field": "files", "message": f"{self.file.path} is empty"}],
            )
        if self.is_text:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise unsupported(f"'{self.file.path}' is named as text but is not UTF-8.") from exc
        elif self.is_document:
            self._extract()
        elif not image_signature_ok(self.file.content_type, self.head):
            raise unsupported(
                f"'{self.file.path}' does not contain a {self.file.content_type} image."
            )
        self.file.sha256 = self.hasher.hexdigest()
        return self.file

    def _extract(self) -> None:
        """Check the document by content and stage its text (refusals are 4xx Problems)."""
        text = extract_text(self.file.path, self.file.content_type, self.file.staged).encode()
        handle, staged = self.blobs.staging_file()
        self.file.text_staged = staged
        with handle:
            handle.write(text)
        self.file.text_sha256 = hashlib.sha256(text).hexdigest()
        self.file.text_size = len(text)


@dataclass
class UploadedForm:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[StagedFile] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[-1] if values else None

    def get_all(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def discard(self) -> None:
        for f in self.files:
            for staged in f.staged_paths():
                with contextlib.suppress(FileNotFoundError):
                    staged.unlink()


class _FormReader:
    def __init__(self, blobs: BlobStore, limits: UploadLimits) -> None:
        self.blobs = blobs
        self.limits = limits
        self.form = UploadedForm()
        self.total = 0
        self.field_count = 0
        self._headers: dict[str, str] = {}
        self._header_name = b""
        self._header_value = b""
        self._field_name: str | None = None
        self._field_value = bytearray()
        self._sink: _FileSink | None = None
        self._open: list[Path] = []  # staging files not yet finished (for clean-up)
        self.ended = False  # the closing boundary was seen

    # python-multipart callbacks; exceptions raised here abort the parse.

    def on_part_begin(self) -> None:
        self._headers = {}
        self._field_name = None
        self._field_value = bytearray()
        self._sink = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        # Latin-1 round-trips the raw bytes: the file name's UTF-8 is decoded further down.
        self._headers[self._header_name.decode("latin-1").lower()] = self._header_value.decode(
            "latin-1"
        )
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        disposition = self._headers.get("content-disposition", "")
        _, options = parse_options_header(disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        extended = extended_filename(disposition)
        if extended is not None:  # takes precedence over filename= (RFC 6266 §4.3)
            filename = extended.encode()
        if filename is None:
            self.field_count += 1
            if self.field_count > self.limits.max_fields:
                raise Unprocessable("Too many form fields.", code="too_many_fields")
            self._field_name = name
            return
        raw = filename.decode("utf-8", "replace")
        if raw == "":
            return  # an empty file input: browsers send a nameless, empty part
        if name != "files":
            raise Unprocessable(
                f"Files must be sent in 'files' parts (got '{name}').", code="unexpected_file"
            )
        if len(self.form.files) >= self.limits.max_files:
            raise Unprocessable(
                f"A version may hold at most {self.limits.max_files} files.",
                code="too_many_files",
                errors=[{"field": "files", "message": f"at most {self.limits.max_files} files"}],
            )
        path = sanitize_path(raw)
        if any(f.path == path for f in self.form.files):
            raise bad_name(raw, "two files have this name")
        content_type = content_type_for(path)
        handle, staged = self.blobs.staging_file()
        self._open.append(staged)
        self._sink = _FileSink(path, content_type, handle, staged, self.blobs)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._sink is not None:
            if self._sink.file.size + len(chunk) > self.limits.max_file_bytes:
                raise too_large(
                    f"'{self._sink.file.path}' is larger than the"
                    f" {_mb(self.limits.max_file_bytes)} allowed per file.",
                    "file_too_large",
                )
            self.total += len(chunk)
            if self.total > self.limits.max_version_bytes:
                raise too_large(
                    f"The files are larger than the {_mb(self.limits.max_version_bytes)}"
                    " allowed per version.",
                    "version_too_large",
                )
            self._sink.write(chunk)
        elif self._field_name is not None:
            if len(self._field_value) + len(chunk) > self.limits.max_field_bytes:
                raise too_large(f"The field '{self._field_name}' is too long.", "field_too_large")
            self._field_value += chunk

    def on_part_end(self) -> None:
        if self._sink is not None:
            try:
                staged = self._sink.finish()
            finally:
                if self._sink.file.text_staged is not None:
                    self._open.append(self._sink.file.text_staged)
            self.form.files.append(staged)
            self._sink = None
        elif self._field_name is not None:
            try:
                value = self._field_value.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Unprocessable(
                    f"The field '{self._field_name}' is not UTF-8.", code="validation_error"
                ) from exc
            self.form.fields.setdefault(self._field_name, []).append(value)
            self._field_name = None

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_end(self) -> None:
        self.ended = True

    def abort(self) -> None:
        if self._sink is not None:
            with contextlib.suppress(Exception):
                self._sink.handle.close()
        for staged in self._open:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


async def read_upload(request: Request, blobs: BlobStore, limits: UploadLimits) -> UploadedForm:
    """Parse a multipart/form-data body; staged files are the caller's to place or discard."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise unsupported(
            "Send the persona as multipart/form-data.",
            code="unsupported_media_type",
            title="Unsupported media type",
        )
    declared = request.headers.get("content-length")
    ceiling = body_ceiling(limits)
    if declared is not None and declared.isdigit() and int(declared) > ceiling:
        raise too_large(
            f"The upload is larger than the {_mb(limits.max_version_bytes)} allowed per version.",
            "version_too_large",
        )
    reader = _FormReader(blobs, limits)
    parser = MultipartParser(options[b"boundary"], reader.callbacks())
    # The parser's callbacks create, write and hash staging files: disk I/O and CPU that would
    # stall every other request if it ran on the event loop, so each chunk is parsed in a thread.
    try:
        async for chunk in request.stream():
            await asyncio.to_thread(parser.write, chunk)
        await asyncio.to_thread(parser.finalize)
    except Problem:
        await asyncio.to_thread(reader.abort)
        raise
    except Exception as exc:
        await asyncio.to_thread(reader.abort)
        raise Problem("The multipart body could not be read.", code="malformed_multipart") from exc
    if not reader.ended:
        # Cut inside a part's headers, inside a part or between parts: whatever came last may
        # be missing, so nothing of it is taken (a persona never loses a file silently).
        await asyncio.to_thread(reader.abort)
        reader.form.discard()
        raise malformed("The multipart body ended before its closing boundary.")
    return reader.form

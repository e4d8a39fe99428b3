"""The one image pipeline: persona covers and gallery images (catalog) and avatars (identity).

An uploaded image is never stored or served as it came. It is

1. read from the request body with a byte limit (413 `image_too_large` past it),
2. recognised by its first bytes, whatever its name or declared type: PNG, JPEG or WebP, anything
   else is a 415 `unsupported_image_type` (SVG, GIF, HEIC, HTML pretending to be an image, ...),
3. decoded by Pillow with only that format's decoder, after its header says it has at most
   `max_pixels` pixels (a decompression bomb is refused before it is decoded; 422
   `image_too_large_pixels`); a truncated or corrupt file is a 422 `unreadable_image`,
4. turned upright by its EXIF orientation, then copied pixel by pixel into a fresh image, so no
   metadata of the upload (EXIF with GPS, XMP, ICC, comments) can survive, and
5. re-encoded as WebP in each requested size (`Variant`): fitted inside a box or cropped to fill it.

The results are stored content-addressed (catalog: `ImageStore`, laid out as its persona files,
`root/sha256/ab/cd/<sha256>`; identity keeps its small avatars in its database) and served by
`image_response` / `image_bytes_response` as `image/webp` with `nosniff`, a restrictive CSP and a
year of immutable caching (the URL is the hash of the bytes).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from PIL import Image, ImageOps, UnidentifiedImageError

from shared.problems import NotFound, Problem, Unprocessable

MEDIA_TYPE = "image/webp"
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000; decoding holds about 4 bytes a pixel
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Decoding a large image takes memory and CPU: at most two at a time per process.
_DECODERS = threading.BoundedSemaphore(2)


@dataclass(frozen=True)
class Variant:
    """One size to render: fitted inside `width` x `height`, or cropped to fill it exactly."""

    name: str
    width: int
    height: int
    crop: bool = False


@dataclass(frozen=True)
class Rendered:
    name: str
    data: bytes
    width: int
    height: int
    sha256: str


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def sniff(head: bytes) -> str | None:
    """The Pillow format name of a PNG, JPEG or WebP file from its first bytes, else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def unsupported_image() -> Problem:
    return Problem(
        "This is not a PNG, JPEG or WebP image. Upload a photo or screenshot in one of those"
        " formats.",
        status=415,
        code="unsupported_image_type",
        title="Image type not allowed",
    )


def image_too_large(max_bytes: int) -> Problem:
    return Problem(
        f"Images may be at most {_mb(max_bytes)}.",
        status=413,
        code="image_too_large",
        title="Image too large",
    )


async def read_image_body(request: Request, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The request body (the image's bytes, any declared type), refused past `max_bytes`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise image_too_large(max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise image_too_large(max_bytes)
    if not body:
        raise Unprocessable("Send the image as the request body.", code="empty_image")
    return bytes(body)


def render(
    data: bytes, variants: Sequence[Variant], max_pixels: int = DEFAULT_MAX_PIXELS
) -> list[Rendered]:
    """Check, decode and re-encode an upload (blocking: call it in a thread)."""
    fmt = sniff(data[:16])
    if fmt is None:
        raise unsupported_image()
    with _DECODERS:
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                width, height = img.size
                if width < 1 or height < 1:
                    raise Unprocessable("The image has no pixels.", code="unreadable_image")
                if width * height > max_pixels:
                    raise Unprocessable(
                        f"The image is {width} x {height} pixels; at most"
                        f" {max_pixels // 1_000_000} megapixels are accepted.",
                        code="image_too_large_pixels",
                    )
                img.seek(0)  # an animation's first frame
                img.load()
                upright = ImageOps.exif_transpose(img) or img
                clean = _clean_copy(upright)
        except Problem:
            raise
        except (
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
            UnidentifiedImageError,
            Image.DecompressionBombError,
        ) as exc:
            raise Unprocessable(
                "The image could not be read (is the file complete?).", code="unreadable_image"
            ) from exc
        return [_encode(clean, v) for v in variants]


def _clean_copy(img: Image.Image) -> Image.Image:
    """The pixels only, in RGB or RGBA: nothing of the upload's metadata comes along."""
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    converted = img.convert("RGBA" if has_alpha else "RGB")
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _encode(img: Image.Image, v: Variant) -> Rendered:
    if v.crop:
        out = ImageOps.fit(img, (v.width, v.height), Image.Resampling.LANCZOS)
    else:
        out = img.copy()
        out.thumbnail((v.width, v.height), Image.Resampling.LANCZOS)  # never enlarges
    buf = io.BytesIO()
    out.save(buf, "WEBP", quality=82, method=4)
    data = buf.getvalue()
    return Rendered(v.name, data, out.width, out.height, hashlib.sha256(data).hexdigest())


class ImageStore:
    """Rendered images, content-addressed under `root/sha256/ab/cd/<sha256>`.

    Only the pipeline's output is ever put here, so serving any blob of this store is safe.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def put(self, image: Rendered) -> None:
        target = self.path(image.sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(image.data)
            os.chmod(name, 0o644)
            os.replace(name, target)  # atomic: readers never see a partial image
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
            raise

    def read(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except (ValueError, FileNotFoundError):
            return None

    def count(self) -> int:
        base = self.root / "sha256"
        return sum(1 for p in base.rglob("*") if p.is_file()) if base.exists() else 0


_NAME = re.compile(r"^([0-9a-f]{64})\.webp$")

# `openapi_extra` of an upload route: the body is the image's bytes.
IMAGE_BODY_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The image's bytes: PNG, JPEG or WebP (recognised by content).",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in ("image/png", "image/jpeg", "image/webp", "application/octet-stream")
        },
    }
}


def image_url(prefix: str, sha256: str) -> str:
    """The public path of a stored image, e.g. `/api/images/<sha256>.webp`."""
    return f"{prefix.rstrip('/')}/{sha256}.webp"


def image_sha(name: str) -> str | None:
    """The sha256 in an image's public name `<sha256>.webp`, or None for any other name."""
    match = _NAME.match(name)
    return match.group(1) if match else None


def image_bytes_response(data: bytes | None) -> Response:
    """A rendering as served: immutable, never sniffed, never a document (404 for None)."""
    if data is None:
        raise NotFound("No such image.", code="image_not_found")
    return Response(
        data,
        media_type=MEDIA_TYPE,
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Content-Disposition": "inline",
        },
    )


async def image_response(store: ImageStore, name: str) -> Response:
    """A stored rendering by its `<sha256>.webp` name."""
    sha = image_sha(name)
    return image_bytes_response(await asyncio.to_thread(store.read, sha) if sha else None)

"""Content-addressed blob storage for persona files.

A blob is named by the sha256 of its bytes, so the same file uploaded twice is stored once and
a stored blob never changes. Uploads are staged in a temporary file beside the store (same file
system), hashed while written, and only moved into place once the request has been accepted.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 64 * 1024


class BlobStore(Protocol):
    def staging_file(self) -> tuple[BinaryIO, Path]:
        """A new temporary file to stage an upload in, and its path."""

    def put(self, staged: Path, sha256: str) -> None:
        """Move a staged file into place under its hash (a no-op for known content)."""

    def exists(self, sha256: str) -> bool: ...

    def iter_bytes(self, sha256: str, chunk: int = CHUNK) -> Iterator[bytes]: ...

    def read_prefix(self, sha256: str, size: int) -> bytes: ...


class LocalBlobStore:
    """Blobs as files under `root/sha256/ab/cd/<hash>`; staging under `root/.staging`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.staging = self.root / ".staging"

    def _path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def staging_file(self) -> tuple[BinaryIO, Path]:
        self.staging.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.staging, prefix="upload-")
        return os.fdopen(fd, "wb"), Path(name)

    def put(self, staged: Path, sha256: str) -> None:
        target = self._path(sha256)
        if target.exists():
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
            return
        if not staged.exists():
            return  # placed by an earlier attempt of the same command
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(staged, 0o644)
        os.replace(staged, target)  # atomic: readers never see a partial blob

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def iter_bytes(self, sha256: str, chunk: int = CHUNK) -> Iterator[bytes]:
        with self._path(sha256).open("rb") as f:
            while block := f.read(chunk):
                yield block

    def read_prefix(self, sha256: str, size: int) -> bytes:
        with self._path(sha256).open("rb") as f:
            return f.read(size)

    def count(self) -> int:
        """How many blobs are stored (tests use it to prove refused uploads stored nothing)."""
        base = self.root / "sha256"
        return sum(1 for p in base.rglob("*") if p.is_file()) if base.exists() else 0

    def staged_count(self) -> int:
        return sum(1 for _ in self.staging.iterdir()) if self.staging.exists() else 0

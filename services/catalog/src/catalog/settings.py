"""Catalog settings (env prefix `CATALOG_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict
from shared.settings import ServiceSettings

from catalog.uploads import UploadLimits


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", populate_by_name=True)

    service_name: str = "catalog"
    port: int = 8002
    # Local directory of the content-addressed blob store (persona files).
    blob_dir: str = ".run/blobs"
    max_file_bytes: int = 10 * 1024 * 1024
    max_version_bytes: int = 50 * 1024 * 1024
    max_files: int = 20
    # Covers and gallery images (shared.images): the upload's bytes and decoded pixels at most;
    # renderings are stored under image_dir (default: `<blob_dir>/images`).
    max_image_bytes: int = 8 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    image_dir: str = ""
    # Characters of each sample file shown by GET /api/personas/{id}/preview.
    preview_chars: int = 2000
    # Currencies a persona may be priced in (lower-case ISO 4217).
    currencies: list[str] = ["usd", "eur", "gbp"]

    @property
    def image_root(self) -> str:
        return self.image_dir or str(Path(self.blob_dir) / "images")

    @property
    def upload_limits(self) -> UploadLimits:
        return UploadLimits(
            max_file_bytes=self.max_file_bytes,
            max_version_bytes=self.max_version_bytes,
            max_files=self.max_files,
        )

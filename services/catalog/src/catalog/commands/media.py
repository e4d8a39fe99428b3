"""Creator commands for the pictures of a persona: its cover and each version's gallery.

The upload is rendered by the kernel's image pipeline (`shared.images`: sniffed, decoded with
limits, metadata dropped, re-encoded as WebP thumbnails) before the command runs; only the
renderings are stored, content-addressed, and the events name them by their sha256.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from shared.auth import Principal
from shared.images import Rendered, Variant, render
from shared.uow import UnitOfWork

from catalog.commands.base import CatalogBase, load_owned

# Cards show `thumb` (a 16:9 crop); the detail page shows `large` (fitted, never enlarged).
COVER_VARIANTS = (Variant("thumb", 640, 360, crop=True), Variant("large", 1600, 900))
# Gallery: a thumbnail grid (fitted in 480 x 480) that opens the larger rendering.
GALLERY_VARIANTS = (Variant("thumb", 480, 480), Variant("large", 1600, 1600))
MAX_CAPTION = 200


class MediaCommands(CatalogBase):
    async def _render(self, data: bytes, variants: tuple[Variant, ...]) -> dict[str, Any]:
        rendered = await asyncio.to_thread(render, data, variants, self.max_image_pixels)
        await asyncio.to_thread(self._store, rendered)
        by_name = {r.name: r for r in rendered}
        large = by_name["large"]
        return {
            "id": str(uuid.uuid4()),
            "thumb": by_name["thumb"].sha256,
            "large": large.sha256,
            "width": large.width,
            "height": large.height,
        }

    def _store(self, rendered: list[Rendered]) -> None:
        # Stored before the command commits: a refused command leaves unreferenced renderings
        # (harmless, content-addressed), never an event naming a missing image.
        for r in rendered:
            self.images.put(r)

    async def set_cover(self, user: Principal, persona_id: str, data: bytes) -> None:
        await self.check_owner(user, persona_id)  # before the CPU work of decoding
        cover = await self._render(data, COVER_VARIANTS)
        await self.change_owned(user, persona_id, lambda p: p.set_cover(user.user_id, cover))

    async def remove_cover(self, user: Principal, persona_id: str) -> None:
        await self.change_owned(user, persona_id, lambda p: p.set_cover(user.user_id, None))

    async def add_gallery_image(
        self, user: Principal, persona_id: str, version: str, data: bytes, caption: str
    ) -> dict[str, Any]:
        async def check(uow: UnitOfWork) -> None:  # refuse before decoding anything
            persona = await load_owned(uow, persona_id, user)
            persona.check_gallery_room(version)

        await self.run(check)
        image = await self._render(data, GALLERY_VARIANTS)
        image["caption"] = caption.strip()[:MAX_CAPTION]
        await self.change_owned(
            user, persona_id, lambda p: p.add_gallery_image(user.user_id, version, image)
        )
        return image

    async def remove_gallery_image(
        self, user: Principal, persona_id: str, version: str, image_id: str
    ) -> None:
        await self.change_owned(
            user, persona_id, lambda p: p.remove_gallery_image(user.user_id, version, image_id)
        )

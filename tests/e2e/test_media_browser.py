"""Pictures and readable samples in Chromium: a creator uploads a cover and gallery images on the
edit page, the marketplace card shows the cover, the persona's page shows the gallery (with a
larger view) and its sample files readably (Markdown rendered, JSON pretty-printed, a Word file
as text); the creator uploads an avatar. Screenshots at desktop and phone width go to
web/test-results/media/."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path
from typing import Any

import docx
from PIL import Image
from playwright.async_api import Browser, Page, expect

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import DESKTOP, SCREENSHOTS, Screenshots

PASSWORD = "blue-river-42-Piano"
PERSONA = "Sunny Baker"

expect.set_options(timeout=15_000)


def picture(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (1200, 800)) -> Path:
    img = Image.new("RGB", size, color)
    for x in range(0, size[0], 40):  # stripes, so a screenshot shows a real picture
        img.paste((255, 255, 255), (x, 0, x + 8, size[1]))
    img.save(path, "JPEG" if path.suffix == ".jpg" else "PNG")
    return path


def noisy_photo(path: Path) -> Path:
    """A photo-sized PNG of noise (it does not compress): well over the gateway's 1 MB default."""
    Image.frombytes("RGB", (900, 700), os.urandom(900 * 700 * 3)).save(path, "PNG")
    assert path.stat().st_size > 1024 * 1024
    return path


def word_sample() -> bytes:
    document = docx.Document()
    document.add_paragraph("Rise and shine: today's loaf is rye with caraway.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def field(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


async def test_cover_on_cards_gallery_and_readable_samples(
    stack: Any, browser: Browser, tmp_path: Path
) -> None:
    creator = await stack.user("baker")
    admin = await stack.user("mod", admin=True)
    pid = await stack.publish_persona(
        creator,
        admin,
        {
            "prompt.md": b"You are a cheerful baker.\n",
            "samples/morning-post.md": b"# Morning post\n\nFresh **sourdough** today!\n\n- rye\n"
            b"- spelt\n\n<script>alert('no')</script>",
            "samples/schedule.json": b'{"monday":["rye","spelt"],"friday":"brioche"}',
            "samples/caption.docx": word_sample(),
        },
        name=PERSONA,
        short_description="Warm captions for bakeries",
        description="Cheerful posts for a neighbourhood bakery.",
        category="food",
        tags="baking",
        price_cents="0",
    )
    cover = picture(tmp_path / "cover.jpg", (200, 120, 40))
    photo = noisy_photo(tmp_path / "me.png")
    shots = [
        picture(tmp_path / f"sample-{i}.png", c)
        for i, c in enumerate(((40, 90, 160), (30, 140, 80)))
    ]

    errors: list[str] = []
    context = await browser.new_context(viewport=DESKTOP, base_url=stack.url, locale="en-US")
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    shoot = Screenshots(SCREENSHOTS / "media")

    await page.goto(f"/login?next=/dashboard/personas/{pid}/edit")
    await field(page, "E-mail").fill("baker@example.com")
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Pictures")).to_be_visible()

    await page.get_by_label("Cover image").set_input_files(str(cover))
    current = page.get_by_alt_text("Current cover")
    await expect(current).to_have_attribute("src", re.compile(r"^/api/images/[0-9a-f]{64}\.webp$"))
    await field(page, "Caption (optional)").fill("A Monday post it wrote")
    await page.get_by_label("Gallery images to add").set_input_files([str(p) for p in shots])
    thumbs = page.get_by_role("list", name="Gallery images").locator("img")
    await expect(thumbs).to_have_count(2)
    await expect(page.get_by_text("2 of 8 images.")).to_be_visible()
    await shoot(page, "edit pictures")

    # the marketplace card shows the cover, as the server rendered it
    await page.goto("/marketplace")
    card = page.locator("article.persona-card", has_text=PERSONA)
    card_img = card.locator(".persona-card-cover img")
    await expect(card_img).to_have_attribute("src", re.compile(r"^/api/images/"))
    assert await card_img.evaluate("img => img.complete && img.naturalWidth") == 640
    await shoot(page, "marketplace with covers")

    # the persona's page: cover, gallery with a larger view, samples shown readably
    await card.get_by_role("link", name=PERSONA).click()
    await expect(page.get_by_role("heading", name=PERSONA, level=1)).to_be_visible()
    gallery = page.get_by_role("list", name="Sample outputs")
    await expect(gallery.locator("img")).to_have_count(2)
    await expect(gallery.get_by_text("A Monday post it wrote")).to_have_count(2)
    preview = page.get_by_role("tabpanel")
    await expect(preview.get_by_role("heading", name="Morning post")).to_be_visible()
    await expect(preview.locator("strong")).to_have_text("sourdough")
    await expect(preview.get_by_text("<script>alert('no')</script>")).to_be_visible()
    await shoot(page, "persona page gallery and markdown sample")

    await page.get_by_role("tab", name="samples/schedule.json").click()
    await expect(page.get_by_role("tabpanel")).to_contain_text('"monday": [\n    "rye"')
    await page.get_by_role("tab", name="samples/caption.docx").click()
    await expect(page.get_by_role("tabpanel")).to_contain_text("today's loaf is rye")

    await gallery.get_by_role("button").first.click()
    dialog = page.get_by_role("dialog")
    large = dialog.locator("img")
    await expect(large).to_be_visible()
    assert await large.evaluate("img => img.complete && img.naturalWidth") == 1200
    await shoot(page, "gallery image opened")
    await dialog.get_by_role("button", name="Close").click()

    # an avatar from a photo on the profile page
    await page.goto("/dashboard/profile")
    await page.get_by_label("Profile photo").set_input_files(str(photo))
    avatar = page.locator(".profile-preview img.avatar")
    await expect(avatar).to_have_attribute("src", re.compile(r"^/api/avatars/[0-9a-f]{64}\.webp$"))
    assert await avatar.evaluate("img => img.complete && img.naturalWidth") == 256
    await field(page, "Instagram").fill("instagram.com/sunnybaker")
    await field(page, "TikTok").fill("@sunnybaker")
    await page.get_by_role("button", name="Save profile").click()
    await expect(field(page, "Instagram")).to_have_value("https://instagram.com/sunnybaker")
    await expect(field(page, "TikTok")).to_have_value("https://www.tiktok.com/@sunnybaker")
    await shoot(page, "profile with uploaded avatar")

    # through the gateway: the rendering, typed and never sniffed, not the upload
    served = await stack.http.get(await avatar.get_attribute("src") or "")
    assert served.headers["content-type"] == "image/webp"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in served.headers["cache-control"]
    assert served.content != photo.read_bytes() and len(served.content) < 256 * 1024

    assert not errors, errors
    await context.close()

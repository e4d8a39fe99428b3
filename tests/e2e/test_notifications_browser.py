"""In Chromium: a sale lights the creator's bell live (no reload), and the bell leads to it."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, expect

# Test modules are imported by path (pytest's importlib mode): make the helpers beside it importable.
sys.path.insert(0, str(Path(__file__).parent))
from browser_support import DESKTOP
from test_notifications_flow import buy, has_title, persona

PASSWORD = "blue-river-42-Piano"


async def test_a_sale_lights_the_creators_bell(stack: Any, browser: Browser) -> None:
    creator = await stack.user("carla")
    admin = await stack.user("judge", admin=True)
    buyer = await stack.user("bob")
    pid = await persona(stack, creator, admin, "Witty Chef")
    await has_title(stack, creator, "is live")
    r = await stack.http.post("/api/notifications/read-all", headers=creator)
    assert r.status_code == 200, r.text

    context = await browser.new_context(viewport=DESKTOP, base_url=stack.url, locale="en-US")
    context.set_default_timeout(20_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto("/login?next=/dashboard")
    await page.get_by_label(re.compile(r"^E-mail( \*)?$")).fill("carla@example.com")
    await page.get_by_label(re.compile(r"^Password( \*)?$")).fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/dashboard$"))
    bell = page.get_by_test_id("bell")
    await expect(bell).to_have_accessible_name("Notifications")
    await expect(page.get_by_test_id("bell-count")).to_have_count(0)

    await buy(stack, buyer, pid)  # someone else, elsewhere, buys the persona
    await expect(page.get_by_test_id("bell-count")).to_have_text("1", timeout=30_000)
    await expect(bell).to_have_accessible_name("Notifications, 1 unread")

    await bell.click()
    await expect(page).to_have_url(re.compile(r"/notifications$"))
    sale = page.get_by_role("link", name="You earned $10.50: “Witty Chef” sold")
    await expect(sale).to_be_visible()
    await page.get_by_role("button", name="Mark all as read").click()
    await expect(page.get_by_test_id("bell-count")).to_have_count(0)
    await context.close()
    assert errors == []

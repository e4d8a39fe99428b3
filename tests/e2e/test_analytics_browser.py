"""The creator's analytics in the browser: a visitor's view of the detail page (the page's own
beacon) and a sale show up in the creator's charts on /dashboard/analytics."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, expect
from shared.testing.wait import eventually

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import DESKTOP
from test_purchase_flow import pay, publish_paid_persona, start_checkout

# Debian's headless Chromium says "HeadlessChrome", which analytics rightly counts as a bot.
PERSON = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
PASSWORD = "blue-river-42-Piano"

expect.set_options(timeout=15_000)


async def new_page(browser: Browser, stack: Any) -> Page:
    context = await browser.new_context(
        viewport=DESKTOP, base_url=stack.url, locale="en-US", user_agent=PERSON
    )
    context.set_default_timeout(15_000)
    return await context.new_page()


async def test_a_view_and_a_sale_show_in_the_creators_charts(stack: Any, browser: Browser) -> None:
    creator = await stack.user("chartmaker")
    admin = await stack.user("chartadmin", admin=True)
    buyer = await stack.user("chartbuyer")
    persona_id = await publish_paid_persona(stack, creator, admin, 999)

    async def analytics_knows() -> int:
        return (await stack.http.get(f"/api/personas/{persona_id}/similar")).status_code

    await eventually(analytics_knows, lambda s: s == 200)

    visitor = await new_page(browser, stack)
    async with visitor.expect_response(re.compile(r"/api/analytics/views$")) as beacon:
        await visitor.goto(f"/marketplace/{persona_id}")
    assert (await beacon.value).status == 202
    await expect(visitor.get_by_role("heading", name="Witty Travel Vlogger")).to_be_visible()

    await pay(stack, await start_checkout(stack, buyer, persona_id))

    page = await new_page(browser, stack)
    await page.goto("/login?next=/dashboard/analytics")
    await page.get_by_label(re.compile(r"^E-mail( \*)?$")).fill("chartmaker@example.com")
    await page.get_by_label(re.compile(r"^Password( \*)?$")).fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/analytics$"))

    by = page.get_by_label("By")

    async def figures() -> tuple[str, str]:
        # Switching the period asks again (the page also refreshes itself every 30 seconds).
        await by.select_option("week")
        await by.select_option("day")
        views = page.get_by_role("listitem", name="Views")
        purchases = page.get_by_role("listitem", name="Purchases")
        await expect(views).to_be_visible()
        return (await views.inner_text(), await purchases.inner_text())

    views, _ = await eventually(
        figures, lambda f: "\n1\n" in f"\n{f[0]}\n" and "\n1\n" in f"\n{f[1]}\n", timeout=60
    )
    assert "1 unique viewers" in views
    await expect(page.get_by_role("listitem", name="Revenue")).to_contain_text("$6.99")
    await expect(page.get_by_label("Views, downloads and purchases over time")).to_be_visible()
    await expect(page.locator(".recharts-surface").first).to_be_visible()
    await expect(page.get_by_role("link", name="Witty Travel Vlogger")).to_be_visible()

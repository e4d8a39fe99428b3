"""The creator's analytics in the browser: a buyer's view of the detail page (the page's own
beacon) and their purchase through the Stripe emulator's Checkout page show up in the creator's
charts, reached from My personas."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, expect
from shared.testing.wait import eventually

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import DESKTOP
from test_purchase_flow import publish_paid_persona

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


async def log_in(page: Page, email: str, next_path: str) -> None:
    await page.goto(f"/login?next={next_path}")
    await page.get_by_label(re.compile(r"^E-mail( \*)?$")).fill(email)
    await page.get_by_label(re.compile(r"^Password( \*)?$")).fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(re.escape(next_path) + r"(\?.*)?$"))


async def test_a_view_and_a_sale_show_in_the_creators_charts(stack: Any, browser: Browser) -> None:
    creator = await stack.user("chartmaker")
    admin = await stack.user("chartadmin", admin=True)
    await stack.user("chartbuyer")
    persona_id = await publish_paid_persona(stack, creator, admin, 999)

    async def analytics_knows() -> int:
        return (await stack.http.get(f"/api/personas/{persona_id}/similar")).status_code

    await eventually(analytics_knows, lambda s: s == 200)

    # The buyer opens the detail page (its beacon reports the view) and pays on the Stripe
    # emulator's hosted Checkout page, as tests/e2e/test_browser.py does.
    buyer = await new_page(browser, stack)
    async with buyer.expect_response(re.compile(r"/api/analytics/views$")) as beacon:
        await log_in(buyer, "chartbuyer@example.com", f"/marketplace/{persona_id}")
    assert (await beacon.value).status == 202
    await expect(buyer.get_by_role("heading", name="Witty Travel Vlogger")).to_be_visible()
    # Refused until billing has heard of the price: click again once an attempt has ended
    # (as tests/e2e/test_browser.py does; no timer, so a slow machine is only slower).
    statuses: list[int] = []
    buyer.on(
        "response",
        lambda r: statuses.append(r.status) if "/api/payments/create-checkout" in r.url else None,
    )
    buy = buyer.get_by_role("button", name="Buy for $9.99")
    for _ in range(10):
        seen = len(statuses)
        await buy.click()
        opening = buyer.get_by_role("button", name="Opening checkout…")
        await expect(opening).to_have_count(0, timeout=30_000)
        if any(200 <= s < 300 for s in statuses[seen:]):
            break
    await buyer.wait_for_url(f"{stack.emulator_url}/**", timeout=30_000)
    await expect(buyer.get_by_label("Email")).to_have_value("chartbuyer@example.com")
    await buyer.get_by_label("Card number").fill("4242 4242 4242 4242")
    await buyer.get_by_label("Expiration date").fill("12 / 34")
    await buyer.get_by_label("CVC").fill("123")
    await buyer.get_by_label("Name on card").fill("Chart Buyer")
    await buyer.get_by_role("button", name="Pay $9.99").click()
    await expect(buyer).to_have_url(re.compile(r"/checkout/success\?session_id=cs_"))

    # The creator goes from My personas to the persona's analytics.
    page = await new_page(browser, stack)
    await log_in(page, "chartmaker@example.com", "/dashboard/personas")
    await page.get_by_role("link", name="Analytics of Witty Travel Vlogger").click()
    await expect(page).to_have_url(re.compile(rf"/dashboard/personas/{persona_id}/analytics$"))
    await expect(page.get_by_text(re.compile(r"Days in [A-Za-z_/]+\."))).to_be_visible()

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

    # The overview has the same sale, and the persona among its top personas.
    await page.get_by_role("link", name="All your personas").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/analytics$"))
    await expect(page.get_by_role("listitem", name="Purchases")).to_contain_text("1")
    await expect(page.get_by_role("link", name="Witty Travel Vlogger")).to_be_visible()

"""/generate in Chromium on the local demo model: a new user gets a free persona, generates with
a built-in template, sees it in the history, reruns it with a changed parameter and exports."""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import DESKTOP, Screenshots, chromium, ensure_web_build

PASSWORD = "blue-river-42-Piano"

expect.set_options(timeout=60_000)  # the demo model on a shared CPU


@pytest.fixture(scope="module", autouse=True)
def web_build() -> None:
    ensure_web_build()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as b:
        yield b


def field(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


async def test_new_user_generates_reruns_and_exports(stack: Any, browser: Browser) -> None:
    creator = await stack.user("rosa")
    admin = await stack.user("mod", admin=True)
    r = await stack.http.post(
        "/api/personas",
        headers=creator,
        data={
            "name": "Chef Rosa",
            "short_description": "Warm home cooking",
            "description": "Family recipes.",
            "category": "food",
            "tags": "recipes",
            "price_cents": "0",
            "currency": "usd",
            "submit": "true",
        },
        files=[("files", ("prompt.md", b"You are Chef Rosa, warm and brief.\n", "text/markdown"))],
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert (
        await stack.http.post(f"/api/admin/personas/{pid}/approve", headers=admin)
    ).status_code == 200
    await stack.user("nina")  # registered and verified

    errors: list[str] = []
    context = await browser.new_context(
        viewport=DESKTOP, base_url=stack.url, locale="en-US", accept_downloads=True
    )
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    shoot = Screenshots()

    await page.goto(f"/login?next=/marketplace/{pid}")
    await field(page, "E-mail").fill("nina@example.com")
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(rf"/marketplace/{pid}"))
    await page.get_by_role("button", name="Get it free").click()
    await expect(page.get_by_role("button", name="Get it free")).to_have_count(0)

    await page.get_by_role("link", name="Generate").click()
    await expect(page.get_by_role("heading", name="Generate")).to_be_visible()
    await expect(field(page, "Persona")).to_have_value(pid)
    await field(page, "Template").select_option(label="Caption")
    await field(page, "What is in the picture").fill("a bowl of pasta")
    await page.get_by_role("button", name="Generate", exact=True).click()
    await expect(page.get_by_text("Done", exact=True)).to_be_visible()
    first = await page.get_by_label("Generated text").inner_text()
    assert first.strip()
    await shoot(page, "generate")

    history = page.locator(".generate-history li")
    await expect(history).to_have_count(1)
    await history.first.get_by_role("button").click()
    await field(page, "Words at most").fill("10")
    await page.get_by_role("button", name="Rerun with these parameters").click()
    await expect(history).to_have_count(2)
    await expect(page.get_by_text("Done", exact=True)).to_be_visible()
    await expect(history.first).to_contain_text("rerun")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="Export CSV").click()
    download = await info.value
    text = Path(await download.path()).read_text()
    assert text.splitlines()[0].startswith("id,created_at,status")
    assert len([line for line in text.splitlines()[1:] if line.strip()]) >= 2
    assert "Chef Rosa" in text

    rows = (
        await stack.http.get("/api/generations", headers=await stack.login("nina@example.com"))
    ).json()["items"]
    assert rows[0]["params"]["words"] == 10 and rows[0]["rerun_of"] == rows[1]["id"]
    assert not errors, errors
    await context.close()

"""Browser-test plumbing: a current `web/dist`, Debian's Chromium driven by Playwright, and
screenshots of each page at desktop and phone width. A browser test asks for the `browser`
fixture (tests/conftest.py), which builds the UI first when it is stale."""

from __future__ import annotations

import fcntl
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST_INDEX = WEB / "dist" / "index.html"
SCREENSHOTS = WEB / "test-results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 812}


def _newest_source() -> float:
    sources = [WEB / "index.html", WEB / "package-lock.json", WEB / "vite.config.ts"]
    sources += [p for p in (WEB / "src").rglob("*") if p.is_file() and ".test." not in p.name]
    sources += [p for p in (WEB / "public").rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in sources if p.exists())


def ensure_web_build() -> None:
    """The gateway serves `web/dist`: build it when it is missing or older than the sources, so
    the browser tests never run against a stale UI. Parallel test workers take turns (a lock
    file), so one builds and the others find the build current."""
    with (WEB / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_if_stale()


def _build_if_stale() -> None:
    if DIST_INDEX.exists() and DIST_INDEX.stat().st_mtime >= _newest_source():
        return
    npm = shutil.which("npm")
    if npm is None or not (WEB / "node_modules").exists():
        raise RuntimeError(
            "web/dist is missing or stale and cannot be built here: run `make setup` "
            "(or `cd web && npm ci && npm run build`)"
        )
    result = subprocess.run(
        [npm, "run", "build", "--silent"], cwd=WEB, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"`npm run build` failed:\n{result.stdout}\n{result.stderr}")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium (never a downloaded browser), headless."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is not installed: `apt-get install -y chromium`")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


class Screenshots:
    """Full-page screenshots of the page as it is now, at desktop and at phone width."""

    def __init__(self, folder: Path = SCREENSHOTS, prefix: str = "") -> None:
        """`prefix` keeps one test's pictures apart from another's in the same folder: only
        this prefix's numbered pictures from an earlier run are removed."""
        self.folder = folder
        self.prefix = prefix
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{prefix}[0-9]*.png"):
            old.unlink()
        self.count = 0
        self.taken: list[Path] = []

    async def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        before = page.viewport_size or DESKTOP
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            await page.set_viewport_size(size)
            # From the top (a sticky header otherwise lands mid-page in a full-page capture),
            # once layout has settled at the new width.
            await page.evaluate(
                "() => new Promise((r) => { window.scrollTo(0, 0);"
                " requestAnimationFrame(() => requestAnimationFrame(() => r(null))); })"
            )
            path = self.folder / f"{self.prefix}{self.count:02d}-{slug}-{label}.png"
            # Toasts are fixed to the viewport and would float mid-page in a full-page capture.
            await page.screenshot(
                path=str(path), full_page=True, animations="disabled", style=".toasts{display:none}"
            )
            self.taken.append(path)
        await page.set_viewport_size(before)


# ---------------------------------------------------------------- pages of a browser story

PASSWORD = "blue-river-42-Piano"  # every story's accounts
# Uncaught exceptions in the page, per page: a story that "passes" with a crashing page does not.
PAGE_ERRORS: dict[Page, list[str]] = {}


async def new_page(browser: Browser, stack: Any) -> tuple[BrowserContext, Page]:
    """A fresh desktop context on the stack's gateway, its page's uncaught errors recorded."""
    context = await browser.new_context(viewport=DESKTOP, base_url=stack.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    errors = PAGE_ERRORS.setdefault(page, [])
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page


def field(page: Page, label: str) -> Locator:
    """A form control by its label, as people read it (a required field's label ends in " *")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


async def log_in(page: Page, email: str, next_path: str) -> None:
    await page.goto(f"/login?next={next_path}")
    await field(page, "E-mail").fill(email)
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(re.escape(next_path) + r"(\?.*)?$"))


async def signed_in(
    browser: Browser, stack: Any, email: str, username: str, next_path: str, *, admin: bool = False
) -> tuple[BrowserContext, Page]:
    """A new account (verified, an admin if asked) logged in on a fresh page at `next_path`."""
    await stack.register(email, username, PASSWORD)
    await stack.verify_email(email)
    if admin:
        from identity.admin import make_admin  # type: ignore[import-not-found]

        await make_admin(stack.database_urls["identity"], email)
    context, page = await new_page(browser, stack)
    await log_in(page, email, next_path)
    return context, page


async def run_story(story: Awaitable[None], shoot: Screenshots) -> None:
    """Run a browser story; on failure, screenshot every open page for whoever reads the CI log;
    on success, fail if any page threw an uncaught error."""
    PAGE_ERRORS.clear()
    try:
        await story
    except BaseException:
        for i, page in enumerate(PAGE_ERRORS):
            if not page.is_closed():
                path = shoot.folder / f"{shoot.prefix}failure-{i}.png"
                await page.screenshot(path=str(path), full_page=True)
        raise
    assert not any(PAGE_ERRORS.values()), PAGE_ERRORS

"""Fixtures of the browser tests: a current web UI and a fresh Chromium per test.

A test asks for `browser`; that builds `web/dist` first when it is missing or stale (once per
run). The `stack` fixture (every service behind the gateway) is in tests/conftest.py.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import chromium, ensure_web_build


@pytest.fixture(scope="session")
def web_build() -> None:
    ensure_web_build()


@pytest.fixture
async def browser(web_build: None) -> AsyncIterator[Browser]:
    async with chromium() as b:
        yield b

"""Headless Chromium for dashboard tests: Debian's chromium, driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CHROMIUM_INSTALLED = Path(CHROMIUM).exists()
SCREENSHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"


@contextlib.asynccontextmanager
async def chromium_page() -> AsyncIterator:
    from playwright.async_api import async_playwright

    if not CHROMIUM_INSTALLED:
        raise RuntimeError("Debian's chromium is missing: scripts/test installs it (apt-get install chromium)")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            yield await context.new_page()
        finally:
            await browser.close()


async def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path

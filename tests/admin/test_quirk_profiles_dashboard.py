"""Versions and quirk profiles on the dashboard, in a real headless Chromium, on a hub bridging 2.1.1 and 2.2.1:
each platform's OCPI version and profile in the list, the platform page's profile, what it tolerates and the form
that changes it (which the relay then reads the platform with), refusals, and the translated messages with what
was lost, on a wide screen and on a phone. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import aiohttp
import pytest

from tests.admin.browser import chromium_page, screenshot
from tests.admin.test_dashboard_browser import sign_in
from tests.admin.test_dashboard_layout import LINES_OF
from tests.quirk_fixtures import (
    LOST_FOR_THE_211_CPO,
    platform_of,
    put_full_token_of_ema,
    put_token_with_221_name,
    running_bridge,
)
from translation.quirks import PROFILE_NOTES, tolerances


@pytest.fixture
async def bridge(store_url):
    async with running_bridge(store_url) as running:
        yield running


async def test_an_operator_sees_versions_and_sets_a_platforms_profile(bridge):
    hub = bridge.hub
    tnm = platform_of(bridge, "DE:TNM:EMSP")
    assert (await put_token_with_221_name(bridge)).status_code == 2001, "strict"
    async with chromium_page() as page:
        await page.set_viewport_size({"width": 1400, "height": 900})
        await sign_in(page, hub)
        await page.goto(f"{hub.url}/admin/platforms")
        old_row = page.locator("tr", has_text="DE:TNM EMSP")
        new_row = page.locator("tr", has_text="NL:CPA CPO")
        assert (await old_row.locator("td.version").text_content()).strip() == "2.1.1"
        assert (await new_row.locator("td.version").text_content()).strip() == "2.2.1"
        assert (await old_row.locator("td.quirks").text_content()).strip() == "strict"
        await screenshot(page, "20-platforms-versions")

        await old_row.locator("a").click()
        assert (await page.text_content("#ocpi-version")).strip() == "2.1.1"
        assert (await page.text_content("#quirk-profile")).strip() == "strict"
        assert "tolerates nothing" in await page.text_content("#quirks .tolerances")
        options = await page.locator("#quirks-select option").all_text_contents()
        assert f"lenient-2.1.1: {PROFILE_NOTES['lenient-2.1.1']}" in options
        await page.select_option("#quirks-select", "lenient-2.1.1")
        await page.click("#quirks button[type=submit]")
        await page.wait_for_url(f"{hub.url}/admin/platforms/{tnm.id}")
        assert (await page.text_content("#quirk-profile")).strip() == "lenient-2.1.1"
        shown = [line.strip() for line in await page.locator("#quirks ul.tolerances li").all_text_contents()]
        assert shown == tolerances("lenient-2.1.1")
        assert await page.locator("#quirks-select option:checked").get_attribute("value") == "lenient-2.1.1"
        await screenshot(page, "21-platform-quirks-set")
        assert platform_of(bridge, "DE:TNM:EMSP").quirks == "lenient-2.1.1", "the serving hub's directory"
        assert (await put_token_with_221_name(bridge)).status_code == 1000, "the relay reads it with the profile"

        # A profile the form never offered (a stale page, a hand-made request): refused on the page, not changed.
        await page.evaluate("document.querySelector('#quirks-select option').value = 'no-such-profile'")
        await page.select_option("#quirks-select", "no-such-profile")
        await page.click("#quirks button[type=submit]")
        assert "unknown quirk profile 'no-such-profile'" in await page.text_content("#quirks .error")
        assert platform_of(bridge, "DE:TNM:EMSP").quirks == "lenient-2.1.1"

        await page.goto(f"{hub.url}/admin/platforms")
        assert (await old_row.locator("td.quirks").text_content()).strip() == "lenient-2.1.1"
        for text, lines in await page.evaluate(LINES_OF, "th, td.time, td.version"):
            assert lines <= 1, f"{text!r} wraps onto {lines} lines at 1400 px"

        await page.set_viewport_size({"width": 375, "height": 800})
        for path in ("/admin/platforms", f"/admin/platforms/{tnm.id}"):
            await page.goto(f"{hub.url}{path}")
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow} px wider than a phone"
        await screenshot(page, "22-phone-platform-quirks")
        cookies = {c["name"]: c["value"] for c in await page.context.cookies()}

    async with (
        aiohttp.ClientSession(cookies=cookies) as session,
        session.post(f"{hub.url}/admin/platforms/{tnm.id}/quirks", data={"quirks": "strict"}) as response,
    ):
        assert response.status == 403, "no CSRF token: refused"
    assert platform_of(bridge, "DE:TNM:EMSP").quirks == "lenient-2.1.1"


async def test_the_traffic_page_shows_what_was_translated_and_lost(bridge):
    hub = bridge.hub
    assert (await put_full_token_of_ema(bridge)).status_code == 1000
    async with chromium_page() as page:
        await page.set_viewport_size({"width": 1400, "height": 900})
        await sign_in(page, hub)
        await page.goto(f"{hub.url}/admin/traffic?module=tokens")
        to_old = page.locator("#traffic-rows tr", has_text="BE:BEC")
        cell = to_old.locator("td.translation")
        assert (await cell.locator(".translated").text_content()).strip() == "2.2.1 → 2.1.1"
        assert (await cell.locator(".lost").text_content()).startswith("lost:")
        lost = [item.strip() for item in await cell.locator(".lost li").all_text_contents()]
        assert lost == LOST_FOR_THE_211_CPO
        same_version = page.locator("#traffic-rows tr", has_text="NL:CPA")
        assert (await same_version.locator("td.translation").text_content()).strip() == "\N{EN DASH}"
        await screenshot(page, "23-traffic-translated")
        for text, lines in await page.evaluate(LINES_OF, "th, td.time"):
            assert lines <= 1, f"{text!r} wraps onto {lines} lines at 1400 px"

        # The platform's own page shows its recent traffic the same way.
        bec = platform_of(bridge, "BE:BEC:CPO")
        await page.goto(f"{hub.url}/admin/platforms/{bec.id}")
        assert re.search(r"2\.2\.1 → 2\.1\.1", await page.text_content("table.traffic"))

        await page.set_viewport_size({"width": 375, "height": 800})
        await page.goto(f"{hub.url}/admin/traffic?module=tokens")
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the traffic page is {overflow} px wider than a phone"
        await screenshot(page, "24-phone-traffic-translated")

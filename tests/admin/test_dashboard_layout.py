"""The dashboard at a glance, in a real headless Chromium: connection state on every platform, offline parties named
on the overview, the status message of every failure, one-line heads and times on a wide screen, and no page wider
than a phone."""

from __future__ import annotations

from tests.admin.browser import chromium_page, screenshot
from tests.admin.test_dashboard_browser import sign_in
from tests.onboarding import invite_for
from tests.platform_sim import Role

NETWORK_SETTINGS = {"alive_check_after_seconds": 0.0}

LINES_OF = """(selector) => [...document.querySelectorAll(selector)].map((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
    return [element.textContent.trim(), tops.size];
})"""


async def test_connection_state_messages_and_layout(network, platforms):
    hub = network.hub
    refused = await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to="XX:ZZZ", frm="NL:CPA"
    )
    assert refused.status_code == 4001
    network.cpo.versions_available = False
    await hub.context.liveness.check_once()  # the CPO does not answer: its party goes OFFLINE
    await invite_for(hub, await platforms([Role("FR", "NEW", "CPO")]))
    async with chromium_page() as page:
        await page.set_viewport_size({"width": 1400, "height": 900})
        await sign_in(page, hub)
        assert "NL:CPA:CPO" in await page.text_content("#offline-parties")
        assert "unknown receiver XX:ZZZ" in await page.text_content("main")
        await screenshot(page, "10-overview-offline")

        await page.goto(f"{hub.url}/admin/platforms")
        cpo_row = page.locator("tr", has_text="NL:CPA CPO")
        assert (await cpo_row.locator(".badge").text_content()).strip() == "offline"
        assert "bad" in await cpo_row.locator(".badge").get_attribute("class")
        emsp_row = page.locator("tr", has_text="DE:EMA EMSP")
        assert (await emsp_row.locator(".badge").text_content()).strip() == "connected"
        invited_row = page.locator("tr", has_text="FR:NEW CPO")
        assert "invited" in await invited_row.locator(".badge").text_content()
        await invited_row.locator("a").click()
        assert "not connected yet" in await page.text_content("dl.facts")
        await screenshot(page, "11-platform-invited")

        await page.goto(f"{hub.url}/admin/traffic")
        failed_row = page.locator("#traffic-rows tr", has_text="XX:ZZZ")
        assert "unknown receiver XX:ZZZ" in await failed_row.locator("td.message").text_content()
        await screenshot(page, "12-traffic-wide")
        for path in ("/admin/", "/admin/platforms", "/admin/traffic", "/admin/agreements"):
            await page.goto(f"{hub.url}{path}")
            for text, lines in await page.evaluate(LINES_OF, "th, td.time"):
                assert lines <= 1, f"{path}: {text!r} wraps onto {lines} lines at 1400 px"

        await page.set_viewport_size({"width": 375, "height": 800})
        for path in ("/admin/", "/admin/platforms", "/admin/traffic", "/admin/agreements"):
            await page.goto(f"{hub.url}{path}")
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow} px wider than a phone"
            await screenshot(page, "13-phone" + path.replace("/", "-").rstrip("-"))

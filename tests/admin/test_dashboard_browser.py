"""An operator's morning in a real headless Chromium: sign in, invite a platform, agree, suspend, find a message.
Screenshots of every page go to test-artifacts/screenshots/."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.admin.browser import chromium_page, screenshot
from tests.hub_server import ADMIN_TOKEN, call


async def route_session(network, request_id: str = "") -> int:
    headers = {"X-Request-ID": request_id} if request_id else {}
    answer = await network.send(
        network.duo,
        "PUT",
        network.url("receiver", "sessions", "/NL/DUO/S1"),
        {"id": "S1"},
        to="DE:EMB",
        frm="NL:DUO",
        headers=headers,
    )
    return answer.status_code


async def sign_in(page, hub) -> None:
    await page.goto(f"{hub.url}/admin/")
    assert "/admin/login" in page.url
    await page.fill("#token", ADMIN_TOKEN)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{hub.url}/admin/")


async def test_an_operators_journey(network):
    hub = network.hub
    await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S0"), {"id": "S0"}, to="DE:EMA", frm="NL:CPA"
    )
    await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S0"), {"id": "S0"}, to="XX:YYY", frm="NL:CPA"
    )
    async with chromium_page() as page:
        await page.goto(f"{hub.url}/admin/")
        await screenshot(page, "01-login")
        await page.fill("#token", "not the token")
        await page.click("button[type=submit]")
        assert await page.text_content(".error") == "That is not the admin token."
        await page.fill("#token", ADMIN_TOKEN)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{hub.url}/admin/")
        assert "3" in await page.text_content(".tile .number")
        assert await page.locator("svg.chart").count() == 2
        await screenshot(page, "02-overview")

        # Invite a platform: its Token A is shown once, and works.
        await page.click("text=Platforms")
        await page.fill("#parties", "FR:NEW:CPO")
        await page.fill("#name", "Nouvelle Recharge")
        await page.click("form.grid button[type=submit]")
        token_a = (await page.text_content("#token-a")).strip()
        assert (await call("GET", hub.versions_url, token_a)).status == 200
        assert await page.locator("text=Nouvelle Recharge").count() == 1
        await screenshot(page, "03-platforms-invited")
        await page.fill("#parties", "FR:NEW:KING")
        await page.click("form.grid button[type=submit]")
        assert "role must be one of" in await page.text_content(".error")

        # A platform's page.
        await page.click("text=NL:DUO:CPO")
        await page.click("text=Platforms")
        duo_link = page.locator(
            "a", has_text=next(p.name for p in hub.context.directory.platforms() if p.parties[0].party_id == "DUO")
        )
        await duo_link.click()
        assert await page.locator("text=NL:DUO").count() >= 1
        assert await page.locator("text=receiver").count() >= 1
        await screenshot(page, "04-platform")

        # Agree, and routing starts; suspend, and it stops.
        assert await route_session(network) == 4902
        await page.click("text=Agreements")
        await page.select_option("#first", "NL:DUO:CPO")
        await page.select_option("#second", "DE:EMB:EMSP")
        await page.check("input[value=sessions]")
        await page.select_option("#state", "PROPOSED")
        await page.click("text=Record agreement")
        assert "PROPOSED" in await page.text_content("[role=status]")
        assert await route_session(network) == 4902, "a proposed agreement routes nothing"
        row = page.locator("tr", has_text="DE:EMB:EMSP ⇄ NL:DUO:CPO")
        await row.locator("button", has_text="Activate").click()
        await page.wait_for_load_state()
        assert "ACTIVE" in await row.text_content()
        assert await route_session(network, "journey-1") == 1000
        await screenshot(page, "05-agreements-active")
        await row.locator("button", has_text="Suspend").click()
        await page.wait_for_load_state()
        assert "SUSPENDED" in await row.text_content()
        assert await route_session(network) == 4902
        await screenshot(page, "06-agreements-suspended")
        await page.select_option("#first", "NL:DUO:CPO")
        await page.select_option("#second", "NL:DUO:CPO")
        await page.click("text=Record agreement")
        assert "two different parties" in await page.text_content(".error")

        # Find the routed message by its X-Request-ID; then watch new traffic arrive without reloading.
        await page.click("text=Traffic")
        await page.fill("input[name=request_id]", "journey-1")
        await page.click("text=Filter")
        rows = page.locator("#traffic-rows tr")
        assert await rows.count() == 1
        assert "DE:EMB" in await rows.first.text_content()
        await screenshot(page, "07-traffic-request-id")
        await page.goto(f"{hub.url}/admin/traffic?party=NL:CPA&failed=true")
        before = await rows.count()
        await network.send(
            network.cpo,
            "PUT",
            network.url("receiver", "sessions", "/NL/CPA/S9"),
            {"id": "S9"},
            to="XX:ZZZ",
            frm="NL:CPA",
            headers={"X-Request-ID": "live-1"},
        )
        await page.wait_for_selector("text=live-1", timeout=5000)
        assert await rows.count() == before + 1
        await screenshot(page, "08-traffic-live")


async def test_forms_without_the_csrf_token_are_refused(network):
    hub = network.hub
    async with chromium_page() as page:
        await sign_in(page, hub)
        cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with aiohttp.ClientSession(cookies=cookies) as session:
        data = {"first": "NL:DUO:CPO", "second": "DE:EMB:EMSP"}
        async with session.post(f"{hub.url}/admin/agreements", data=data) as response:
            assert response.status == 403
    assert len(await hub.context.store.agreements.list_all()) == 4, "nothing was created"


async def test_pages_need_a_session(network):
    async with aiohttp.ClientSession() as session:
        for path in ("/admin/", "/admin/platforms", "/admin/agreements", "/admin/traffic"):
            async with session.get(f"{network.hub.url}{path}", allow_redirects=False) as response:
                assert response.status == 303
                assert response.headers["Location"].startswith("/admin/login")
        await asyncio.sleep(0)

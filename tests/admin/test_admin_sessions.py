"""Dashboard sessions end when they should: at sign-out (on every hub process), after the idle time, and when the
admin token changes. Real HTTP, two hub processes on one store."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.hub_server import ADMIN_TOKEN, hub_settings, running_hub


async def sign_in(session: aiohttp.ClientSession, hub, token: str = ADMIN_TOKEN) -> str:
    async with session.post(
        f"{hub.url}/admin/login", data={"token": token, "next": "/admin/"}, allow_redirects=False
    ) as response:
        assert response.status == 303
        return response.cookies["ocpi_hub_admin"].value


async def page_status(hub, cookie: str, path: str = "/admin/platforms") -> int:
    async with (
        aiohttp.ClientSession(cookies={"ocpi_hub_admin": cookie}) as session,
        session.get(f"{hub.url}{path}", allow_redirects=False) as response,
    ):
        return response.status


async def test_signing_out_ends_the_session_on_every_process(store_url):
    async with running_hub(hub_settings(store_url)) as first, running_hub(hub_settings(store_url)) as second:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            cookie = await sign_in(browser, first)
            assert await page_status(first, cookie) == 200
            assert await page_status(second, cookie) == 200, "a session is good on every process"
            async with browser.get(f"{first.url}/admin/") as page:
                csrf = (await page.text()).split('name="csrf" value="')[1].split('"')[0]
            async with browser.post(f"{first.url}/admin/logout", data={"csrf": csrf}, allow_redirects=False) as out:
                assert out.status == 303
        # The copied cookie is worth nothing anywhere now.
        assert await page_status(first, cookie) == 303
        assert await page_status(second, cookie) == 303
        assert await page_status(second, cookie, "/admin/api/platforms") == 401


async def test_an_idle_session_ends(store_url):
    async with running_hub(hub_settings(store_url, admin_session_idle_minutes=0.01)) as hub:  # 0.6 s
        async with aiohttp.ClientSession() as browser:
            cookie = await sign_in(browser, hub)
        assert await page_status(hub, cookie) == 200
        await asyncio.sleep(0.3)
        assert await page_status(hub, cookie) == 200, "a page view keeps it alive"
        await asyncio.sleep(0.3)
        assert await page_status(hub, cookie) == 200
        await asyncio.sleep(0.9)
        assert await page_status(hub, cookie) == 303


async def test_a_new_admin_token_ends_every_session(store_url):
    async with running_hub(hub_settings(store_url)) as hub:
        async with aiohttp.ClientSession() as browser:
            cookie = await sign_in(browser, hub)
        assert await page_status(hub, cookie) == 200
    async with running_hub(hub_settings(store_url, admin_token="another-admin-token-0123456")) as hub:
        assert await page_status(hub, cookie) == 303

"""Per-platform rate limits as operators set them, over real parts: the CLI (a running hub applies it within a
second), the admin API (checked against openapi.yaml), the routing YAML's `platforms:` section, and the dashboard
in a real headless Chromium. Each then shows in what the platform is answered."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
import yaml

from tests.admin.browser import chromium_page, screenshot
from tests.admin.openapi_check import check_request
from tests.admin.test_admin_api import BEARER, api
from tests.admin.test_dashboard_browser import sign_in
from tests.cli_runner import run_cli
from tests.hub_server import hub_settings, start_hub
from tests.onboarding import onboard
from tests.traffic.test_rate_limits import CPO, EMSP, inside_one_minute, push, refused_platform

PLATFORM = "/platforms/{platform_id}"


@pytest.fixture
async def network(store_url, platforms):
    hub = await start_hub(hub_settings(store_url, rate_limit_pushes_per_minute=3, rate_limit_sync_seconds=0.2))
    emsp, cpo = await platforms([EMSP]), await platforms([CPO])
    for platform in (emsp, cpo):
        await onboard(hub, platform)
    try:
        yield hub, cpo
    finally:
        await hub.stop()


async def statuses(hub, cpo, count: int, prefix: str) -> list[int]:
    return [(await push(hub.url, cpo, CPO, f"{prefix}{n}")).status_code for n in range(count)]


def limits_of(hub) -> dict[str, int]:
    return hub.context.directory.get(refused_platform(hub, "NL:CPA:CPO")).rate_limits


async def until(check, seconds: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "the running hub did not pick the change up"
        await asyncio.sleep(0.05)


async def test_the_cli_sets_and_shows_a_platforms_limits(network):
    hub, cpo = network
    store = hub.settings.store
    code, out, err = await run_cli(
        "platforms", "set-limits", "nl:cpa:cpo", "pushes=5", "gets=0", "--store", store,
        environ={"OCPI_HUB_RATE_LIMIT_PUSHES_PER_MINUTE": "3"},
    )  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].endswith(": rate limits per minute")
    assert [line.split() for line in lines[1:]] == [
        ["authorize", "3000", "(the", "hub's)"],
        ["commands", "3000", "(the", "hub's)"],
        ["pushes", "5", "(its", "own)"],
        ["gets", "no", "limit", "(its", "own)"],
    ]
    assert "rate limits set" in err and "by='cli platforms set-limits (" in err
    await until(lambda: limits_of(hub) == {"pushes": 5, "gets": 0})
    await inside_one_minute()
    assert await statuses(hub, cpo, 6, "A") == [1000] * 5 + [2903]

    code, out, _ = await run_cli("platforms", "set-limits", "NL:CPA:CPO", "pushes=default", "--store", store)
    assert code == 0 and "pushes" in out
    await until(lambda: limits_of(hub) == {"gets": 0})
    # Mistakes are one line, and change nothing.
    for args, expected in (
        (("pushes=lots",), "pushes: a whole number of requests per minute"),
        (("pings=5",), "unknown rate limit class 'pings'; the classes are: authorize, commands, pushes, gets"),
        (("pushes",), "write CLASS=N (per minute) or CLASS=default"),
    ):
        code, _, err = await run_cli("platforms", "set-limits", "NL:CPA:CPO", *args, "--store", store)
        assert code != 0 and expected in err and "Traceback" not in err, err
    assert limits_of(hub) == {"gets": 0}


async def test_the_admin_api_and_the_routing_yaml_set_limits(network):
    hub, cpo = network
    platform_id = refused_platform(hub, "NL:CPA:CPO")
    change = {"rate_limits": {"pushes": 4, "commands": None}}
    assert check_request(PLATFORM, "PATCH", change)
    status, patched = await api(hub, "PATCH", f"/platforms/{platform_id}", change, template=PLATFORM)
    assert status == 200
    in_force = {row["class"]: (row["per_minute"], row["overridden"]) for row in patched["rate_limits"]}
    assert in_force == {
        "authorize": (3000, False),
        "commands": (3000, False),
        "pushes": (4, True),
        "gets": (3000, False),
    }
    await inside_one_minute()
    assert await statuses(hub, cpo, 5, "B") == [1000] * 4 + [2903]
    status, refused = await api(
        hub, "PATCH", f"/platforms/{platform_id}", {"rate_limits": {"pings": 3}}, template=PLATFORM
    )
    assert status == 422 and "unknown rate limit class 'pings'" in refused["error"]["message"]

    status, exported = await api(hub, "GET", "/agreements.yaml", template="/agreements.yaml")
    assert status == 200
    document = yaml.safe_load(exported)
    (entry,) = [p for p in document["platforms"] if "NL:CPA:CPO" in p["parties"]]
    assert entry["rate_limits"] == {"pushes": 4}
    entry["rate_limits"] = {"pushes": 2, "authorize": 100}
    yaml_headers = {**BEARER, "Content-Type": "application/yaml"}
    status, counts = await api(
        hub, "PUT", "/agreements.yaml", raw=yaml.safe_dump(document), headers=yaml_headers, template="/agreements.yaml"
    )
    assert status == 200 and counts["rate_limits_changed"] == 1, counts
    assert limits_of(hub) == {"pushes": 2, "authorize": 100}


async def test_the_dashboard_shows_and_sets_a_platforms_limits(network):
    hub, cpo = network
    platform_id = refused_platform(hub, "NL:CPA:CPO")
    async with chromium_page() as page:
        await page.set_viewport_size({"width": 1400, "height": 900})
        await sign_in(page, hub)
        await page.goto(f"{hub.url}/admin/platforms/{platform_id}")
        rows = page.locator("#rate-limits tbody tr")
        assert await rows.count() == 4
        pushes = page.locator("#rate-limits tr", has_text="pushes")
        assert "3" in await pushes.locator("td.limit").text_content()
        assert "(the hub's)" in await pushes.locator("td.limit").text_content()
        await page.fill("input[name=pushes]", "2")
        await page.click("#rate-limits button[type=submit]")
        await page.wait_for_url(f"{hub.url}/admin/platforms/{platform_id}")
        assert (await pushes.locator("td.limit").text_content()).split() == ["2"]
        assert await page.input_value("input[name=pushes]") == "2"
        await screenshot(page, "30-platform-rate-limits")
        assert limits_of(hub) == {"pushes": 2}
        await inside_one_minute()
        assert await statuses(hub, cpo, 3, "C") == [1000, 1000, 2903]

        # A value the form would not let through (a stale page, a hand-made request): refused on the page.
        await page.evaluate("document.querySelector('input[name=gets]').type = 'text'")
        await page.fill("input[name=gets]", "many")
        await page.click("#rate-limits button[type=submit]")
        assert "gets: a whole number of requests per minute" in await page.text_content("#rate-limits .error")
        assert limits_of(hub) == {"pushes": 2}

        await page.set_viewport_size({"width": 375, "height": 800})
        await page.goto(f"{hub.url}/admin/platforms/{platform_id}")
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the platform page is {overflow} px wider than a phone"
        cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with (
        aiohttp.ClientSession(cookies=cookies) as session,
        session.post(f"{hub.url}/admin/platforms/{platform_id}/rate-limits", data={"pushes": "100"}) as response,
    ):
        assert response.status == 403, "no CSRF token: refused"
    assert limits_of(hub) == {"pushes": 2}

"""Failing fast on a dead receiver, over real HTTP: after `breaker_failures` consecutive time-outs or connection
failures, requests for it are answered 4003 at once (nothing sent), its parties go OFFLINE for the others (pushed
as ClientInfo), the dashboard's data and /metrics show it; when it answers the hub's probe again, its parties are
CONNECTED and requests flow. Other receivers are never affected."""

from __future__ import annotations

import asyncio

import pytest

from tests.admin.browser import chromium_page, screenshot
from tests.admin.test_admin_api import api
from tests.admin.test_dashboard_browser import sign_in
from tests.hub_server import call, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Reply, Role
from tests.traffic.test_rate_limits import refused_platform

CPO = Role("NL", "CPA", "CPO")
EMSP = Role("DE", "EMA", "EMSP")
OTHER_EMSP = Role("BE", "OTH", "EMSP")


async def put(hub, cpo, to: Role, location_id: str):
    headers = {
        "OCPI-from-country-code": "NL",
        "OCPI-from-party-id": "CPA",
        "OCPI-to-country-code": to.country_code,
        "OCPI-to-party-id": to.party_id,
    }
    location = {"id": location_id, "country_code": "NL", "party_id": "CPA", "last_updated": "2026-12-01T10:00:00Z"}
    url = f"{hub.url}/ocpi/2.2.1/receiver/locations/NL/CPA/{location_id}"
    return await call("PUT", url, cpo.hub_token, location, headers=headers)


async def until(check, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "did not happen in time"
        await asyncio.sleep(0.05)


@pytest.fixture
async def network(request, store_url, platforms):
    """`@pytest.mark.parametrize("network", [seconds], indirect=True)`: the cool-down (0.5 s by default)."""
    settings = hub_settings(
        store_url,
        forward_timeout_seconds=0.4,
        breaker_failures=3,
        breaker_cooldown_seconds=getattr(request, "param", 0.5),
        alive_check_after_seconds=3600.0,
    )
    hub = await start_hub(settings)
    cpo, emsp, other = await platforms([CPO]), await platforms([EMSP]), await platforms([OTHER_EMSP])
    for platform in (cpo, emsp, other):
        await onboard(hub, platform)
    await hub.context.drain()
    try:
        yield hub, cpo, emsp, other
    finally:
        await hub.stop()


@pytest.mark.parametrize("network", [30.0], indirect=True)
async def test_a_hung_receiver_is_failed_fast_after_the_threshold(network):
    hub, cpo, emsp, _ = network
    emsp.default_reply = Reply(delay=3.0)  # it accepts the connection and never answers in time
    answers = [await put(hub, cpo, EMSP, f"L{n}") for n in range(3)]
    assert [a.status_code for a in answers] == [4002] * 3
    assert len(emsp.received) == 3
    fast = await put(hub, cpo, EMSP, "L3")
    assert fast.status_code == 4003
    assert "not sent: it failed 3 times in a row" in fast.body["status_message"]
    assert len(emsp.received) == 3, "nothing more is sent to it"
    # Another receiver is not affected.
    assert (await put(hub, cpo, OTHER_EMSP, "M1")).status_code == 1000

    emsp_id = refused_platform(hub, "DE:EMA:EMSP")
    await until(lambda: any(p["party_id"] == "EMA" and p["status"] == "OFFLINE" for p in cpo.client_info_pushes))
    status, platform = await api(hub, "GET", f"/platforms/{emsp_id}", template="/platforms/{platform_id}")
    assert status == 200 and platform["receiver"]["state"] == "open"
    assert "timed out" in platform["receiver"]["reason"] or "did not answer" in platform["receiver"]["reason"]
    async with chromium_page() as page:
        await sign_in(page, hub)
        await page.goto(f"{hub.url}/admin/platforms/{emsp_id}")
        shown = await page.text_content("#receiver-state")
        assert "failing fast" in shown and "3 failures in a row" in shown
        await screenshot(page, "31-receiver-failing-fast")
    metrics = hub.context.metrics.render().decode()
    assert f'ocpi_hub_receiver_failing_fast{{platform="{emsp_id}"}} 1.0' in metrics
    assert f'ocpi_hub_receiver_breaker_opened_total{{platform="{emsp_id}"}} 1.0' in metrics
    await hub.context.messages.flush()
    outcomes = [r.outcome for r in await hub.context.store.messages.query(party="DE:EMA")]
    assert outcomes.count("failing-fast") >= 1 and outcomes.count("timeout") == 3


async def test_a_receiver_that_was_down_is_probed_and_used_again_when_it_is_back(network):
    hub, cpo, emsp, _ = network
    await emsp.stop()  # connections refused
    answers = [await put(hub, cpo, EMSP, f"L{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [4003] * 4
    assert "not sent: it failed 3 times in a row" in answers[-1].body["status_message"]
    await until(lambda: any(p["party_id"] == "EMA" and p["status"] == "OFFLINE" for p in cpo.client_info_pushes))
    went_offline = len(cpo.client_info_pushes)

    await emsp.start()  # back, on the same port
    await until(
        lambda: any(
            p["party_id"] == "EMA" and p["status"] == "CONNECTED" for p in cpo.client_info_pushes[went_offline:]
        )
    )
    emsp_id = refused_platform(hub, "DE:EMA:EMSP")
    await until(lambda: hub.context.breakers.view(emsp_id)["state"] == "closed")
    answer = await put(hub, cpo, EMSP, "L9")
    assert answer.status_code == 1000, answer.body
    assert [r.path for r in emsp.received] == ["/ocpi/2.2.1/receiver/locations/NL/CPA/L9"]

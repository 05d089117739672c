"""Rate limits per calling platform, over real HTTP: a partner over its limit gets HTTP 429 with Retry-After and a
2903 envelope, nothing is forwarded, the message log and metrics record it, other partners are unaffected; a
per-platform override lifts or tightens it; two hub processes on one store share the count (within the stated
tolerance: what the other process admits in one sync interval)."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.hub_server import call, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Role

CPO = Role("NL", "CPA", "CPO")
OTHER_CPO = Role("NL", "CPB", "CPO")
EMSP = Role("DE", "EMA", "EMSP")
LOCATION = {"id": "LOC1", "country_code": "NL", "party_id": "CPA", "last_updated": "2026-12-01T10:00:00Z"}


async def inside_one_minute(seconds_needed: float = 10.0) -> None:
    """The limits count per clock minute: start where the whole test fits in one."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        await asyncio.sleep(left + 0.05)


async def push(hub_url: str, platform, role: Role, location_id: str) -> object:
    headers = {
        "OCPI-from-country-code": role.country_code,
        "OCPI-from-party-id": role.party_id,
        "OCPI-to-country-code": "DE",
        "OCPI-to-party-id": "EMA",
    }
    location = {**LOCATION, "id": location_id, "party_id": role.party_id}
    url = f"{hub_url}/ocpi/2.2.1/receiver/locations/{role.country_code}/{role.party_id}/{location_id}"
    return await call("PUT", url, platform.hub_token, location, headers=headers)


@pytest.fixture
async def limited(store_url, platforms):
    hub = await start_hub(hub_settings(store_url, rate_limit_pushes_per_minute=5, rate_limit_sync_seconds=0.2))
    emsp, cpo, other = await platforms([EMSP]), await platforms([CPO]), await platforms([OTHER_CPO])
    for platform in (emsp, cpo, other):
        await onboard(hub, platform)
    try:
        yield hub, emsp, cpo, other
    finally:
        await hub.stop()


async def test_a_partner_over_its_limit_gets_429_and_others_are_unaffected(limited):
    hub, emsp, cpo, other = limited
    await inside_one_minute()
    answers = [await push(hub.url, cpo, CPO, f"L{n}") for n in range(7)]
    assert [a.status_code for a in answers] == [1000] * 5 + [2903] * 2
    refused = answers[-1]
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "may send 5 pushes requests a minute" in refused.body["status_message"]
    assert len(emsp.received) == 5, "nothing over the limit is forwarded"
    # Another partner has its own count; GETs are another class.
    assert [(await push(hub.url, other, OTHER_CPO, f"M{n}")).status_code for n in range(3)] == [1000] * 3
    listing = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)
    assert listing.status == 200

    await hub.context.messages.flush()
    records = await hub.context.store.messages.query(platform_id=refused_platform(hub, "NL:CPA:CPO"))
    assert [r.outcome for r in records].count("rate-limited") == 2
    assert all(r.http_status == 429 and r.status_code == 2903 for r in records if r.outcome == "rate-limited")
    metrics = hub.context.metrics.render().decode()
    assert 'ocpi_hub_rate_limited_total{platform="' + refused_platform(hub, "NL:CPA:CPO") in metrics


async def test_a_per_platform_override_lifts_or_tightens_the_limit(limited):
    hub, _, cpo, other = limited
    await inside_one_minute()
    platform_id = refused_platform(hub, "NL:CPA:CPO")
    await hub.context.limits.set(platform_id, {"pushes": 0}, "test")  # no limit for it
    assert [(await push(hub.url, cpo, CPO, f"L{n}")).status_code for n in range(8)] == [1000] * 8
    other_id = refused_platform(hub, "NL:CPB:CPO")
    await hub.context.limits.set(other_id, {"pushes": 2}, "test")
    assert [(await push(hub.url, other, OTHER_CPO, f"M{n}")).status_code for n in range(3)] == [1000, 1000, 2903]


def refused_platform(hub, party_key: str) -> str:
    (platform,) = [p for p in hub.context.directory.platforms() if party_key in p.party_keys]
    return platform.id


async def test_two_hub_processes_on_one_store_share_the_count(store_url, platforms):
    limit, sync = 40, 0.2
    settings = {"rate_limit_pushes_per_minute": limit, "rate_limit_sync_seconds": sync}
    first = await start_hub(hub_settings(store_url, **settings))
    second = await start_hub(hub_settings(store_url, **settings))
    try:
        emsp, cpo = await platforms([EMSP]), await platforms([CPO])
        await onboard(first, emsp)
        await onboard(first, cpo)
        await asyncio.sleep(0.5)  # the second process has picked up the registrations
        await inside_one_minute(20)
        # A steady stream alternating between the two processes, well past the limit, over several sync intervals.
        admitted = 0
        started = time.monotonic()
        for n in range(120):
            answer = await push((first, second)[n % 2].url, cpo, CPO, f"L{n}")
            admitted += answer.status_code == 1000
            await asyncio.sleep(0.01)
        elapsed = time.monotonic() - started
        per_interval = 120 / elapsed * sync  # requests both processes get in one sync interval
        print(f"two processes, limit {limit}: admitted {admitted}; {per_interval:.1f} requests per sync interval")
        assert admitted >= limit, "the limit is never lower than set"
        # Each process can admit what the other admitted since its last sync: at most one interval's traffic.
        assert admitted <= limit + per_interval + 2, (admitted, per_interval)
        assert len(emsp.received) == admitted
    finally:
        await first.stop()
        await second.stop()

"""How fast changes made on one hub process reach another on the same store (SQLite and MongoDB), with the
default `directory_refresh_seconds` (1 s): a registration, a deletion, an agreement, a platform's rate limits.
The figures are printed (docs/deployment.md quotes them); the test asserts only that each arrives."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from hub.platforms.parties import parse_party
from storage.models import AgreementState
from tests.hub_server import ADMIN_TOKEN, call, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Role

DEADLINE = 10.0


async def seconds_until(check) -> float:
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < DEADLINE, "the change did not reach the other process"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_changes_on_one_process_reach_the_other(shared_store_url, platforms):
    settings = {"directory_refresh_seconds": 1.0, "routing_policy": "agreements"}
    first = await start_hub(hub_settings(shared_store_url, **settings))
    second = await start_hub(hub_settings(shared_store_url, **settings))
    figures = {}
    try:
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        emsp = await platforms([Role("DE", "EMA", "EMSP")])
        await onboard(first, emsp)
        await onboard(first, cpo)
        figures["registration"] = await seconds_until(lambda: _accepted(second.versions_url, cpo.hub_token))

        await first.context.agreements.add(
            parse_party("NL:CPA:CPO"), parse_party("DE:EMA:EMSP"), [], AgreementState.ACTIVE
        )
        figures["agreement"] = await seconds_until(
            lambda: _is(second.context.routing.agreements.allows("NL:CPA:CPO", "DE:EMA:EMSP", "locations"))
        )

        (platform,) = [p for p in first.context.directory.platforms() if "NL:CPA:CPO" in p.party_keys]
        await first.context.limits.set(platform.id, {"pushes": 7}, "test")
        figures["rate limits"] = await seconds_until(
            lambda: _is(second.context.directory.get(platform.id).rate_limits == {"pushes": 7})
        )

        async with (
            aiohttp.ClientSession() as session,
            session.delete(
                f"{first.url}/admin/api/platforms/{platform.id}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
            ) as response,
        ):
            assert response.status == 204
        figures["deletion"] = await seconds_until(lambda: _refused(second.versions_url, cpo.hub_token))
    finally:
        await first.stop()
        await second.stop()
    store = shared_store_url.split(":", 1)[0]
    print(f"{store}: " + ", ".join(f"{kind} {seconds:.2f} s" for kind, seconds in figures.items()))


async def _is(value: bool) -> bool:
    return value


async def _accepted(url: str, token: str) -> bool:
    return (await call("GET", url, token)).status == 200


async def _refused(url: str, token: str) -> bool:
    return (await call("GET", url, token)).status == 401

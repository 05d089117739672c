"""State survives a hub restart, and several hub processes sharing one store see each other's changes."""

from __future__ import annotations

import asyncio

from tests.hub_server import call, free_port, hub_settings, start_hub
from tests.onboarding import invite_for, onboard
from tests.platform_sim import Role

CPO = Role("NL", "CPA", "CPO")
EMSP = Role("DE", "EMA", "EMSP")


async def test_registrations_survive_a_restart(store_url, platforms):
    port = free_port()
    hub = await start_hub(hub_settings(store_url, port=port))
    emsp = await platforms([EMSP])
    cpo = await platforms([CPO])
    try:
        await onboard(hub, emsp)
        await onboard(hub, cpo)
        planned_token_a = await invite_for(hub, await platforms([Role("FR", "PLA", "CPO")]))
        await hub.context.notifier.drain()
    finally:
        await hub.stop()

    hub = await start_hub(hub_settings(store_url, port=port))
    try:
        # Tokens issued before the restart still work; Token A of the pending invitation too.
        listing = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)
        assert listing.status == 200
        assert {(c["party_id"], c["status"]) for c in listing.data} == {("EMA", "CONNECTED"), ("PLA", "PLANNED")}
        assert (await call("GET", hub.versions_url, planned_token_a)).status == 200
        # The partner tokens were decrypted with the same key: the hub can still reach the eMSP.
        await call("DELETE", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token)
        await hub.context.notifier.drain()
        assert emsp.client_info[("NL", "CPA")]["status"] == "SUSPENDED"
    finally:
        await hub.stop()


async def test_two_hub_processes_on_one_store_share_registrations_and_revocations(store_url, platforms):
    first = await start_hub(hub_settings(store_url))
    second = await start_hub(hub_settings(store_url))
    try:
        cpo = await platforms([CPO])
        await onboard(first, cpo)
        # A token issued by one process is good at the other at once (unknown tokens are looked up in the store).
        assert (await call("GET", second.versions_url, cpo.hub_token)).status == 200
        # Unregistering at one process voids the token at the other within the refresh interval.
        await call("DELETE", f"{first.url}/ocpi/2.2.1/credentials", cpo.hub_token)
        for _ in range(50):
            if (await call("GET", second.versions_url, cpo.hub_token)).status == 401:
                break
            await asyncio.sleep(second.settings.directory_refresh_seconds / 2)
        assert (await call("GET", second.versions_url, cpo.hub_token)).status == 401
    finally:
        await first.stop()
        await second.stop()

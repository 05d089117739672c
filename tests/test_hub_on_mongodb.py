"""The whole hub on the MongoDB adapter (SecantusDB over the wire, or a real MongoDB when configured)."""

from __future__ import annotations

import uuid

from storage.models import ConnectionStatus
from tests.hub_server import call, hub_settings, start_hub
from tests.mongo_server import real_mongodb_uri
from tests.onboarding import invite_for, onboard
from tests.platform_sim import Role


async def test_register_rotate_restart_and_unregister_on_mongodb(secantus_uri, platforms):
    base = real_mongodb_uri() or secantus_uri
    store_url = f"{base.rstrip('/')}/hub_{uuid.uuid4().hex[:10]}"
    settings = hub_settings(store_url)
    hub = await start_hub(settings)
    try:
        emsp = await platforms([Role("DE", "EMA", "EMSP"), Role("DE", "EMB", "EMSP")])
        await onboard(hub, emsp)
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        token_a = await invite_for(hub, cpo)
        assert (await cpo.register(hub.versions_url, token_a)).status_code == 1000
        cpo.token_for_hub = "rotated-" + uuid.uuid4().hex
        rotated = await call("PUT", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token, cpo.credentials())
        assert rotated.status_code == 1000
        cpo.hub_token = rotated.data["token"]
        await hub.context.notifier.drain()
    finally:
        await hub.stop()

    hub = await start_hub(settings)
    try:
        assert (await call("GET", hub.versions_url, token_a)).status == 401
        listing = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)
        assert {(c["party_id"], c["status"]) for c in listing.data} == {("EMA", "CONNECTED"), ("EMB", "CONNECTED")}
        assert (await call("DELETE", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token)).status_code == 1000
        await hub.context.notifier.drain()
        assert [p["status"] for p in emsp.client_info_pushes] == ["PLANNED", "CONNECTED", "SUSPENDED"]
        (stored,) = [p for p in await hub.context.store.platforms.list_all() if p.parties[0].role == "CPO"]
        assert stored.parties[0].status is ConnectionStatus.SUSPENDED
    finally:
        store = hub.context.store
        await store._client.drop_database(store._database.name)
        await hub.stop()

"""A platform the operator deletes on one hub process stops working on every other process within a second, on
the embedded store and on MongoDB (the deletion is a change in the store's change sequence, not only a missing
record that a full resync would notice half a minute later)."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from tests.hub_process import hub_process
from tests.hub_server import ADMIN_TOKEN, call, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Role


async def test_a_deleted_platform_is_refused_by_the_other_process_at_once(shared_store_url, platforms):
    first = await start_hub(hub_settings(shared_store_url))
    try:
        # The second process never re-reads every platform during the test: only the change sequence can tell it.
        async with hub_process(shared_store_url, directory_resync_seconds="3600") as second:
            cpo = await platforms([Role("NL", "CPA", "CPO")])
            await onboard(first, cpo)
            assert (await call("GET", second.versions_url, cpo.hub_token)).status == 200
            (platform,) = first.context.directory.platforms()
            async with (
                aiohttp.ClientSession() as session,
                session.delete(
                    f"{first.url}/admin/api/platforms/{platform.id}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
                ) as response,
            ):
                assert response.status == 204
            deleted_at = time.monotonic()
            status = 200
            while status != 401 and time.monotonic() - deleted_at < 10:
                status = (await call("GET", second.versions_url, cpo.hub_token)).status
                await asyncio.sleep(0.05)
            assert status == 401, "the other process still accepts the deleted platform's token"
            assert (await call("GET", first.versions_url, cpo.hub_token)).status == 401
    finally:
        await first.stop()

"""Token rotation never locks a platform out: when the answer to a credentials POST or PUT is lost in flight, the
token the platform still has keeps working until it first uses the new one (or credentials_overlap_seconds pass),
and never both after that."""

from __future__ import annotations

import asyncio
import base64
import secrets

import aiohttp
import orjson

from hub.platforms.tokens import hash_token
from tests.hub_server import call, hub_settings, running_hub
from tests.onboarding import invite_for, onboard
from tests.platform_sim import Role

CPO = Role("NL", "CPA", "CPO")


async def _send_and_drop(url: str, token: str, body: dict) -> None:
    """A credentials request whose answer never reaches the platform: it gives up while the hub still works."""
    headers = {
        "Authorization": "Token " + base64.b64encode(token.encode()).decode(),
        "Content-Type": "application/json",
    }
    async with aiohttp.ClientSession() as session:
        try:
            async with session.request(
                body.pop("_method"), url, data=orjson.dumps(body), headers=headers, timeout=aiohttp.ClientTimeout(0.3)
            ):
                raise AssertionError("the answer was meant to be lost")
        except TimeoutError:
            pass


async def _until_rotated(hub, token: str) -> None:
    """Wait until the hub has finished the exchange whose answer was lost: `token` became the retiring one."""
    for _ in range(100):
        (platform,) = await hub.context.store.platforms.list_all()
        if platform.retiring_token_hash == hash_token(token):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the hub never completed the exchange")


async def test_a_put_whose_answer_was_lost_is_retried_with_the_old_token(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    assert (await call("GET", hub.versions_url, cpo.hub_token)).status == 200  # Token A retired
    old_token_c = cpo.hub_token
    cpo.token_for_hub = secrets.token_urlsafe(24)
    cpo.versions_delay = 1.0  # the hub's callback takes longer than the platform waits for the PUT's answer
    await _send_and_drop(f"{hub.url}/ocpi/2.2.1/credentials", old_token_c, {"_method": "PUT", **cpo.credentials()})
    await _until_rotated(hub, old_token_c)
    cpo.versions_delay = 0.0

    # The platform never saw its new Token C: it still has the old one, which still works, so it retries.
    assert (await call("GET", hub.versions_url, old_token_c)).status == 200
    retried = await call("PUT", f"{hub.url}/ocpi/2.2.1/credentials", old_token_c, cpo.credentials())
    assert retried.status_code == 1000
    new_token_c = retried.data["token"]

    assert (await call("GET", hub.versions_url, new_token_c)).status == 200
    assert (await call("GET", hub.versions_url, old_token_c)).status == 401, "never both once the new one is used"
    (platform,) = await hub.context.store.platforms.list_all()
    assert platform.retiring_token_hash is None and len(platform.token_hashes) == 1


async def test_a_registration_whose_answer_was_lost_is_retried_with_token_a(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    cpo.token_for_hub = secrets.token_urlsafe(24)
    cpo.versions_delay = 1.0
    await _send_and_drop(f"{hub.url}/ocpi/2.2.1/credentials", token_a, {"_method": "POST", **cpo.credentials()})
    await _until_rotated(hub, token_a)
    cpo.versions_delay = 0.0

    retried = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, cpo.credentials())
    assert (retried.status, retried.status_code) == (200, 1000), retried.body
    token_c = retried.data["token"]
    assert (await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", token_c)).status == 200
    assert (await call("GET", hub.versions_url, token_a)).status == 401
    again = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_c, cpo.credentials())
    assert (again.status, again.status_code) == (405, 2000), "a POST with Token C is still refused"


async def test_the_old_token_dies_when_the_overlap_ends(store_url, platforms):
    async with running_hub(hub_settings(store_url, credentials_overlap_seconds=0.5)) as hub:
        cpo = await platforms([CPO])
        await onboard(hub, cpo)
        old_token_c = cpo.hub_token
        cpo.token_for_hub = secrets.token_urlsafe(24)
        rotated = await call("PUT", f"{hub.url}/ocpi/2.2.1/credentials", old_token_c, cpo.credentials())
        assert rotated.status_code == 1000
        assert (await call("GET", hub.versions_url, old_token_c)).status == 200
        await asyncio.sleep(0.6)
        assert (await call("GET", hub.versions_url, old_token_c)).status == 401
        assert (await call("GET", hub.versions_url, rotated.data["token"])).status == 200


async def test_without_an_overlap_the_old_token_dies_at_once(store_url, platforms):
    async with running_hub(hub_settings(store_url, credentials_overlap_seconds=0)) as hub:
        cpo = await platforms([CPO])
        await onboard(hub, cpo)
        old_token_c = cpo.hub_token
        cpo.token_for_hub = secrets.token_urlsafe(24)
        rotated = await call("PUT", f"{hub.url}/ocpi/2.2.1/credentials", old_token_c, cpo.credentials())
        assert rotated.status_code == 1000
        assert (await call("GET", hub.versions_url, old_token_c)).status == 401


async def test_the_new_token_used_at_one_process_retires_the_old_one_at_the_other(store_url, platforms):
    async with (
        running_hub(hub_settings(store_url)) as first,
        running_hub(hub_settings(store_url)) as second,
    ):
        cpo = await platforms([CPO])
        await onboard(first, cpo)
        old_token_c = cpo.hub_token
        cpo.token_for_hub = secrets.token_urlsafe(24)
        rotated = await call("PUT", f"{first.url}/ocpi/2.2.1/credentials", old_token_c, cpo.credentials())
        assert (await call("GET", second.versions_url, old_token_c)).status == 200
        assert (await call("GET", first.versions_url, rotated.data["token"])).status == 200
        for _ in range(50):
            if (await call("GET", second.versions_url, old_token_c)).status == 401:
                break
            await asyncio.sleep(0.05)
        assert (await call("GET", second.versions_url, old_token_c)).status == 401

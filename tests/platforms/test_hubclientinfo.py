"""HubClientInfo: the sender GET (paginated) and the pushes on every status change of a party."""

from __future__ import annotations

import asyncio
import re

import pytest

from storage.models import ConnectionStatus
from tests.hub_server import call, hub_settings, start_hub
from tests.onboarding import invite_for, onboard
from tests.platform_sim import Role

CPO = Role("NL", "CPA", "CPO")
EMSP_ROLES = [Role("DE", "EMA", "EMSP"), Role("DE", "EMB", "EMSP")]  # one platform, two eMSP parties


def statuses(platform) -> dict[tuple[str, str], str]:
    return {key: info["status"] for key, info in platform.client_info.items()}


async def test_registration_is_pushed_to_every_other_platform(hub, platforms):
    emsp = await platforms(EMSP_ROLES)
    await onboard(hub, emsp)
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    await hub.context.notifier.drain()

    assert statuses(emsp) == {("NL", "CPA"): "CONNECTED"}
    assert [p["status"] for p in emsp.client_info_pushes] == ["PLANNED", "CONNECTED"], "invited, then registered"
    pushed = emsp.client_info_pushes[-1]
    assert pushed["role"] == "CPO" and pushed["party_id"] == "CPA" and pushed["country_code"] == "NL"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", pushed["last_updated"])
    assert cpo.client_info == {}, "no push to the platform about its own parties"
    # The pushes used the token each platform gave the hub, in the platform's encoding.
    assert all(token == emsp.token_for_hub for method, path, token in emsp.requests if method == "PUT")


async def test_no_push_to_platforms_without_a_hubclientinfo_receiver(hub, platforms):
    quiet = await platforms([Role("BE", "QUI", "EMSP")], hubclientinfo_receiver=False)
    await onboard(hub, quiet)
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    await hub.context.notifier.drain()
    assert [path for method, path, token in quiet.requests] == ["/ocpi/versions", "/ocpi/2.2.1"], "callbacks only"


async def test_unregistration_is_pushed_as_suspended(hub, platforms):
    emsp = await platforms(EMSP_ROLES)
    await onboard(hub, emsp)
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    await hub.context.notifier.drain()

    await call("DELETE", f"{hub.url}/ocpi/2.2.1/credentials", emsp.hub_token)
    await hub.context.notifier.drain()

    assert statuses(cpo) == {("DE", "EMA"): "SUSPENDED", ("DE", "EMB"): "SUSPENDED"}
    assert emsp.client_info_pushes[-1]["status"] == "CONNECTED", "an unregistered platform gets nothing more"


@pytest.fixture
async def probing(store_url, platforms):
    """A hub that probes every platform at each check, with an eMSP platform (two parties) and a CPO registered."""
    hub = await start_hub(hub_settings(store_url, alive_check_after_seconds=0.0))
    try:
        emsp = await platforms(EMSP_ROLES)
        await onboard(hub, emsp)
        cpo = await platforms([CPO])
        await onboard(hub, cpo)
        await hub.context.notifier.drain()
        yield hub, emsp, cpo
    finally:
        await hub.stop()


async def test_offline_and_back_is_pushed(probing):
    hub, emsp, cpo = probing

    cpo.versions_available = False
    await hub.context.liveness.check_once()
    await hub.context.notifier.drain()
    assert statuses(emsp) == {("NL", "CPA"): "OFFLINE"}
    (emsp_stored,) = [p for p in hub.context.directory.platforms() if p.parties[0].role == "EMSP"]
    assert {p.status for p in emsp_stored.parties} == {ConnectionStatus.CONNECTED}, "the eMSP answered its probe"
    (stored,) = [p for p in hub.context.directory.platforms() if p.parties[0].role == "CPO"]
    assert stored.parties[0].status is ConnectionStatus.OFFLINE

    cpo.versions_available = True
    await hub.context.liveness.check_once()
    await hub.context.notifier.drain()
    assert statuses(emsp) == {("NL", "CPA"): "CONNECTED"}
    assert [p["status"] for p in emsp.client_info_pushes] == ["PLANNED", "CONNECTED", "OFFLINE", "CONNECTED"]


async def test_a_request_from_an_offline_platform_brings_it_back(probing):
    hub, emsp, cpo = probing
    cpo.versions_available = False
    await hub.context.liveness.check_once()
    await hub.context.notifier.drain()
    assert statuses(emsp) == {("NL", "CPA"): "OFFLINE"}

    await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)
    for _ in range(50):
        await hub.context.notifier.drain()
        if statuses(emsp) == {("NL", "CPA"): "CONNECTED"}:
            break
        await asyncio.sleep(0.02)
    assert statuses(emsp) == {("NL", "CPA"): "CONNECTED"}


async def test_get_lists_the_other_parties_with_their_status(hub, platforms):
    emsp = await platforms(EMSP_ROLES)
    await onboard(hub, emsp)
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    await invite_for(hub, await platforms([Role("FR", "PLA", "CPO")]))

    answer = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)

    assert answer.status == 200
    listed = {(c["country_code"], c["party_id"], c["role"]): c["status"] for c in answer.data}
    assert listed == {
        ("DE", "EMA", "EMSP"): "CONNECTED",
        ("DE", "EMB", "EMSP"): "CONNECTED",
        ("FR", "PLA", "CPO"): "PLANNED",
    }
    assert answer.headers["X-Total-Count"] == "3"
    assert "Link" not in answer.headers
    assert int(answer.headers["X-Limit"]) >= 3


async def test_get_paginates_and_filters_by_date(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    invited = ["P05", "P01", "P06", "P00", "P03", "P02", "P04"]  # in this order, not alphabetical
    for party_id in invited:
        await invite_for(hub, await platforms([Role("FR", party_id, "CPO")]))
    url = f"{hub.url}/ocpi/2.2.1/hubclientinfo?limit=3"
    seen, pages = [], 0
    while url:
        answer = await call("GET", url, cpo.hub_token)
        assert answer.headers["X-Total-Count"] == "7"
        assert len(answer.data) <= 3
        seen += [c["party_id"] for c in answer.data]
        pages += 1
        link = answer.headers.get("Link")
        url = re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1) if link else None
    assert pages == 3
    assert seen == invited, "stable order, oldest first, no repeats"

    everything = (await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)).data
    middle = everything[3]["last_updated"]
    after = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo?date_from={middle}", cpo.hub_token)
    assert all(c["last_updated"] >= middle for c in after.data) and after.data[0]["last_updated"] == middle
    before = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo?date_to={middle}", cpo.hub_token)
    assert all(c["last_updated"] < middle for c in before.data)
    assert len(before.data) + len(after.data) == 7
    assert before.headers["X-Total-Count"] == str(len(before.data))


async def test_get_rejects_bad_pagination_parameters(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    for query in ("offset=-1", "limit=0", "limit=many", "date_from=yesterday"):
        answer = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo?{query}", cpo.hub_token)
        assert (answer.status, answer.status_code) == (200, 2001), query
        assert query.split("=")[0] in answer.body["status_message"]


async def test_a_quick_offline_then_connected_reaches_receivers_in_order(probing):
    hub, emsp, cpo = probing
    emsp.push_delays = [0.3]  # the eMSP is slow to take the OFFLINE push

    cpo.versions_available = False
    await hub.context.liveness.check_once()  # OFFLINE, pushed (slowly)
    cpo.versions_available = True
    await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)  # back: CONNECTED
    for _ in range(100):
        await hub.context.notifier.drain()
        if emsp.client_info_pushes[-1]["status"] == "CONNECTED" and not emsp.push_delays:
            break
        await asyncio.sleep(0.02)

    assert [p["status"] for p in emsp.client_info_pushes] == ["PLANNED", "CONNECTED", "OFFLINE", "CONNECTED"]
    assert statuses(emsp) == {("NL", "CPA"): "CONNECTED"}


async def test_an_invitation_is_pushed_as_planned_and_a_new_invitation_after_unregistering_too(hub, platforms):
    emsp = await platforms(EMSP_ROLES)
    await onboard(hub, emsp)
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    await call("DELETE", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token)
    await hub.context.notifier.drain()
    assert statuses(emsp) == {("NL", "CPA"): "SUSPENDED"}

    await invite_for(hub, cpo)
    await hub.context.notifier.drain()
    assert statuses(emsp) == {("NL", "CPA"): "PLANNED"}
    listing = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", emsp.hub_token)
    assert [(c["party_id"], c["status"]) for c in listing.data] == [("CPA", "PLANNED")]

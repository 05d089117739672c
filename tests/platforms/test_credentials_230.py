"""OCPI 2.3.0 platforms register with the hub, in both directions: the hub names itself in `hub_party_id` (no HUB
role in 2.3.0) and lists in `roles` every party reachable through it for that platform (by agreement); 2.2.1
platforms keep seeing exactly the HUB role."""

from __future__ import annotations

import asyncio

import pytest

from hub.platforms.parties import parse_party
from storage.models import PlatformState
from tests.hub_server import call, hub_settings, start_hub
from tests.onboarding import invite_for, onboard
from tests.platform_sim import Role, SimulatedPlatform
from tests.routing_fixtures import agree

NEW_CPO = Role("NL", "NEW", "CPO", "New CPO")
OLD_EMSP = Role("DE", "EMA", "EMSP", "EMA Mobility")
OTHER_EMSP = Role("BE", "EMB", "EMSP", "EMB")


@pytest.fixture
async def hub(store_url):
    running = await start_hub(hub_settings(store_url, routing_policy="agreements"))
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def started():
    platforms = []

    async def start(roles: list[Role], version: str = "2.3.0") -> SimulatedPlatform:
        platform = SimulatedPlatform(roles, version=version)
        await platform.start()
        platforms.append(platform)
        return platform

    yield start
    for platform in platforms:
        await platform.stop()


def role_keys(credentials: dict) -> list[str]:
    return [f"{r['country_code']}:{r['party_id']}:{r['role']}" for r in credentials["roles"]]


async def test_a_230_cpo_registers_and_is_told_who_it_can_reach(hub, started):
    emsp = await started([OLD_EMSP], version="2.2.1")
    await onboard(hub, emsp)
    await agree(hub, "NL:NEW:CPO", "DE:EMA:EMSP")
    cpo = await started([NEW_CPO])
    token_a = await invite_for(hub, cpo)
    versions = await call("GET", hub.versions_url, token_a)
    assert [v["version"] for v in versions.data] == ["2.3.0", "2.2.1", "2.1.1"]
    details = await call("GET", f"{hub.url}/ocpi/2.3.0", token_a)
    assert details.data["version"] == "2.3.0"
    identifiers = {(e["identifier"], e.get("role")) for e in details.data["endpoints"]}
    assert {("payments", "SENDER"), ("payments", "RECEIVER"), ("hubclientinfo", "SENDER")} <= identifiers
    assert ("payments", "RECEIVER") not in {
        (e["identifier"], e["role"]) for e in (await call("GET", f"{hub.url}/ocpi/2.2.1", token_a)).data["endpoints"]
    }, "2.2.1 has no payments module"

    answer = await cpo.register(hub.versions_url, token_a)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data["hub_party_id"] == "NLHUB"
    assert role_keys(answer.data) == ["DE:EMA:EMSP"], "the reachable parties, and no HUB role"
    assert answer.data["roles"][0]["business_details"] == {"name": "EMA Mobility"}
    (stored,) = [p for p in await hub.context.store.platforms.list_all() if "NL:NEW:CPO" in p.party_keys]
    assert (stored.state, stored.version, stored.announced_parties) == (
        PlatformState.REGISTERED,
        "2.3.0",
        ["DE:EMA:EMSP"],
    )
    again = await call("GET", f"{hub.url}/ocpi/2.3.0/credentials", cpo.hub_token)
    assert role_keys(again.data) == ["DE:EMA:EMSP"] and again.data["token"] == cpo.hub_token
    # The 2.2.1 eMSP still sees the hub as the one HUB party.
    old = await call("GET", f"{hub.url}/ocpi/2.2.1/credentials", emsp.hub_token)
    assert role_keys(old.data) == ["NL:HUB:HUB"] and "hub_party_id" not in old.data


async def test_with_nobody_reachable_the_hub_lists_itself(hub, started):
    cpo = await started([NEW_CPO])
    answer = await cpo.register(hub.versions_url, await invite_for(hub, cpo))
    assert answer.status_code == 1000, answer.body
    assert role_keys(answer.data) == ["NL:HUB:OTHER"], "2.3.0 needs one role at least"


async def test_the_hub_registers_with_a_230_platform_naming_the_reachable_parties(hub, started):
    emsp = await started([OLD_EMSP], version="2.2.1")
    await onboard(hub, emsp)
    await agree(hub, "NL:NEW:CPO", "DE:EMA:EMSP")
    cpo = await started([NEW_CPO])
    platform = await hub.context.connector.connect(
        f"{cpo.base}/ocpi/versions", cpo.issue_token_a(), [parse_party("NL:NEW:CPO")]
    )
    assert (platform.state, platform.version, platform.announced_parties) == (
        PlatformState.REGISTERED,
        "2.3.0",
        ["DE:EMA:EMSP"],
    )
    assert cpo.credentials_received["hub_party_id"] == "NLHUB"
    assert role_keys(cpo.credentials_received) == ["DE:EMA:EMSP"]


async def test_a_230_platform_cannot_claim_the_hub_role(hub, started):
    cpo = await started([NEW_CPO])
    token_a = await invite_for(hub, cpo)
    cpo.roles = [Role("NL", "NEW", "HUB")]
    answer = await cpo.register(hub.versions_url, token_a)
    assert answer.status_code == 2001
    assert "OCPI 2.3.0 roles are CPO, EMSP, NAP, NSP, OTHER, SCSP" in answer.body["status_message"]


async def eventually(check, seconds: float = 5.0) -> None:
    """The watchers run every directory_refresh_seconds (0.2 s in tests)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "did not happen in time"
        await asyncio.sleep(0.05)


async def stored_platform(hub, party_key: str):
    (stored,) = [p for p in await hub.context.store.platforms.list_all() if party_key in p.party_keys]
    return stored


async def test_a_new_agreed_party_registering_updates_the_credentials_at_the_230_platform(hub, started):
    await agree(hub, "NL:NEW:CPO", "DE:EMA:EMSP")
    cpo = await started([NEW_CPO])
    answer = await cpo.register(hub.versions_url, await invite_for(hub, cpo))
    assert role_keys(answer.data) == ["NL:HUB:OTHER"]
    first_token = cpo.hub_token

    emsp = await started([OLD_EMSP], version="2.2.1")
    await onboard(hub, emsp)
    await eventually(lambda: cpo.credentials_updates)
    (update,) = cpo.credentials_updates
    assert update["hub_party_id"] == "NLHUB"
    assert role_keys(update) == ["DE:EMA:EMSP"]
    assert update["token"] != first_token and update["url"] == hub.versions_url
    stored = await stored_platform(hub, "NL:NEW:CPO")
    assert stored.announced_parties == ["DE:EMA:EMSP"]
    assert hub.context.peer_tokens.token_for(stored) == cpo.token_for_hub, "the platform's new token is kept"

    # The new token works (and so retires the old one); the credentials read back the same roles.
    again = await call("GET", f"{hub.url}/ocpi/2.3.0/credentials", cpo.hub_token)
    assert role_keys(again.data) == ["DE:EMA:EMSP"]
    old = await call("GET", f"{hub.url}/ocpi/2.3.0/credentials", first_token)
    assert old.status == 401
    # An unrelated party registering changes nothing for this platform.
    other = await started([OTHER_EMSP], version="2.2.1")
    await onboard(hub, other)
    await asyncio.sleep(0.6)
    assert len(cpo.credentials_updates) == 1


async def test_agreements_shown_and_hidden_are_pushed_as_clientinfo_and_credentials(hub, started):
    emsp = await started([OLD_EMSP], version="2.2.1")
    await onboard(hub, emsp)
    cpo = await started([NEW_CPO])
    await cpo.register(hub.versions_url, await invite_for(hub, cpo))
    await hub.context.drain()
    emsp.client_info_pushes.clear()

    await agree(hub, "NL:NEW:CPO", "DE:EMA:EMSP")
    await eventually(lambda: emsp.client_info_pushes and cpo.credentials_updates)
    assert [(p["country_code"], p["party_id"], p["status"]) for p in emsp.client_info_pushes] == [
        ("NL", "NEW", "CONNECTED")
    ], "the 2.2.1 eMSP learns at once that the CPO is now visible"
    assert [(p["country_code"], p["party_id"], p["status"]) for p in cpo.client_info_pushes] == [
        ("DE", "EMA", "CONNECTED")
    ], "so does the 2.3.0 CPO"
    assert role_keys(cpo.credentials_updates[-1]) == ["DE:EMA:EMSP"]

    await hub.context.agreements.remove("NL:NEW:CPO,DE:EMA:EMSP")
    await eventually(lambda: len(emsp.client_info_pushes) == 2 and len(cpo.credentials_updates) == 2)
    assert emsp.client_info_pushes[-1]["status"] == "SUSPENDED"
    assert cpo.client_info_pushes[-1]["status"] == "SUSPENDED"
    assert role_keys(cpo.credentials_updates[-1]) == ["NL:HUB:OTHER"], "nobody reachable any more"


async def test_a_refused_credentials_update_is_undone_and_retried(hub, started):
    cpo = await started([NEW_CPO])
    await cpo.register(hub.versions_url, await invite_for(hub, cpo))
    token_for_hub = cpo.token_for_hub
    hashes_before = (await stored_platform(hub, "NL:NEW:CPO")).token_hashes
    cpo.token_for_hub = "not-what-the-hub-has"  # the platform rejects the hub's PUT with 401
    await agree(hub, "NL:NEW:CPO", "DE:EMA:EMSP")
    emsp = await started([OLD_EMSP], version="2.2.1")
    await onboard(hub, emsp)
    await eventually(lambda: any(m == "PUT" and path.endswith("/credentials") for m, path, _ in cpo.requests))
    await hub.context.drain()
    stored = await stored_platform(hub, "NL:NEW:CPO")
    assert stored.announced_parties == [], "undone: the platform was not told"
    assert stored.token_hashes == hashes_before, "the token offered in the refused PUT is void"
    assert (await call("GET", f"{hub.url}/ocpi/2.3.0/credentials", cpo.hub_token)).status_code == 1000
    assert cpo.credentials_updates == []
    cpo.token_for_hub = token_for_hub
    hub.context.roles_announcement._retry_at.clear()  # skip the minute's back-off
    await eventually(lambda: cpo.credentials_updates)
    assert role_keys(cpo.credentials_updates[0]) == ["DE:EMA:EMSP"]

"""The hub as credentials sender: it registers with a platform that issued a Token A to the hub."""

from __future__ import annotations

import pytest

from hub.platforms.parties import OnboardingError, parse_party
from storage.models import ConnectionStatus, PlatformState
from tests.hub_server import call
from tests.onboarding import onboard
from tests.platform_sim import Role

CPO = Role("NL", "CPA", "CPO")


async def test_hub_registers_with_a_platform_that_gave_it_a_token_a(hub, platforms):
    emsp = await platforms([Role("DE", "EMA", "EMSP")])
    await onboard(hub, emsp)
    cpo = await platforms([CPO])
    token_a = cpo.issue_token_a()

    platform = await hub.context.connector.connect(f"{cpo.base}/ocpi/versions", token_a, [parse_party("NL:CPA:CPO")])
    await hub.context.notifier.drain()

    assert platform.state is PlatformState.REGISTERED
    assert [(p.key, p.status) for p in platform.parties] == [("NL:CPA:CPO", ConnectionStatus.CONNECTED)]
    # The platform checked the hub's versions with the hub's token before answering, and keeps that token.
    assert cpo.hub_versions_url == hub.versions_url
    assert (await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)).status == 200
    assert hub.context.peer_tokens.token_for(platform) == cpo.token_for_hub
    assert emsp.client_info[("NL", "CPA")]["status"] == "CONNECTED"
    # Later, the platform can rotate or unregister through the hub's own credentials endpoint.
    answer = await call("DELETE", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token)
    assert answer.status_code == 1000


async def test_a_wrong_token_a_is_reported_and_leaves_nothing_registered(hub, platforms):
    cpo = await platforms([CPO])
    cpo.issue_token_a()
    with pytest.raises(OnboardingError, match=r"cannot use .* with that Token A"):
        await hub.context.connector.connect(f"{cpo.base}/ocpi/versions", "wrong-token", [parse_party("NL:CPA:CPO")])
    assert await hub.context.store.platforms.list_all() == []


async def test_unexpected_parties_are_refused_and_the_registration_withdrawn(hub, platforms):
    cpo = await platforms([CPO, Role("NL", "OTH", "CPO")])
    token_a = cpo.issue_token_a()
    with pytest.raises(OnboardingError, match=r"NL\*OTH\*CPO"):
        await hub.context.connector.connect(f"{cpo.base}/ocpi/versions", token_a, [parse_party("NL:CPA:CPO")])
    assert cpo.token_for_hub is None, "the hub deleted its registration at the platform"
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.state is PlatformState.UNREGISTERED and stored.token_hashes == []
    # Trying again with the right parties reuses the same record.
    token_a = cpo.issue_token_a()
    platform = await hub.context.connector.connect(
        f"{cpo.base}/ocpi/versions", token_a, [parse_party("NL:CPA:CPO"), parse_party("NL:OTH:CPO")]
    )
    assert platform.state is PlatformState.REGISTERED
    assert [p.id for p in await hub.context.store.platforms.list_all()] == [stored.id]


async def test_a_plain_token_platform_is_found_by_trying_the_other_encoding(hub, platforms):
    legacy = await platforms([CPO], encoding="plain")  # answers a Base64 token with a text 401
    token_a = legacy.issue_token_a()
    platform = await hub.context.connector.connect(f"{legacy.base}/ocpi/versions", token_a, [parse_party("NL:CPA:CPO")])
    assert platform.state is PlatformState.REGISTERED
    assert platform.auth_encoding.value == "plain"
    assert (await call("GET", hub.versions_url, legacy.hub_token, encoding="plain")).status == 200

"""OCPI 2.1.1 platforms register with the hub, in both directions: the flat credentials object, plain tokens,
endpoints without roles (the party's role says which side of each module they are), exactly one party per
connection, and a credentials PUT to the other version's endpoint moves the platform there."""

from __future__ import annotations

import secrets

import pytest

from hub.platforms.parties import OnboardingError, parse_party
from storage.models import AuthEncoding, ConnectionStatus, PlatformState
from tests.hub_server import call
from tests.onboarding import invite_for
from tests.platform_sim import Role
from tests.platform_sim_211 import SimulatedPlatform211

CPO = Role("NL", "OLD", "CPO")
EMSP = Role("DE", "OLE", "EMSP")


@pytest.fixture
async def old_platforms():
    started = []

    async def start(role: Role) -> SimulatedPlatform211:
        platform = SimulatedPlatform211(role)
        await platform.start()
        started.append(platform)
        return platform

    yield start
    for platform in started:
        await platform.stop()


async def test_a_211_cpo_registers_with_flat_credentials_and_plain_tokens(hub, old_platforms):
    cpo = await old_platforms(CPO)
    token_a = await invite_for(hub, cpo)
    versions = await call("GET", hub.versions_url, token_a, encoding="plain")
    assert [v["version"] for v in versions.data] == ["2.3.0", "2.2.1", "2.1.1"]
    details = await call("GET", f"{hub.url}/ocpi/2.1.1", token_a, encoding="plain")
    assert details.data["version"] == "2.1.1"
    assert {e["identifier"] for e in details.data["endpoints"]} == {
        "credentials",
        "cdrs",
        "commands",
        "locations",
        "sessions",
        "tariffs",
        "tokens",
    }
    assert all("role" not in e for e in details.data["endpoints"])

    answer = await cpo.register(hub.versions_url, token_a)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {
        "token": answer.data["token"],
        "url": hub.versions_url,
        "business_details": {"name": "OCPI Hub"},
        "party_id": "HUB",
        "country_code": "NL",
    }, "the hub's 2.1.1 credentials: itself, flat"
    # Before answering, the hub called back with Token B, plain, in 2.1.1.
    callbacks = [(m, p) for m, p, t in cpo.requests if t == cpo.token_for_hub]
    assert callbacks[:2] == [("GET", "/ocpi/versions"), ("GET", "/ocpi/2.1.1")]
    (stored,) = await hub.context.store.platforms.list_all()
    assert (stored.state, stored.version, stored.auth_encoding) == (
        PlatformState.REGISTERED,
        "2.1.1",
        AuthEncoding.PLAIN,
    )
    assert [(p.key, p.status) for p in stored.parties] == [("NL:OLD:CPO", ConnectionStatus.CONNECTED)]
    assert stored.endpoint("locations", "SENDER").url == f"{cpo.base}/ocpi/2.1.1/locations", "a CPO's side"
    assert stored.endpoint("tokens", "RECEIVER").url == f"{cpo.base}/ocpi/2.1.1/tokens"
    assert (await call("GET", hub.versions_url, answer.data["token"], encoding="plain")).status == 200
    assert (await call("GET", f"{hub.url}/ocpi/2.1.1/credentials", answer.data["token"], encoding="plain")).data[
        "party_id"
    ] == "HUB"


async def test_an_emsp_sees_its_endpoints_as_the_other_side(hub, old_platforms):
    emsp = await old_platforms(EMSP)
    assert (await emsp.register(hub.versions_url, await invite_for(hub, emsp))).status_code == 1000
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.endpoint("locations", "RECEIVER") is not None
    assert stored.endpoint("tokens", "SENDER") is not None
    assert stored.endpoint("commands", "SENDER") is not None


async def test_a_211_connection_is_one_party(hub, old_platforms):
    cpo = await old_platforms(CPO)
    token_a = await invite_for(hub, cpo, extra=("NL:OLX:CPO",))
    answer = await cpo.register(hub.versions_url, token_a)
    assert answer.status_code == 2001
    assert "OCPI 2.1.1 connection is one party" in answer.body["status_message"]
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.state is PlatformState.INVITED, "nothing stored"

    other = await old_platforms(Role("NL", "XYZ", "CPO"))
    token_a = await invite_for(hub, await old_platforms(Role("NL", "ABC", "CPO")))
    answer = await other.register(hub.versions_url, token_a)
    assert answer.status_code == 2001 and "you may register: NL*ABC (CPO)" in answer.body["status_message"]


async def test_a_put_to_the_other_versions_endpoint_moves_the_platform(hub, old_platforms):
    cpo = await old_platforms(CPO)
    assert (await cpo.register(hub.versions_url, await invite_for(hub, cpo))).status_code == 1000
    cpo.versions_offered = ["2.1.1", "2.2.1"]  # it learnt 2.2.1
    cpo.token_for_hub = secrets.token_urlsafe(24)
    upgraded = await call(
        "PUT",
        f"{hub.url}/ocpi/2.2.1/credentials",
        cpo.hub_token,
        {"token": cpo.token_for_hub, "url": f"{cpo.base}/ocpi/versions", "roles": [CPO.as_ocpi()]},
        encoding="plain",
    )
    assert upgraded.status_code == 1000, upgraded.body
    assert upgraded.data["roles"][0]["role"] == "HUB"
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.version == "2.2.1"
    back = await call("PUT", f"{hub.url}/ocpi/2.1.1/credentials", upgraded.data["token"], cpo.credentials())
    assert back.status_code == 1000 and "roles" not in back.data
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.version == "2.1.1"


async def test_the_hub_registers_with_a_211_platform(hub, old_platforms):
    emsp = await old_platforms(EMSP)
    token_a = emsp.issue_token_a()
    platform = await hub.context.connector.connect(
        f"{emsp.base}/ocpi/versions", token_a, [parse_party("DE:OLE:EMSP")], AuthEncoding.PLAIN
    )
    assert (platform.state, platform.version) == (PlatformState.REGISTERED, "2.1.1")
    assert emsp.hub_endpoints["locations"] == f"{hub.url}/ocpi/2.1.1/locations/"
    assert hub.context.peer_tokens.token_for(platform) == emsp.token_for_hub
    assert platform.endpoint("locations", "RECEIVER").url == f"{emsp.base}/ocpi/2.1.1/locations"

    other = await old_platforms(Role("DE", "TWO", "EMSP"))
    with pytest.raises(OnboardingError, match="one party per connection"):
        await hub.context.connector.connect(
            f"{other.base}/ocpi/versions",
            other.issue_token_a(),
            [parse_party("DE:TWO:EMSP"), parse_party("DE:TWX:EMSP")],
            AuthEncoding.PLAIN,
        )

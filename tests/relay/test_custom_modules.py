"""Custom modules (OCPI 2.2.1 and 2.3.0 "Custom Modules"), over real HTTP: a prefixed module id the operator enabled
is routed by routing headers between parties whose agreement names it, as the bytes it came in (whatever the two
versions), listed in the hub's version details only to platforms that agreed to use it; everyone else is refused."""

from __future__ import annotations

import orjson
import pytest

from tests.hub_server import call, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Role, SimulatedPlatform
from tests.routing_fixtures import agree

PARKING = "nltnm-parking"


@pytest.fixture
async def network(store_url):
    hub = await start_hub(hub_settings(store_url, routing_policy="agreements", custom_modules=(PARKING,)))
    cpo = SimulatedPlatform([Role("NL", "TNM", "CPO")], version="2.3.0")
    emsp = SimulatedPlatform([Role("DE", "EMA", "EMSP")])
    other = SimulatedPlatform([Role("BE", "OTH", "EMSP")])
    for platform in (cpo, emsp, other):
        platform.custom_modules = [PARKING]
        await platform.start()
        await onboard(hub, platform)
    await agree(hub, "NL:TNM:CPO", "DE:EMA:EMSP", ["locations", PARKING])
    await agree(hub, "NL:TNM:CPO", "BE:OTH:EMSP")  # every OCPI module, which never includes a custom one
    try:
        yield hub, cpo, emsp, other
    finally:
        for platform in (cpo, emsp, other):
            await platform.stop()
        await hub.stop()


def to(country_code: str, party_id: str, sender: SimulatedPlatform) -> dict[str, str]:
    role = sender.roles[0]
    return {
        "OCPI-to-country-code": country_code,
        "OCPI-to-party-id": party_id,
        "OCPI-from-country-code": role.country_code,
        "OCPI-from-party-id": role.party_id,
    }


async def test_an_enabled_custom_module_passes_between_agreed_parties_as_bytes(network):
    hub, cpo, emsp, _ = network
    sent = orjson.dumps({"spot": "A7", "free": True, "sensor": {"battery": 0.93}})
    url = f"{hub.url}/ocpi/2.2.1/receiver/{PARKING}/NL/TNM/spots/A7"
    answer = await call("PUT", url, emsp.hub_token, raw=sent, headers=to("NL", "TNM", emsp))
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    (arrived,) = cpo.received
    assert arrived.path == f"/ocpi/2.3.0/receiver/{PARKING}/NL/TNM/spots/A7", "to the 2.3.0 CPO's own endpoint"
    assert arrived.body == sent, "never translated: the hub does not know a custom module's objects"
    assert (arrived.headers["OCPI-from-party-id"], arrived.headers["OCPI-to-party-id"]) == ("EMA", "TNM")

    await hub.context.messages.flush()
    (record,) = await hub.context.store.messages.query(module=PARKING)
    assert (record.outcome, record.to_party, record.translation) == ("forwarded", "NL:TNM", "")


async def test_custom_modules_are_refused_without_an_agreement_naming_them_or_without_headers(network):
    hub, cpo, _, other = network
    url = f"{hub.url}/ocpi/2.2.1/receiver/{PARKING}/NL/TNM/spots/A7"
    answer = await call("PUT", url, other.hub_token, {"spot": "A7"}, headers=to("NL", "TNM", other))
    assert answer.status_code == 4902, "an agreement on every OCPI module does not cover a custom one"
    answer = await call("PUT", url, other.hub_token, {"spot": "A7"})
    assert answer.status_code == 4001
    assert "custom module: send OCPI-to-*" in answer.body["status_message"]
    assert cpo.received == []
    # A custom module the operator did not enable is no module of this hub.
    answer = await call("GET", f"{hub.url}/ocpi/2.2.1/sender/nlxyz-other", other.hub_token, from_hub=False)
    assert answer.status == 404


async def test_version_details_list_a_custom_module_only_to_platforms_that_agreed_to_it(network):
    hub, cpo, emsp, other = network

    async def listed(platform, version: str) -> set[str]:
        details = await call("GET", f"{hub.url}/ocpi/{version}", platform.hub_token)
        return {endpoint["identifier"] for endpoint in details.data["endpoints"]}

    assert PARKING in await listed(emsp, "2.2.1")
    assert PARKING in await listed(cpo, "2.3.0")
    assert PARKING not in await listed(other, "2.2.1")

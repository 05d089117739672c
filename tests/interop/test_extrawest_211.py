"""Interop with an OCPI 2.1.1 implementation we did not write: extrawest_ocpi 2025.7.16 (PyPI, MIT, FastAPI), as a
2.1.1 CPO and as a 2.1.1 eMSP, each in its own process, connected by the hub (`ocpi-hub connect` path, extrawest
being a credentials receiver only) with the `extrawest-2.1.1` quirk profile. Its partners are our 2.2.1 simulated
platforms: the mixed combinations 2.1.1 -> 2.2.1 and 2.2.1 -> 2.1.1, every message through the hub over loopback.

Deviations of extrawest this needed (docs/versions.md, "Profiles"): single objects and command answers wrapped in a
list, `null` for absent fields, a CDR's end as `end_date_time` (in what it sends and what it requires), its CPO
version details omitting `commands` (the peer script adds it: the hub cannot route to an endpoint it is not told
of), tokens that its /ocpi/versions tries to Base64-decode (the test issues tokens that survive it)."""

from __future__ import annotations

import asyncio

import pytest

from hub.platforms.parties import parse_party
from hub.platforms.quirk_profiles import QuirkProfiles
from storage.models import AuthEncoding
from tests.hub_server import call, hub_settings, start_hub
from tests.interop.extrawest import ExtrawestPeer, extrawest
from tests.onboarding import onboard
from tests.platform_sim import Role, SimulatedPlatform
from tests.routing_fixtures import agree

pytest.importorskip("py_ocpi", reason="extrawest_ocpi is installed by the test command ([test] extra)")

STAMP = "2025-01-01T00:00:00Z"
CONNECTOR_211 = {
    "id": "1",
    "standard": "IEC_62196_T2",
    "format": "SOCKET",
    "power_type": "AC_3_PHASE",
    "voltage": 230,
    "amperage": 32,
    "tariff_id": "T1",  # optional in 2.1.1, required by extrawest
    "last_updated": STAMP,
}
EVSE_211 = {
    "uid": "E1",
    "evse_id": "DE*EXC*E1",
    "status": "AVAILABLE",
    "capabilities": ["REMOTE_START_STOP_CAPABLE"],
    "connectors": [CONNECTOR_211],
    "last_updated": STAMP,
}
LOCATION_211 = {
    "id": "LOC1",
    "type": "ON_STREET",
    "name": "Extra Platz",
    "address": "Hauptstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DEU",
    "coordinates": {"latitude": "52.520008", "longitude": "13.404954"},
    "evses": [EVSE_211],
    "time_zone": "Europe/Berlin",  # optional in 2.1.1, required by extrawest
    "last_updated": STAMP,
}
CONNECTOR_221 = {
    key: value for key, value in CONNECTOR_211.items() if key not in ("voltage", "amperage", "tariff_id")
} | {"max_voltage": 230, "max_amperage": 32, "tariff_ids": ["T1"]}
LOCATION_221 = {
    **{key: value for key, value in LOCATION_211.items() if key not in ("type", "evses")},
    "country_code": "DE",
    "party_id": "EXC",
    "publish": True,
    "parking_type": "ON_STREET",
    "evses": [{**EVSE_211, "connectors": [CONNECTOR_221]}],
}
TOKEN_221 = {
    "country_code": "DE",
    "party_id": "EMA",
    "uid": "TOK1",
    "type": "RFID",
    "contract_id": "DE-EMA-C00001",
    "issuer": "EMA Mobility",
    "valid": True,
    "whitelist": "ALLOWED",
    "last_updated": STAMP,
}
TOKEN_211 = {
    "uid": "TOK1",
    "type": "RFID",
    "auth_id": "DE-EMA-C00001",
    "issuer": "EMA Mobility",
    "valid": True,
    "whitelist": "ALLOWED",
    "last_updated": STAMP,
}
PERIODS = [{"start_date_time": STAMP, "dimensions": [{"type": "ENERGY", "volume": 12.5}]}]


def meant(value):
    """What a value means: extrawest writes every optional field (empty lists, nulls); the meaning is the same."""
    if isinstance(value, dict):
        return {key: meant(item) for key, item in value.items() if item not in (None, [])}
    if isinstance(value, list):
        return [meant(item) for item in value]
    return value


async def connect(hub, peer: ExtrawestPeer) -> None:
    """What `ocpi-hub connect --version 2.1.1 --encoding plain --quirks extrawest-2.1.1` does."""
    platform = await hub.context.connector.connect(
        peer.versions_url,
        peer.token_a,
        [parse_party(peer.party)],
        encoding=AuthEncoding.PLAIN,
        name=f"extrawest {peer.role}",
        version="2.1.1",
    )
    await set_profile(hub, platform.id, "extrawest-2.1.1")


async def set_profile(hub, platform_id: str, profile: str) -> None:
    """What `ocpi-hub platforms set-quirks PLATFORM PROFILE` does."""
    await QuirkProfiles(hub.context.updater).set(platform_id, profile, by="the interop test")


@pytest.fixture
async def hub(store_url):
    running = await start_hub(hub_settings(store_url, routing_policy="agreements"))
    try:
        yield running
    finally:
        await running.stop()


async def wait_for(condition, seconds: float = 10.0):
    """Poll another process's state (over HTTP): there is no event of ours to wait on."""
    async with asyncio.timeout(seconds):
        while not (found := await condition()):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return found


async def test_an_extrawest_cpo_reaches_a_221_emsp_and_back(hub):
    emsp = SimulatedPlatform([Role("DE", "EMA", "EMSP")])
    await emsp.start()
    try:
        await onboard(hub, emsp)
        async with extrawest("CPO", "DE", "EXC") as cpo:
            await connect(hub, cpo)
            await agree(hub, cpo.party, "DE:EMA:EMSP")
            details_211 = f"{hub.url}/ocpi/2.1.1"

            # Location: extrawest's push client PUTs it to the hub's 2.1.1 endpoint; the 2.2.1 eMSP gets 2.2.1.
            await cpo.seed("locations", LOCATION_211)
            pushed = await cpo.push("locations", "LOC1", details_211)
            assert '"status_code":1000' in pushed["body"], pushed
            (put,) = await emsp.expect(1)
            assert put.path == "/ocpi/2.2.1/receiver/locations/DE/EXC/LOC1"
            assert meant(put.json) == LOCATION_221
            assert None not in put.json.values(), "extrawest's nulls are not passed on"

            # One location, asked of extrawest: its answer is a list holding it.
            answer = await call(
                "GET",
                f"{hub.url}/ocpi/2.2.1/sender/locations/LOC1",
                emsp.hub_token,
                headers={"OCPI-to-country-code": "DE", "OCPI-to-party-id": "EXC"},
            )
            assert (answer.status, answer.status_code) == (200, 1000), answer.body
            assert meant(answer.data) == LOCATION_221
            # Without the profile the same answer is refused: the eMSP would get a list where one object belongs.
            (platform_id,) = [p.id for p in hub.context.directory.platforms() if cpo.party in p.party_keys]
            await set_profile(hub, platform_id, "strict")
            answer = await call(
                "GET",
                f"{hub.url}/ocpi/2.2.1/sender/locations/LOC1",
                emsp.hub_token,
                headers={"OCPI-to-country-code": "DE", "OCPI-to-party-id": "EXC"},
            )
            assert answer.status_code == 4000, answer.body
            assert "single_object_in_list" in answer.body["status_message"]
            await set_profile(hub, platform_id, "extrawest-2.1.1")
            listed = await call("GET", f"{hub.url}/ocpi/2.2.1/sender/locations", emsp.hub_token)
            assert [meant(location) for location in listed.data] == [LOCATION_221]

            # Token: the 2.2.1 eMSP pushes; extrawest's tokens receiver gets the 2.1.1 Token.
            answer = await call("PUT", f"{hub.url}/ocpi/2.2.1/receiver/tokens/DE/EMA/TOK1", emsp.hub_token, TOKEN_221)
            assert answer.status_code == 1000, answer.body
            (stored,) = await wait_for(lambda: cpo.received("tokens"))
            assert meant(stored["data"]) == TOKEN_211
            assert (stored["kw"]["country_code"], stored["kw"]["party_id"]) == ("DE", "EMA")

            # START_SESSION from the 2.2.1 eMSP: extrawest answers [{"result": "ACCEPTED"}], then POSTs its result
            # to the hub's stand-in response_url, which reaches the eMSP as a 2.2.1 CommandResult.
            start = {
                "response_url": emsp.url("/results/start-1"),
                "token": TOKEN_221,
                "location_id": "LOC1",
                "evse_uid": "E1",
            }
            answer = await call(
                "POST",
                f"{hub.url}/ocpi/2.2.1/receiver/commands/START_SESSION",
                emsp.hub_token,
                start,
                headers={"OCPI-to-country-code": "DE", "OCPI-to-party-id": "EXC"},
            )
            assert (answer.status, answer.status_code) == (200, 1000), answer.body
            assert answer.data == {"result": "ACCEPTED", "timeout": 30}
            commands = await wait_for(lambda: cpo.received("commands"))
            (command,) = [entry for entry in commands if entry["op"] == "do:SendCommand"]
            assert meant(command["args"][0])["token"] == TOKEN_211, "the 2.1.1 Token, in a 2.1.1 StartSession"
            result = await wait_for(
                lambda: asyncio.sleep(0, [r for r in emsp.received if r.path == "/results/start-1"])
            )
            assert meant(result[0].json) == {"result": "ACCEPTED"}

            # Session: extrawest pushes its 2.1.1 Session (auth_id = the token's contract id); the hub finds the
            # eMSP by that token and translates.
            session_211 = {
                "id": "S1",
                "start_datetime": STAMP,
                "kwh": 12.5,
                "auth_id": "DE-EMA-C00001",
                "auth_method": "WHITELIST",
                "location": LOCATION_211,
                "currency": "EUR",
                "charging_periods": PERIODS,
                "total_cost": 4.5,
                "status": "ACTIVE",
                "last_updated": STAMP,
            }
            emsp.received.clear()
            await cpo.seed("sessions", session_211)
            pushed = await cpo.push("sessions", "S1", details_211)
            assert '"status_code":1000' in pushed["body"], pushed
            (put,) = await emsp.expect(1)
            assert put.path == "/ocpi/2.2.1/receiver/sessions/DE/EXC/S1"
            assert meant(put.json) == {
                "country_code": "DE",
                "party_id": "EXC",
                "id": "S1",
                "start_date_time": STAMP,
                "kwh": 12.5,
                "cdr_token": {
                    key: TOKEN_221[key] for key in ("country_code", "party_id", "uid", "type", "contract_id")
                },
                "auth_method": "WHITELIST",
                "location_id": "LOC1",
                "evse_uid": "E1",
                "connector_id": "1",
                "currency": "EUR",
                "charging_periods": PERIODS,
                "total_cost": {"excl_vat": 4.5},
                "status": "ACTIVE",
                "last_updated": STAMP,
            }
            assert (put.headers["OCPI-from-party-id"], put.headers["OCPI-to-party-id"]) == ("EXC", "EMA")

            # CDR: extrawest writes the 2.2.1 name end_date_time (the profile reads it) and lowercases ids.
            cdr_211 = {
                "id": "cdr-1",  # extrawest lowercases CDR ids (a CiString it normalises)
                "start_date_time": STAMP,
                "end_date_time": "2025-01-01T01:00:00Z",
                "auth_id": "DE-EMA-C00001",
                "auth_method": "WHITELIST",
                "location": LOCATION_211,
                "currency": "EUR",
                "charging_periods": PERIODS,
                "total_cost": 4.5,
                "total_energy": 12.5,
                "total_time": 1.0,
                "last_updated": STAMP,
            }
            emsp.received.clear()
            await cpo.seed("cdrs", cdr_211)
            pushed = await cpo.push("cdrs", "cdr-1", details_211)
            assert '"status_code":200' in pushed["body"], pushed  # for a CDR it reports the answer's headers
            (post,) = await emsp.expect(1)
            assert (post.method, post.path) == ("POST", "/ocpi/2.2.1/receiver/cdrs")
            cdr = meant(post.json)
            assert (cdr["id"], cdr["end_date_time"], cdr["total_cost"]) == (
                "cdr-1",
                "2025-01-01T01:00:00Z",
                {"excl_vat": 4.5},
            )
            assert cdr["cdr_token"]["party_id"] == "EMA"
            assert cdr["cdr_location"]["evse_uid"] == "E1" and cdr["cdr_location"]["connector_id"] == "1"
    finally:
        await emsp.stop()


async def test_a_221_cpo_reaches_an_extrawest_emsp_and_back(hub):
    cpo = SimulatedPlatform([Role("NL", "CPA", "CPO")])
    await cpo.start()
    try:
        await onboard(hub, cpo)
        async with extrawest("EMSP", "DE", "EXE") as emsp:
            await connect(hub, emsp)
            await agree(hub, "NL:CPA:CPO", emsp.party)

            # The 2.2.1 CPO's location reaches extrawest's locations receiver as a 2.1.1 Location.
            location_221 = {**LOCATION_221, "country_code": "NL", "party_id": "CPA"}
            answer = await call(
                "PUT", f"{hub.url}/ocpi/2.2.1/receiver/locations/NL/CPA/LOC1", cpo.hub_token, location_221
            )
            assert answer.status_code == 1000, answer.body
            (stored,) = await wait_for(lambda: emsp.received("locations"))
            assert meant(stored["data"]) == LOCATION_211
            assert (stored["kw"]["country_code"], stored["kw"]["party_id"]) == ("NL", "CPA")

            # extrawest pushes its token; the 2.2.1 CPO gets the 2.2.1 Token, owned by extrawest's party.
            await emsp.seed("tokens", {**TOKEN_211, "uid": "EXT1", "auth_id": "DE-EXE-C1"})
            pushed = await emsp.push("tokens", "EXT1", f"{hub.url}/ocpi/2.1.1")
            assert '"status_code":1000' in pushed["body"], pushed
            (token,) = await cpo.expect(1)
            assert token.path == "/ocpi/2.2.1/receiver/tokens/DE/EXE/EXT1"
            expected_token = {**TOKEN_221, "party_id": "EXE", "uid": "EXT1", "contract_id": "DE-EXE-C1"}
            assert meant(token.json) == expected_token

            # Real-time authorization of that token: extrawest answers [{"allowed": "ALLOWED", "location": null,
            # "info": null}]; the 2.2.1 CPO gets a 2.2.1 AuthorizationInfo with the token (the hub's copy).
            answer = await call(
                "POST",
                f"{hub.url}/ocpi/2.2.1/sender/tokens/EXT1/authorize",
                cpo.hub_token,
                {"location_id": "LOC1", "evse_uids": ["E1"]},
            )
            assert (answer.status, answer.status_code) == (200, 1000), answer.body
            assert meant(answer.data) == {"allowed": "ALLOWED", "token": expected_token}

            # A session for extrawest's token: it gets the 2.1.1 Session, the Location embedded from the hub's copy.
            session_221 = {
                "country_code": "NL",
                "party_id": "CPA",
                "id": "S9",
                "start_date_time": STAMP,
                "kwh": 3.0,
                "cdr_token": {
                    "country_code": "DE",
                    "party_id": "EXE",
                    "uid": "EXT1",
                    "type": "RFID",
                    "contract_id": "DE-EXE-C1",
                },
                "auth_method": "WHITELIST",
                "location_id": "LOC1",
                "evse_uid": "E1",
                "connector_id": "1",
                "currency": "EUR",
                "status": "ACTIVE",
                "last_updated": STAMP,
            }
            answer = await call("PUT", f"{hub.url}/ocpi/2.2.1/receiver/sessions/NL/CPA/S9", cpo.hub_token, session_221)
            assert answer.status_code == 1000, answer.body
            (session,) = await wait_for(lambda: emsp.received("sessions"))
            got = meant(session["data"])
            assert (got["id"], got["auth_id"], got["start_datetime"], got["kwh"]) == ("S9", "DE-EXE-C1", STAMP, 3.0)
            assert got["location"]["id"] == "LOC1" and got["location"]["evses"][0]["connectors"][0]["id"] == "1"

            # A CDR: extrawest requires end_date_time (the profile has the hub send both names).
            cdr_221 = {
                "country_code": "NL",
                "party_id": "CPA",
                "id": "CDR9",
                "start_date_time": STAMP,
                "end_date_time": "2025-01-01T01:00:00Z",
                "cdr_token": session_221["cdr_token"],
                "auth_method": "WHITELIST",
                "cdr_location": {
                    "id": "LOC1",
                    "address": "Hauptstr. 1",
                    "city": "Berlin",
                    "postal_code": "10115",
                    "country": "DEU",
                    "coordinates": {"latitude": "52.520008", "longitude": "13.404954"},
                    "evse_uid": "E1",
                    "evse_id": "DE*EXC*E1",
                    "connector_id": "1",
                    "connector_standard": "IEC_62196_T2",
                    "connector_format": "SOCKET",
                    "connector_power_type": "AC_3_PHASE",
                },
                "currency": "EUR",
                "charging_periods": PERIODS,
                "total_cost": {"excl_vat": 4.5},
                "total_energy": 12.5,
                "total_time": 1.0,
                "last_updated": STAMP,
            }
            answer = await call("POST", f"{hub.url}/ocpi/2.2.1/receiver/cdrs", cpo.hub_token, cdr_221)
            assert (answer.status, answer.status_code) == (200, 1000), answer.body
            (cdr,) = await wait_for(lambda: emsp.received("cdrs"))
            got = meant(cdr["data"])
            # extrawest keeps the end under its own (2.2.1) name; without it, it refused the CDR (HTTP 422).
            assert (got["id"], got["auth_id"], got["end_date_time"], got["total_cost"]) == (
                "cdr9",
                "DE-EXE-C1",
                "2025-01-01T01:00:00Z",
                4.5,
            )
            assert got["location"]["evses"][0]["uid"] == "E1"
            # extrawest's Location header is https:// on its http host: not on its registered hosts, so dropped.
            assert "Location" not in answer.headers

            # Without LocationReferences extrawest answers its backend's verdict the same way.
            answer = await call("POST", f"{hub.url}/ocpi/2.2.1/sender/tokens/EXT1/authorize", cpo.hub_token)
            assert (answer.status, answer.status_code) == (200, 1000), answer.body
            assert answer.data["allowed"] == "ALLOWED"
    finally:
        await cpo.stop()

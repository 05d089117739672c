"""URLs that point at a platform's own server, through the hub: command results, charging profile results, a
CDR's Location (checklist §3.7)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.hub_server import call, hub_settings, start_hub
from tests.platform_sim import Reply
from tests.routing_fixtures import build_network


@pytest.fixture
def store_url(shared_store_url: str) -> str:
    """These scenarios run on the embedded store and on the MongoDB adapter."""
    return shared_store_url


async def test_a_command_result_comes_back_through_the_hub(network):
    original = network.emsp.url("/results/start/42")
    network.cpo.replies[("POST", "/ocpi/2.2.1/receiver/commands/START_SESSION")] = Reply(
        data={"result": "ACCEPTED", "timeout": 30}
    )
    command = {"response_url": original, "token": {"uid": "T1"}, "location_id": "LOC1", "evse_uid": "EVSE1"}
    answer = await network.send(
        network.emsp, "POST", network.url("receiver", "commands", "/START_SESSION"), command, to="NL:CPA", frm="DE:EMA"
    )
    assert answer.data == {"result": "ACCEPTED", "timeout": 30}
    (received,) = network.cpo.received
    handed_out = received.json["response_url"]
    assert handed_out.startswith(f"{network.hub.url}/ocpi/2.2.1/hub/callback/")
    assert received.json == {**command, "response_url": handed_out}, "nothing else in the command changed"

    # The CPO posts the result to the URL it was given; the eMSP receives it at its own URL.
    result = await call("POST", handed_out, network.cpo.hub_token, {"result": "ACCEPTED"})
    assert (result.status, result.status_code) == (200, 1000)
    delivered = network.emsp.received[-1]
    assert (delivered.method, delivered.path) == ("POST", "/results/start/42")
    assert delivered.json == {"result": "ACCEPTED"}
    assert (delivered.headers["OCPI-to-party-id"], delivered.headers["OCPI-from-party-id"]) == ("EMA", "CPA")
    assert delivered.headers["Authorization"] != received.headers["Authorization"], "each leg with its own token"

    # Nobody else may post to it, and it is not for GETting.
    assert (await call("POST", handed_out, network.duo.hub_token, {"result": "REJECTED"})).status_code == 4903
    assert (await call("GET", handed_out, network.cpo.hub_token)).status == 405


async def test_a_reservation_result_url_lives_until_the_reservation_expires(network):
    expiry = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    command = {
        "response_url": network.emsp.url("/results/reserve/7"),
        "token": {"uid": "T1"},
        "expiry_date": expiry,
        "reservation_id": "R7",
        "location_id": "LOC1",
    }
    await network.send(
        network.emsp, "POST", network.url("receiver", "commands", "/RESERVE_NOW"), command, to="NL:CPA", frm="DE:EMA"
    )
    handed_out = network.cpo.received[-1].json["response_url"]
    mapping_id = handed_out.rsplit("/", 1)[1]
    mapping = await network.hub.context.store.callbacks.get(mapping_id, 0)
    expires_in = mapping.expires_at - dt.datetime.now(dt.UTC).timestamp()
    assert 2 * 3600 < expires_in < 2 * 3600 + network.hub.settings.command_result_ttl_seconds + 60
    # A later CANCELED_RESERVATION on the same URL still arrives; and CANCEL_RESERVATION finds the CPO by itself.
    await call("POST", handed_out, network.cpo.hub_token, {"result": "ACCEPTED"})
    await call("POST", handed_out, network.cpo.hub_token, {"result": "CANCELED_RESERVATION"})
    assert [r.json["result"] for r in network.emsp.received] == ["ACCEPTED", "CANCELED_RESERVATION"]
    cancel = await network.send(
        network.emsp,
        "POST",
        network.url("receiver", "commands", "/CANCEL_RESERVATION"),
        {"response_url": network.emsp.url("/results/cancel/7"), "reservation_id": "R7"},
        frm="DE:EMA",
    )
    assert cancel.status_code == 1000
    assert network.cpo.received[-1].path == "/ocpi/2.2.1/receiver/commands/CANCEL_RESERVATION"


async def test_charging_profile_response_urls_in_query_and_body_are_stood_in(network):
    session = {"id": "S1", "cdr_token": {"country_code": "DE", "party_id": "EMA"}}
    await network.send(network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), session, frm="NL:CPA")
    original = network.emsp.url("/results/profile/1")
    answer = await network.send(
        network.emsp,
        "GET",
        network.url("receiver", "chargingprofiles", f"/S1?duration=900&response_url={original}"),
        frm="DE:EMA",
    )
    assert answer.status_code == 1000
    received = network.cpo.received[-1]
    assert received.path == "/ocpi/2.2.1/receiver/chargingprofiles/S1"
    query = dict(pair.split("=", 1) for pair in received.query.split("&"))
    assert query["duration"] == "900"
    assert original.replace(":", "%3A").replace("/", "%2F") not in received.query
    hub_url = query["response_url"].replace("%3A", ":").replace("%2F", "/")
    assert hub_url.startswith(f"{network.hub.url}/ocpi/2.2.1/hub/callback/")
    assert (await call("POST", hub_url, network.cpo.hub_token, {"result": "ACCEPTED"})).status_code == 1000
    assert network.emsp.received[-1].path == "/results/profile/1"

    profile = {"charging_profile": {"charging_rate_unit": "W"}, "response_url": network.emsp.url("/results/profile/2")}
    await network.send(network.emsp, "PUT", network.url("receiver", "chargingprofiles", "/S1"), profile, frm="DE:EMA")
    put = network.cpo.received[-1]
    assert put.json["charging_profile"] == profile["charging_profile"]
    assert put.json["response_url"].startswith(f"{network.hub.url}/ocpi/2.2.1/hub/callback/")


async def test_a_cdrs_location_header_is_fetched_through_the_hub(network):
    own_url = network.emsp.url("/ocpi/2.2.1/receiver/cdrs/stored/CDR1")
    network.emsp.replies[("POST", "/ocpi/2.2.1/receiver/cdrs")] = Reply(headers={"Location": own_url})
    network.emsp.replies[("GET", "/ocpi/2.2.1/receiver/cdrs/stored/CDR1")] = Reply(data={"id": "CDR1"})
    cdr = {"id": "CDR1", "cdr_token": {"country_code": "DE", "party_id": "EMA"}, "total_cost": {"excl_vat": 1.10}}
    answer = await network.send(network.cpo, "POST", network.url("receiver", "cdrs"), cdr, to="DE:EMA", frm="NL:CPA")
    location = answer.headers["Location"]
    assert location.startswith(f"{network.hub.url}/ocpi/2.2.1/hub/callback/") and network.emsp.base not in location
    fetched = await call("GET", location, network.cpo.hub_token)
    assert fetched.data == {"id": "CDR1"}
    assert network.emsp.received[-1].path == "/ocpi/2.2.1/receiver/cdrs/stored/CDR1"
    assert (await call("GET", location, network.emsp.hub_token)).status_code == 4903, "only the CPO may use it"


async def test_stand_in_urls_survive_a_restart(store_url, platforms):
    settings = hub_settings(store_url, routing_policy="agreements")
    hub = await start_hub(settings)
    try:
        network = await build_network(hub, platforms)
        command = {
            "response_url": network.emsp.url("/results/unlock/1"),
            "location_id": "LOC1",
            "evse_uid": "E",
            "connector_id": "1",
        }
        await network.send(
            network.emsp,
            "POST",
            network.url("receiver", "commands", "/UNLOCK_CONNECTOR"),
            command,
            to="NL:CPA",
            frm="DE:EMA",
        )
        handed_out = network.cpo.received[-1].json["response_url"]
    finally:
        await hub.stop()
    hub = await start_hub(settings)
    try:
        answer = await call("POST", handed_out, network.cpo.hub_token, {"result": "ACCEPTED"})
        assert answer.status_code == 1000
        assert network.emsp.received[-1].path == "/results/unlock/1"
    finally:
        await hub.stop()

"""What a platform must not be able to do through the hub, and receivers' answers that are not OCPI."""

from __future__ import annotations

import asyncio

import pytest

from tests.hub_server import call
from tests.platform_sim import Reply


@pytest.mark.parametrize(
    "path",
    [
        "/NL/CPA/..%2F..%2F..%2F..%2Fcredentials",
        "/NL/CPA/%2E%2E",
        "/NL/CPA/L1%3Fevil=1",
        "/NL/CPA/L1%23frag",
        # Decoded twice by a receiver's framework, these climb out too; no id needs a '%' after decoding.
        "/NL/CPA/%252e%252e/%252e%252e/credentials",
        "/NL/CPA/L1%2500",
        # Overlong UTF-8 for '.', control characters, bytes that are not UTF-8.
        "/NL/CPA/%c0%ae%c0%ae",
        "/NL/CPA/L1%00",
        "/NL/CPA/L1%0Aevil",
        "/NL/CPA/L1%7F",
        "/NL/CPA/L1%ff",
    ],
)
async def test_paths_that_could_leave_the_receivers_endpoint_are_refused(network, path):
    answer = await network.send(
        network.cpo, "DELETE", network.url("receiver", "locations", path), to="DE:EMA", frm="NL:CPA"
    )
    assert (answer.status, answer.status_code) == (200, 2001)
    assert network.emsp.received == []
    assert network.emsp.token_for_hub is not None, "the hub's registration at the eMSP is intact"


async def test_encoded_ids_are_forwarded_as_sent(network):
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "locations", "/NL/CPA/LOC%201"),
        {"id": "LOC 1"},
        to="DE:EMA",
        frm="NL:CPA",
    )
    assert answer.status_code == 1000
    assert network.emsp.received[-1].path == "/ocpi/2.2.1/receiver/locations/NL/CPA/LOC 1"


async def test_methods_outside_ocpi_are_405(network):
    answer = await network.send(
        network.cpo, "OPTIONS", network.url("receiver", "locations", "/NL/CPA/L1"), to="DE:EMA", frm="NL:CPA"
    )
    assert (answer.status, answer.status_code) == (405, 2000)
    assert network.emsp.received == []


async def test_a_platform_cannot_push_another_owners_objects(network):
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "locations", "/NL/DUO/LOC1"),
        {"id": "LOC1"},
        to="DE:EMA",
        frm="NL:CPA",
    )
    assert answer.status_code == 2001
    assert network.emsp.received == []


async def test_another_cpos_session_with_the_same_id_does_not_capture_routing(network):
    for platform, party in ((network.cpo, "CPA"), (network.duo, "DUO")):
        session = {"id": "S1", "cdr_token": {"country_code": "DE", "party_id": "EMA"}}
        answer = await network.send(
            platform, "PUT", network.url("receiver", "sessions", f"/NL/{party}/S1"), session, frm=f"NL:{party}"
        )
        assert answer.status_code == 1000
    # Each CPO still reaches the eMSP about its own S1.
    for platform, party in ((network.cpo, "CPA"), (network.duo, "DUO")):
        patch = await network.send(
            platform, "PATCH", network.url("receiver", "sessions", f"/NL/{party}/S1"), {"kwh": 1}, frm=f"NL:{party}"
        )
        assert patch.status_code == 1000
        assert network.emsp.received[-1].path == f"/ocpi/2.2.1/receiver/sessions/NL/{party}/S1"
    # The eMSP's STOP_SESSION for S1 is ambiguous now: the hub asks for OCPI-to rather than guess.
    stop = await network.send(
        network.emsp,
        "POST",
        network.url("receiver", "commands", "/STOP_SESSION"),
        {"response_url": network.emsp.url("/results/1"), "session_id": "S1"},
        frm="DE:EMA",
    )
    assert stop.status_code == 4001
    directed = await network.send(
        network.emsp,
        "POST",
        network.url("receiver", "commands", "/STOP_SESSION"),
        {"response_url": network.emsp.url("/results/1"), "session_id": "S1"},
        to="NL:DUO",
        frm="DE:EMA",
    )
    assert directed.status_code == 1000
    assert network.duo.received[-1].path == "/ocpi/2.2.1/receiver/commands/STOP_SESSION"


async def test_a_session_the_receiver_refused_teaches_nothing(network):
    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/sessions/NL/CPA/S5")] = Reply(status_code=2001)
    session = {"id": "S5", "cdr_token": {"country_code": "DE", "party_id": "EMA"}}
    await network.send(network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S5"), session, frm="NL:CPA")
    stop = await network.send(
        network.emsp,
        "POST",
        network.url("receiver", "commands", "/STOP_SESSION"),
        {"response_url": network.emsp.url("/results/1"), "session_id": "S5"},
        frm="DE:EMA",
    )
    assert stop.status_code == 4001


async def test_a_broadcast_body_may_not_name_another_owner_or_object(network):
    for path, body in (
        ("/NL/CPA/L9", {"country_code": "NL", "party_id": "DUO", "id": "L9"}),
        ("/NL/CPA/L9", {"country_code": "NL", "party_id": "CPA", "id": "OTHER"}),
        ("/NL/CPA/L9/E1", {"uid": "E2"}),
    ):
        answer = await network.send(
            network.cpo, "PUT", network.url("receiver", "locations", path), body, to="NL:HUB", frm="NL:CPA"
        )
        assert answer.status_code == 2001, path
    await network.hub.context.drain()
    assert network.emsp.received == []
    listing = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:HUB", frm="DE:EMA")
    assert listing.data == []


async def test_tokens_of_different_types_are_kept_apart(network):
    for token_type in ("RFID", "APP_USER"):
        token = {
            "country_code": "DE",
            "party_id": "EMA",
            "uid": "T1",
            "type": token_type,
            "last_updated": "2026-11-25T08:00:00Z",
        }
        await network.send(
            network.emsp,
            "PUT",
            network.url("receiver", "tokens", f"/DE/EMA/T1?type={token_type}"),
            token,
            to="NL:HUB",
            frm="DE:EMA",
        )
    listing = await network.send(network.cpo, "GET", network.url("sender", "tokens"), to="NL:HUB", frm="NL:CPA")
    assert sorted(t["type"] for t in listing.data) == ["APP_USER", "RFID"]


async def test_concurrent_patches_of_one_location_are_all_kept(network):
    location = {
        "country_code": "NL",
        "party_id": "CPA",
        "id": "L1",
        "last_updated": "2026-11-25T08:00:00Z",
        "evses": [{"uid": f"E{n}", "status": "AVAILABLE", "last_updated": "2026-11-25T08:00:00Z"} for n in range(10)],
    }
    await network.send(
        network.cpo, "PUT", network.url("receiver", "locations", "/NL/CPA/L1"), location, to="NL:HUB", frm="NL:CPA"
    )
    await asyncio.gather(
        *(
            network.send(
                network.cpo,
                "PATCH",
                network.url("receiver", "locations", f"/NL/CPA/L1/E{n}"),
                {"status": "CHARGING", "last_updated": "2026-11-25T09:00:00Z"},
                to="NL:HUB",
                frm="NL:CPA",
            )
            for n in range(10)
        )
    )
    listing = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:HUB", frm="DE:EMA")
    assert [evse["status"] for evse in listing.data[0]["evses"]] == ["CHARGING"] * 10


async def test_a_receivers_non_ocpi_answers_are_not_passed_off_as_ocpi(network):
    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/sessions/NL/CPA/S1")] = Reply(status=401, body=b"Unauthorized")
    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/sessions/NL/CPA/S2")] = Reply(status=502, body=b"<html>bad")
    first = await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to="DE:EMA", frm="NL:CPA"
    )
    assert (first.status, first.status_code) == (200, 4003)
    assert "refused the hub's credentials" in first.body["status_message"]
    second = await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S2"), {"id": "S2"}, to="DE:EMA", frm="NL:CPA"
    )
    assert (second.status, second.status_code) == (200, 4000)


async def test_a_response_url_off_the_senders_hosts_is_refused(network):
    command = {"response_url": "http://169.254.169.254/latest/meta-data", "location_id": "L1"}
    answer = await network.send(
        network.emsp, "POST", network.url("receiver", "commands", "/START_SESSION"), command, to="NL:CPA", frm="DE:EMA"
    )
    assert answer.status_code == 2001
    assert network.cpo.received == []


async def test_a_link_off_the_receivers_hosts_is_dropped(network):
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations")] = Reply(
        data=[], headers={"Link": '<http://127.0.0.1:9/internal>; rel="next"'}
    )
    answer = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:CPA", frm="DE:EMA")
    assert answer.status_code == 1000 and "Link" not in answer.headers


async def test_a_relative_link_is_resolved_against_the_receiver(network):
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations")] = Reply(
        data=[{"id": "L1"}], headers={"Link": '</ocpi/2.2.1/sender/locations/p2>; rel="next"'}
    )
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations/p2")] = Reply(data=[{"id": "L2"}])
    answer = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:CPA", frm="DE:EMA")
    link = answer.headers["Link"]
    follow = await call("GET", link[1 : link.index(">")], network.emsp.hub_token)
    assert follow.data == [{"id": "L2"}]


async def test_a_later_pages_link_off_the_receivers_hosts_is_dropped_too(network):
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations")] = Reply(
        data=[{"id": "L1"}], headers={"Link": '</ocpi/2.2.1/sender/locations/p2>; rel="next"'}
    )
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations/p2")] = Reply(
        data=[{"id": "L2"}], headers={"Link": '<http://127.0.0.1:9/internal>; rel="next"'}
    )
    answer = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:CPA", frm="DE:EMA")
    link = answer.headers["Link"]
    follow = await call("GET", link[1 : link.index(">")], network.emsp.hub_token)
    assert follow.data == [{"id": "L2"}] and "Link" not in follow.headers

"""Directed and open routing through a real hub between real platforms (checklist §3.2, §3.3, §3.6)."""

from __future__ import annotations

import asyncio
import time

import orjson
import pytest

from tests.hub_server import call
from tests.platform_sim import Reply


@pytest.fixture
def store_url(shared_store_url: str) -> str:
    """These scenarios run on the embedded store and on the MongoDB adapter."""
    return shared_store_url


LOCATION = {
    "country_code": "NL",
    "party_id": "CPA",
    "id": "LOC1",
    "publish": True,
    "address": "Stationsplein 1",
    "city": "Utrecht",
    "country": "NLD",
    "coordinates": {"latitude": "52.089444", "longitude": "5.110278"},
    "time_zone": "Europe/Amsterdam",
    "evses": [{"uid": "EVSE1", "status": "AVAILABLE", "connectors": [], "last_updated": "2026-11-25T08:00:00Z"}],
    "x_vendor_extension": {"kept": [1.10, "as sent"]},
    "last_updated": "2026-11-25T08:00:00Z",
}


# Settings of the `network` fixture (tests/conftest.py) for this module.
NETWORK_SETTINGS = {"forward_timeout_seconds": 1.0}


async def test_directed_push_reaches_the_receiver_unchanged(network):
    # Number formats, key order, unknown fields and whitespace all arrive as sent.
    body = orjson.dumps(LOCATION)[:-1] + b', "precise": 1.10, "big": 12345678901234567890}  '
    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/locations/NL/CPA/LOC1")] = Reply(
        status=201,
        headers={
            "OCPI-to-country-code": "NL",
            "OCPI-to-party-id": "CPA",
            "OCPI-from-country-code": "DE",
            "OCPI-from-party-id": "EMA",
        },
    )
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "locations", "/NL/CPA/LOC1"),
        raw=body,
        to="de:ema",
        frm="NL:CPA",
        headers={"X-Correlation-ID": "corr-1"},
    )
    assert (answer.status, answer.status_code) == (201, 1000), "the receiver's HTTP status and envelope"
    assert answer.headers["OCPI-from-party-id"] == "EMA" and answer.headers["OCPI-to-party-id"] == "CPA"
    (received,) = network.emsp.received
    assert received.path == "/ocpi/2.2.1/receiver/locations/NL/CPA/LOC1"
    assert received.body == body, "the body is relayed byte for byte"
    assert received.headers["OCPI-to-country-code"] == "de", "routing headers unchanged"
    assert received.headers["OCPI-from-party-id"] == "CPA"
    assert received.headers["X-Correlation-ID"] == "corr-1"
    assert received.headers["X-Request-ID"] != answer.headers["X-Request-ID"], "a new X-Request-ID per leg"
    assert received.headers["Content-Type"] == "application/json"
    assert network.duo.received == [] and network.cpo.received == []


async def test_a_pull_goes_to_the_owners_sender_interface_with_the_query(network):
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations")] = Reply(
        data=[LOCATION], headers={"X-Total-Count": "1", "X-Limit": "50"}
    )
    answer = await network.send(
        network.emsp,
        "GET",
        network.url("sender", "locations") + "?date_from=2026-01-01T00:00:00Z&limit=50",
        to="NL:CPA",
        frm="DE:EMA",
    )
    assert answer.data == [LOCATION]
    assert (answer.headers["X-Total-Count"], answer.headers["X-Limit"]) == ("1", "50")
    (received,) = network.cpo.received
    assert received.query == "date_from=2026-01-01T00:00:00Z&limit=50"


async def test_a_paginated_get_is_followed_across_pages_through_the_hub(network):
    first, second = "/ocpi/2.2.1/sender/locations", "/ocpi/2.2.1/sender/locations/page2"
    network.cpo.replies[("GET", first)] = Reply(
        data=[{"id": "L1"}],
        headers={
            "Link": f'<{network.cpo.url(second)}?offset=1&limit=1>; rel="next"',
            "X-Total-Count": "2",
            "X-Limit": "1",
        },
    )
    network.cpo.replies[("GET", second)] = Reply(data=[{"id": "L2"}], headers={"X-Total-Count": "2", "X-Limit": "1"})
    page = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:CPA", frm="DE:EMA")
    seen = [item["id"] for item in page.data]
    link = page.headers["Link"]
    assert network.cpo.base not in link and link.startswith(f"<{network.hub.url}/"), "the Link points at the hub"
    next_url = link[1 : link.index(">")]
    page = await call("GET", next_url, network.emsp.hub_token)
    seen += [item["id"] for item in page.data]
    assert seen == ["L1", "L2"]
    assert "Link" not in page.headers
    assert network.cpo.received[-1].query == "offset=1&limit=1"
    assert network.cpo.received[-1].headers["OCPI-to-party-id"] == "CPA"
    # The stand-in URL is only for the platform it was handed to.
    other = await call("GET", next_url, network.duo.hub_token)
    assert (other.status, other.status_code) == (404, 4903)


async def test_real_time_authorization_relays_404_and_2004(network):
    network.emsp.replies[("POST", "/ocpi/2.2.1/sender/tokens/UNKNOWN1/authorize")] = Reply(status=404, status_code=2004)
    answer = await network.send(
        network.cpo,
        "POST",
        network.url("sender", "tokens", "/UNKNOWN1/authorize") + "?type=RFID",
        {"location_id": "LOC1"},
        to="DE:EMA",
        frm="NL:CPA",
    )
    assert (answer.status, answer.status_code) == (404, 2004)
    assert "data" not in answer.body


async def test_receiver_errors_are_relayed_as_they_are(network):
    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/sessions/NL/CPA/S1")] = Reply(status=200, status_code=2001)
    answer = await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to="DE:EMA", frm="NL:CPA"
    )
    assert (answer.status, answer.status_code) == (200, 2001)


@pytest.mark.parametrize(
    ("to", "frm", "status_code", "words"),
    [
        ("XX:YYY", "NL:CPA", 4001, "unknown receiver"),
        ("DE:EMB", "NL:CPA", 4902, "no active agreement"),
        ("DE:EMA", "NL:DUO", 2901, "not a party of your platform"),
    ],
)
async def test_refusals_reach_no_one(network, to, frm, status_code, words):
    answer = await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to=to, frm=frm
    )
    assert (answer.status, answer.status_code) == (200, status_code)
    assert words in answer.body["status_message"]
    assert network.emsp.received == [] and network.duo.received == []


async def test_half_a_header_pair_is_2001(network):
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "sessions", "/NL/CPA/S1"),
        {"id": "S1"},
        headers={"OCPI-to-country-code": "DE"},
    )
    assert (answer.status, answer.status_code) == (200, 2001)


async def test_receiver_down_is_4003(network):
    await network.emsp.stop()
    answer = await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to="DE:EMA", frm="NL:CPA"
    )
    assert (answer.status, answer.status_code) == (200, 4003)


async def test_a_hung_receiver_is_4002_and_holds_up_nobody_else(network):
    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/sessions/NL/CPA/SLOW")] = Reply(delay=3.0)
    started = time.monotonic()
    slow = asyncio.create_task(
        network.send(
            network.cpo,
            "PUT",
            network.url("receiver", "sessions", "/NL/CPA/SLOW"),
            {"id": "SLOW"},
            to="DE:EMA",
            frm="NL:CPA",
        )
    )
    await asyncio.sleep(0.1)
    quick = await network.send(
        network.duo, "PUT", network.url("receiver", "sessions", "/NL/DUO/S2"), {"id": "S2"}, to="DE:EMA", frm="NL:DUO"
    )
    assert quick.status_code == 1000
    assert time.monotonic() - started < 0.9, "other traffic went on while the slow receiver hung"
    answer = await slow
    assert (answer.status, answer.status_code) == (200, 4002)
    assert 0.9 <= time.monotonic() - started < 2.5, "the configured forward timeout (1 s) applies"


async def test_wrong_json_is_400_and_forwards_nothing(network):
    answer = await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), raw=b"{oops", to="DE:EMA", frm="NL:CPA"
    )
    assert (answer.status, answer.status_code) == (400, 2000)
    assert network.emsp.received == []


async def test_open_routing_session_by_cdr_token_without_any_header(network):
    session = {
        "id": "S1",
        "country_code": "NL",
        "party_id": "CPA",
        "cdr_token": {"country_code": "de", "party_id": "ema", "uid": "T1", "type": "RFID", "contract_id": "C1"},
    }
    answer = await network.send(network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), session)
    assert answer.status_code == 1000
    (received,) = network.emsp.received
    assert (received.headers["OCPI-to-country-code"], received.headers["OCPI-to-party-id"]) == ("DE", "EMA")
    assert (received.headers["OCPI-from-country-code"], received.headers["OCPI-from-party-id"]) == ("NL", "CPA")

    # Later messages about the session find their way without headers: a PATCH from the CPO, a STOP from the eMSP.
    patch = await network.send(
        network.cpo,
        "PATCH",
        network.url("receiver", "sessions", "/NL/CPA/S1"),
        {"kwh": 3.5, "last_updated": "2026-11-25T10:00:00Z"},
    )
    assert patch.status_code == 1000
    assert network.emsp.received[-1].method == "PATCH"
    stop = await network.send(
        network.emsp,
        "POST",
        network.url("receiver", "commands", "/STOP_SESSION"),
        {"response_url": network.emsp.url("/results/stop/1"), "session_id": "S1"},
        frm="DE:EMA",
    )
    assert stop.status_code == 1000
    assert network.cpo.received[-1].path == "/ocpi/2.2.1/receiver/commands/STOP_SESSION"
    assert network.cpo.received[-1].headers["OCPI-to-party-id"] == "CPA"


async def test_open_routing_that_cannot_decide_is_4001(network):
    answer = await network.send(network.cpo, "POST", network.url("receiver", "cdrs"), {"id": "CDR1"}, frm="NL:CPA")
    assert (answer.status, answer.status_code) == (200, 4001)
    assert "OCPI-to" in answer.body["status_message"]


async def test_message_log_finds_a_routed_message_by_request_id(network):
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "sessions", "/NL/CPA/S1"),
        {"id": "S1"},
        to="DE:EMA",
        frm="NL:CPA",
        headers={"X-Request-ID": "find-me-1"},
    )
    assert answer.status_code == 1000
    await network.hub.context.messages.flush()
    (record,) = await network.hub.context.store.messages.query(request_id="find-me-1")
    assert (record.from_party, record.to_party, record.module, record.outcome) == (
        "NL:CPA",
        "DE:EMA",
        "sessions",
        "forwarded",
    )
    assert (record.http_status, record.status_code, record.downstream_http_status) == (200, 1000, 200)
    assert record.request_bytes == len(b'{"id":"S1"}') and record.latency_ms > 0

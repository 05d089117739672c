"""Sessions and CDRs across versions, over real HTTP: a CPO of either version pushes them without naming the eMSP
(2.1.1 cannot); the hub finds the eMSP by the token (a 2.1.1 `auth_id` is the token's contract id), translates for
it, learns the session for later PATCHes and STOP_SESSION, and keeps copies for 2.1.1 eMSPs, whose list GETs it
answers from them. A 2.1.1 CPO asked for a list by a 2.2.1 eMSP answers for everyone behind the hub: the hub
passes on only the requester's."""

from __future__ import annotations

import copy

import orjson

from tests.bridge.test_authorize_and_commands import push_tokens_and_locations, result_via
from tests.bridge.test_broadcast_modules import no_routing_headers
from tests.bridge_fixtures import NEW_CPO, owned
from tests.platform_sim import Reply
from tests.translation.examples import (
    CDR_211,
    CDR_221,
    SESSION_211,
    SESSION_221,
    SESSION_LOCATION_211,
    TARIFF_12_221,
)

EMA_CDR_TOKEN = {
    "country_code": "DE",
    "party_id": "EMA",
    "uid": "EMA001",
    "type": "RFID",
    "contract_id": "DE-EMA-C00001",
}
# The 2.1.1 CPO's sessions: 101 for the 2.1.1 eMSP's token (the example), 102 for the 2.2.1 eMSP's.
SESSION_102_211 = {**SESSION_211, "id": "102", "auth_id": "DE-EMA-C00001"}
SESSION_102_221 = {**SESSION_221, "id": "102", "cdr_token": EMA_CDR_TOKEN}
# The 2.2.1 CPO's: 201 at its LOC2 for the 2.1.1 eMSP's token, 202 for the 2.2.1 eMSP's.
SESSION_201_221 = owned({**SESSION_221, "id": "201", "location_id": "LOC2"}, NEW_CPO)
SESSION_201_211 = {**SESSION_211, "id": "201", "location": {**SESSION_LOCATION_211, "id": "LOC2"}}
SESSION_202_221 = owned({**SESSION_221, "id": "202", "location_id": "LOC2", "cdr_token": EMA_CDR_TOKEN}, NEW_CPO)


async def test_sessions_put_and_patch_reach_the_tokens_emsp_in_its_version(bridge):
    await push_tokens_and_locations(bridge)
    for path, session in (("/BE/BEC/101", SESSION_211), ("/BE/BEC/102", SESSION_102_211)):
        answer = await bridge.old(bridge.old_cpo, "PUT", "sessions", path, session)
        assert (answer.status, answer.status_code) == (200, 1000), answer.body
    for path, session in (("/NL/CPA/201", SESSION_201_221), ("/NL/CPA/202", SESSION_202_221)):
        answer = await bridge.new(bridge.new_cpo, "PUT", "receiver", "sessions", path, session)
        assert (answer.status, answer.status_code) == (200, 1000), answer.body

    old_emsp = {r.path: r for r in bridge.old_emsp.received}
    new_emsp = {r.path: r for r in bridge.new_emsp.received}
    assert set(old_emsp) == {"/ocpi/2.1.1/sessions/BE/BEC/101", "/ocpi/2.1.1/sessions/NL/CPA/201"}
    assert set(new_emsp) == {"/ocpi/2.2.1/receiver/sessions/BE/BEC/102", "/ocpi/2.2.1/receiver/sessions/NL/CPA/202"}
    # 2.1.1 -> 2.1.1: as sent.
    assert old_emsp["/ocpi/2.1.1/sessions/BE/BEC/101"].body == orjson.dumps(SESSION_211)
    # 2.1.1 -> 2.2.1: the auth_id became the eMSP's token, the embedded Location its ids.
    to_new = new_emsp["/ocpi/2.2.1/receiver/sessions/BE/BEC/102"]
    assert to_new.json == SESSION_102_221
    assert (to_new.headers["OCPI-from-party-id"], to_new.headers["OCPI-to-party-id"]) == ("BEC", "EMA")
    # 2.2.1 -> 2.1.1: the token became its contract id, the location id the hub's copy of that Location.
    to_old = old_emsp["/ocpi/2.1.1/sessions/NL/CPA/201"]
    assert to_old.json == SESSION_201_211 and no_routing_headers(to_old)
    # 2.2.1 -> 2.2.1: untouched.
    assert new_emsp["/ocpi/2.2.1/receiver/sessions/NL/CPA/202"].body == orjson.dumps(SESSION_202_221)

    # PATCHes follow the session's PUT (the hub learned which eMSP it is for).
    bridge.old_emsp.received.clear()
    bridge.new_emsp.received.clear()
    patch = {"kwh": 42.5, "last_updated": "2015-06-29T23:20:00Z"}
    for path in ("/BE/BEC/101", "/BE/BEC/102"):
        answer = await bridge.old(bridge.old_cpo, "PATCH", "sessions", path, patch)
        assert answer.status_code == 1000, answer.body
    answer = await bridge.new(bridge.new_cpo, "PATCH", "receiver", "sessions", "/NL/CPA/201", patch)
    assert answer.status_code == 1000, answer.body
    assert {(r.path, r.body) for r in bridge.old_emsp.received} == {
        ("/ocpi/2.1.1/sessions/BE/BEC/101", orjson.dumps(patch)),
        ("/ocpi/2.1.1/sessions/NL/CPA/201", orjson.dumps(patch)),
    }
    (to_new,) = bridge.new_emsp.received
    assert (to_new.path, to_new.json) == ("/ocpi/2.2.1/receiver/sessions/BE/BEC/102", patch)

    # A 2.1.1 eMSP lists its sessions: the hub's copies of those passed to it (with the PATCHes), in 2.1.1.
    listed = await bridge.old(bridge.old_emsp, "GET", "sessions")
    assert (listed.status, listed.status_code) == (200, 1000), listed.body
    assert sorted(listed.data, key=lambda s: s["id"]) == [
        {**SESSION_211, **patch},
        {**SESSION_201_211, **patch},
    ]

    # A session whose token the hub does not know: nobody to send it to, in a code 2.1.1 knows.
    unknown = {**SESSION_211, "id": "103", "auth_id": "XX-UNKNOWN"}
    answer = await bridge.old(bridge.old_cpo, "PUT", "sessions", "/BE/BEC/103", unknown)
    assert answer.status_code == 2001, answer.body
    assert "XX-UNKNOWN" in answer.body["status_message"] or "token" in answer.body["status_message"]


async def test_stop_session_reaches_the_sessions_cpo_and_the_result_comes_back(bridge):
    await push_tokens_and_locations(bridge)
    await bridge.old(bridge.old_cpo, "PUT", "sessions", "/BE/BEC/101", SESSION_211)
    await bridge.old(bridge.old_cpo, "PUT", "sessions", "/BE/BEC/102", SESSION_102_211)
    await bridge.new(bridge.new_cpo, "PUT", "receiver", "sessions", "/NL/CPA/201", SESSION_201_221)
    bridge.new_cpo.replies[("POST", "/ocpi/2.2.1/receiver/commands/STOP_SESSION")] = Reply(
        data={"result": "ACCEPTED", "timeout": 30}
    )
    bridge.old_cpo.replies[("POST", "/ocpi/2.1.1/commands/STOP_SESSION")] = Reply(data={"result": "ACCEPTED"})
    bridge.new_cpo.received.clear()
    bridge.old_cpo.received.clear()

    # 2.1.1 eMSP -> 2.2.1 CPO; the CPO's FAILED is a REJECTED to 2.1.1.
    stop = {"response_url": bridge.old_emsp.url("/results/stop-1"), "session_id": "201"}
    answer = await bridge.old(bridge.old_emsp, "POST", "commands", "/STOP_SESSION", stop)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {"result": "ACCEPTED"}
    (command,) = bridge.new_cpo.received
    assert command.json["session_id"] == "201"
    assert (command.headers["OCPI-from-party-id"], command.headers["OCPI-to-party-id"]) == ("TNM", "CPA")
    await result_via(bridge.new_cpo, command.json["response_url"], {"result": "FAILED"})
    (result,) = [r for r in bridge.old_emsp.received if r.path == "/results/stop-1"]
    assert result.json == {"result": "REJECTED"}

    # 2.2.1 eMSP -> 2.1.1 CPO, without naming it; the CPO's UNKNOWN_SESSION is a FAILED, explained, to 2.2.1.
    stop = {"response_url": bridge.new_emsp.url("/results/stop-2"), "session_id": "102"}
    answer = await bridge.new(bridge.new_emsp, "POST", "receiver", "commands", "/STOP_SESSION", stop)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {"result": "ACCEPTED", "timeout": 30}
    (command,) = bridge.old_cpo.received
    assert command.json["session_id"] == "102" and no_routing_headers(command)
    await result_via(bridge.old_cpo, command.json["response_url"], {"result": "UNKNOWN_SESSION"})
    (result,) = [r for r in bridge.new_emsp.received if r.path == "/results/stop-2"]
    assert result.json["result"] == "FAILED"
    assert "UNKNOWN_SESSION" in result.json["message"][0]["text"]

    # 2.1.1 -> 2.1.1: as sent, the response_url the hub's.
    bridge.old_cpo.received.clear()
    stop = {"response_url": bridge.old_emsp.url("/results/stop-3"), "session_id": "101"}
    answer = await bridge.old(bridge.old_emsp, "POST", "commands", "/STOP_SESSION", stop)
    assert answer.data == {"result": "ACCEPTED"}, answer.body
    (command,) = bridge.old_cpo.received
    assert command.json["session_id"] == "101"
    await result_via(bridge.old_cpo, command.json["response_url"], {"result": "ACCEPTED"})
    (result,) = [r for r in bridge.old_emsp.received if r.path == "/results/stop-3"]
    assert result.body == b'{"result":"ACCEPTED"}'


async def test_cdrs_posted_and_listed_in_all_four_combinations(bridge):
    await push_tokens_and_locations(bridge)
    cdr_ema_211 = {**CDR_211, "id": "12346", "auth_id": "DE-EMA-C00001"}
    bridge.old_emsp.default_reply = Reply(headers={"Location": bridge.old_emsp.url("/ocpi/2.1.1/cdrs/12345")})
    bridge.new_emsp.default_reply = Reply(headers={"Location": bridge.new_emsp.url("/ocpi/2.2.1/receiver/cdrs/x")})
    for cdr in (CDR_211, cdr_ema_211):
        answer = await bridge.old(bridge.old_cpo, "POST", "cdrs", "", cdr)
        assert (answer.status, answer.status_code) == (200, 1000), answer.body
    cdr_201 = owned(
        {
            **CDR_221,
            "id": "C201",
            "cdr_location": {**CDR_221["cdr_location"], "id": "LOC2"},
            "tariffs": [owned(TARIFF_12_221, NEW_CPO)],
        },
        NEW_CPO,
    )
    cdr_202 = {**cdr_201, "id": "C202", "cdr_token": EMA_CDR_TOKEN}
    for cdr in (cdr_201, cdr_202):
        answer = await bridge.new(bridge.new_cpo, "POST", "receiver", "cdrs", "", cdr)
        assert (answer.status, answer.status_code) == (200, 1000), answer.body
        assert answer.headers["Location"].startswith(f"{bridge.hub.url}/ocpi/2.2.1/hub/callback/")

    old_emsp = {r.json["id"]: r for r in bridge.old_emsp.received}
    new_emsp = {r.json["id"]: r for r in bridge.new_emsp.received}
    assert set(old_emsp) == {"12345", "C201"} and set(new_emsp) == {"12346", "C202"}
    assert old_emsp["12345"].body == orjson.dumps(CDR_211)
    assert new_emsp["C202"].body == orjson.dumps(cdr_202)
    assert new_emsp["12346"].json == {**CDR_221, "id": "12346", "cdr_token": EMA_CDR_TOKEN}
    to_old = old_emsp["C201"].json
    assert no_routing_headers(old_emsp["C201"])
    expected = {key: value for key, value in CDR_211.items() if key not in ("location", "tariffs")}
    assert {key: to_old[key] for key in expected} == {**expected, "id": "C201"}
    location = to_old["location"]
    assert (location["id"], location["type"], location["name"], location["time_zone"]) == (
        "LOC2",
        "ON_STREET",
        "Gent Zuid",
        "Europe/Brussels",
    ), "what the CdrLocation lacks comes from the hub's copy of the Location"
    (evse,) = location["evses"]
    (connector,) = evse["connectors"]
    assert (evse["uid"], evse["evse_id"], connector["id"], connector["standard"], connector["power_type"]) == (
        "3256",
        "BE-BEC-E041503003",
        "1",
        "IEC_62196_T2",
        "AC_1_PHASE",
    )
    assert to_old["tariffs"][0]["id"] == "12" and "country_code" not in to_old["tariffs"][0]

    # A 2.1.1 eMSP lists its CDRs: the hub's copies of those passed to it.
    listed = await bridge.old(bridge.old_emsp, "GET", "cdrs")
    assert (listed.status, listed.status_code) == (200, 1000), listed.body
    assert sorted(cdr["id"] for cdr in listed.data) == ["12345", "C201"]
    (from_old,) = [cdr for cdr in listed.data if cdr["id"] == "12345"]
    assert {key: from_old[key] for key in expected} == expected

    # A 2.2.1 eMSP lists the 2.1.1 CPO's CDRs: the CPO answers for everyone behind the hub; only the eMSP's pass.
    bridge.old_cpo.replies[("GET", "/ocpi/2.1.1/cdrs")] = Reply(data=[CDR_211, cdr_ema_211])
    listed = await bridge.new(bridge.new_emsp, "GET", "sender", "cdrs", to="BE:BEC")
    assert (listed.status, listed.status_code) == (200, 1000), listed.body
    assert listed.data == [{**CDR_221, "id": "12346", "cdr_token": EMA_CDR_TOKEN}]
    await bridge.hub.context.messages.flush()
    records = await bridge.hub.context.store.messages.query(module="cdrs")
    (record,) = [r for r in records if r.method == "GET" and r.outcome == "forwarded"]
    assert record.translation == "2.2.1>2.1.1>2.2.1", "asked in 2.1.1, answered in 2.2.1"
    assert "answer: 1 cdrs of other parties' tokens" in record.lost

    # The 2.1.1 eMSP's Location for a CDR: the 2.1.1 CPO follows the hub's stand-in, and gets the CDR as stored.
    location_url = (await bridge.old(bridge.old_cpo, "POST", "cdrs", "", {**CDR_211, "id": "12347"})).headers[
        "Location"
    ]
    bridge.old_emsp.replies[("GET", "/ocpi/2.1.1/cdrs/12345")] = Reply(data=CDR_211)
    from tests.hub_server import call

    fetched = await call("GET", location_url, bridge.old_cpo.hub_token, encoding="plain")
    assert (fetched.status, fetched.data) == (200, CDR_211)


async def test_a_211_cdr_without_a_known_token_is_refused_and_nothing_is_kept(bridge):
    await push_tokens_and_locations(bridge)
    answer = await bridge.old(bridge.old_cpo, "POST", "cdrs", "", {**CDR_211, "auth_id": "NOBODY"})
    assert answer.status_code == 2001, answer.body
    assert bridge.old_emsp.received == [] and bridge.new_emsp.received == []
    listed = await bridge.old(bridge.old_emsp, "GET", "cdrs")
    assert listed.data == []
    assert copy.deepcopy(CDR_211)["auth_id"] == "DE8ACC12E46L89"

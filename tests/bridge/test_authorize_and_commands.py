"""Real-time authorization and commands across versions, over real HTTP: a CPO of either version asks the token's
eMSP, whatever its version, and gets the answer in its own (allowed, blocked, unknown); an eMSP of either version
commands the location's (or the session's) CPO and gets the synchronous answer and then the asynchronous result,
each in its own version, through the hub's stand-in response_url."""

from __future__ import annotations

import orjson

from tests.bridge.test_broadcast_modules import LOC2_221, TOKEN_EMA_211, TOKEN_EMA_221, no_routing_headers
from tests.hub_server import call
from tests.platform_sim import Reply
from tests.translation.examples import LOCATION_211, TOKEN_211, TOKEN_221


async def push_tokens_and_locations(bridge) -> None:
    await bridge.old(bridge.old_emsp, "PUT", "tokens", "/DE/TNM/012345678", TOKEN_211)
    await bridge.new(bridge.new_emsp, "PUT", "receiver", "tokens", "/DE/EMA/EMA001", TOKEN_EMA_221)
    await bridge.old(bridge.old_cpo, "PUT", "locations", "/BE/BEC/LOC1", LOCATION_211)
    await bridge.new(bridge.new_cpo, "PUT", "receiver", "locations", "/NL/CPA/LOC2", LOC2_221)
    await bridge.hub.context.drain()
    for platform in (bridge.old_cpo, bridge.old_emsp, bridge.new_cpo, bridge.new_emsp):
        platform.received.clear()


async def test_real_time_authorization_allowed_blocked_and_unknown_in_all_four_combinations(bridge):
    await push_tokens_and_locations(bridge)
    references_211 = {"location_id": "LOC1", "evse_uids": ["3256"], "connector_ids": ["1"]}
    bridge.old_emsp.replies[("POST", "/ocpi/2.1.1/tokens/012345678/authorize")] = Reply(
        data={"allowed": "ALLOWED", "location": references_211}
    )
    # 2.1.1 CPO -> 2.1.1 eMSP: as sent, both ways.
    answer = await bridge.old(bridge.old_cpo, "POST", "tokens", "/012345678/authorize", references_211)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {"allowed": "ALLOWED", "location": references_211}
    (asked,) = bridge.old_emsp.received
    assert asked.body == orjson.dumps(references_211) and no_routing_headers(asked)

    # 2.2.1 CPO -> 2.1.1 eMSP, blocked: the 2.2.1 AuthorizationInfo carries the Token (the hub's copy).
    bridge.old_emsp.received.clear()
    bridge.old_emsp.replies[("POST", "/ocpi/2.1.1/tokens/012345678/authorize")] = Reply(data={"allowed": "BLOCKED"})
    references_221 = {"location_id": "LOC2", "evse_uids": ["3256"]}
    answer = await bridge.new(bridge.new_cpo, "POST", "sender", "tokens", "/012345678/authorize", references_221)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {"allowed": "BLOCKED", "token": TOKEN_221}
    (asked,) = bridge.old_emsp.received
    assert asked.json == references_221

    # 2.1.1 CPO -> 2.2.1 eMSP that does not know the token (2004, HTTP 404): 2.1.1 has no 2004.
    bridge.new_emsp.replies[("POST", "/ocpi/2.2.1/sender/tokens/EMA001/authorize")] = Reply(
        status=404, status_code=2004
    )
    answer = await bridge.old(bridge.old_cpo, "POST", "tokens", "/EMA001/authorize", references_211)
    assert (answer.status, answer.status_code) == (404, 2000), answer.body
    assert answer.body["status_message"].startswith("unknown token (2004)")
    (asked,) = bridge.new_emsp.received
    assert asked.json == {"location_id": "LOC1", "evse_uids": ["3256"]}, "2.2.1 LocationReferences: no connectors"
    assert (asked.headers["OCPI-from-party-id"], asked.headers["OCPI-to-party-id"]) == ("BEC", "EMA")

    # 2.2.1 CPO -> 2.1.1 eMSP answering a bare HTTP 404 (its way of saying unknown): 2004 to the 2.2.1 CPO.
    bridge.old_emsp.replies[("POST", "/ocpi/2.1.1/tokens/012345678/authorize")] = Reply(status=404, body=b"Not Found")
    answer = await bridge.new(bridge.new_cpo, "POST", "sender", "tokens", "/012345678/authorize", references_221)
    assert (answer.status, answer.status_code) == (404, 2004), answer.body

    # 2.2.1 -> 2.2.1: the eMSP's bytes.
    allowed = {"allowed": "ALLOWED", "token": TOKEN_EMA_221, "authorization_reference": "REF-1"}
    bridge.new_emsp.replies[("POST", "/ocpi/2.2.1/sender/tokens/EMA001/authorize")] = Reply(data=allowed)
    answer = await bridge.new(bridge.new_cpo, "POST", "sender", "tokens", "/EMA001/authorize", references_221)
    assert answer.data == allowed

    # A token no eMSP pushed to the hub: unknown, in each CPO's version.
    answer = await bridge.old(bridge.old_cpo, "POST", "tokens", "/FFFF0000/authorize")
    assert (answer.status, answer.status_code) == (404, 2000), answer.body
    answer = await bridge.new(bridge.new_cpo, "POST", "sender", "tokens", "/FFFF0000/authorize")
    assert (answer.status, answer.status_code) == (404, 2004), answer.body


async def result_via(platform, stand_in_url: str, result: dict) -> None:
    """The CPO posts the command's result to the response_url it was given (the hub's stand-in)."""
    encoding = "plain" if platform.encoding == "plain" else "base64"
    answer = await call("POST", stand_in_url, platform.hub_token, result, encoding=encoding)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body


async def test_start_session_with_results_back_in_all_four_combinations(bridge):
    await push_tokens_and_locations(bridge)
    hub_url = bridge.hub.url

    # 2.1.1 eMSP -> 2.2.1 CPO (the owner of LOC2): a 2.2.1 StartSession with the eMSP's Token in 2.2.1.
    bridge.new_cpo.replies[("POST", "/ocpi/2.2.1/receiver/commands/START_SESSION")] = Reply(
        data={"result": "ACCEPTED", "timeout": 30}
    )
    start = {
        "response_url": bridge.old_emsp.url("/results/start-1"),
        "token": TOKEN_211,
        "location_id": "LOC2",
        "evse_uid": "3256",
    }
    answer = await bridge.old(bridge.old_emsp, "POST", "commands", "/START_SESSION", start)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {"result": "ACCEPTED"}, "2.1.1 CommandResponse: no timeout"
    (command,) = bridge.new_cpo.received
    sent = command.json
    assert sent["response_url"].startswith(f"{hub_url}/ocpi/2.2.1/hub/callback/")
    assert {**sent, "response_url": None} == {
        "response_url": None,
        "token": TOKEN_221,
        "location_id": "LOC2",
        "evse_uid": "3256",
    }
    await result_via(bridge.new_cpo, sent["response_url"], {"result": "ACCEPTED"})
    (result,) = [r for r in bridge.old_emsp.received if r.path == "/results/start-1"]
    assert result.json == {"result": "ACCEPTED"} and no_routing_headers(result)

    # 2.2.1 eMSP -> 2.1.1 CPO: a 2.1.1 StartSession (no connector_id), the CPO's answer given a timeout.
    bridge.old_cpo.replies[("POST", "/ocpi/2.1.1/commands/START_SESSION")] = Reply(data={"result": "ACCEPTED"})
    start = {
        "response_url": bridge.new_emsp.url("/results/start-2"),
        "token": TOKEN_EMA_221,
        "location_id": "LOC1",
        "evse_uid": "3256",
        "connector_id": "1",
    }
    answer = await bridge.new(bridge.new_emsp, "POST", "receiver", "commands", "/START_SESSION", start, to="BE:BEC")
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {"result": "ACCEPTED", "timeout": 30}
    (command,) = bridge.old_cpo.received
    sent = command.json
    assert {**sent, "response_url": None} == {
        "response_url": None,
        "token": TOKEN_EMA_211,
        "location_id": "LOC1",
        "evse_uid": "3256",
    }
    assert no_routing_headers(command)
    await result_via(bridge.old_cpo, sent["response_url"], {"result": "TIMEOUT"})
    (result,) = [r for r in bridge.new_emsp.received if r.path == "/results/start-2"]
    assert result.json == {"result": "TIMEOUT"}
    assert (result.headers["OCPI-from-party-id"], result.headers["OCPI-to-party-id"]) == ("BEC", "EMA")

    # 2.1.1 -> 2.1.1 and 2.2.1 -> 2.2.1: only the response_url is the hub's.
    bridge.old_cpo.received.clear()
    bridge.new_cpo.received.clear()
    start = {"response_url": bridge.old_emsp.url("/results/start-3"), "token": TOKEN_211, "location_id": "LOC1"}
    answer = await bridge.old(bridge.old_emsp, "POST", "commands", "/START_SESSION", start)
    assert answer.data == {"result": "ACCEPTED"}
    (command,) = bridge.old_cpo.received
    assert {**command.json, "response_url": None} == {**start, "response_url": None}
    await result_via(bridge.old_cpo, command.json["response_url"], {"result": "REJECTED"})
    (result,) = [r for r in bridge.old_emsp.received if r.path == "/results/start-3"]
    assert result.json == {"result": "REJECTED"}
    start = {"response_url": bridge.new_emsp.url("/results/start-4"), "token": TOKEN_EMA_221, "location_id": "LOC2"}
    answer = await bridge.new(bridge.new_emsp, "POST", "receiver", "commands", "/START_SESSION", start)
    assert answer.data == {"result": "ACCEPTED", "timeout": 30}
    (command,) = bridge.new_cpo.received
    assert {**command.json, "response_url": None} == {**start, "response_url": None}


async def test_what_one_version_cannot_say_is_refused_with_a_reason(bridge):
    await push_tokens_and_locations(bridge)
    # CANCEL_RESERVATION does not exist in 2.1.1: the 2.2.1 eMSP hears so from the hub, the CPO hears nothing.
    cancel = {"response_url": bridge.new_emsp.url("/results/c"), "reservation_id": "R1"}
    answer = await bridge.new(
        bridge.new_emsp, "POST", "receiver", "commands", "/CANCEL_RESERVATION", cancel, to="BE:BEC"
    )
    assert answer.status_code == 2001, answer.body
    assert "2.1.1" in answer.body["status_message"] and "CANCEL_RESERVATION" in answer.body["status_message"]
    # A 2.1.1 CPO has no charging profiles module.
    answer = await bridge.new(bridge.new_emsp, "PUT", "receiver", "chargingprofiles", "/S1", {}, to="BE:BEC")
    assert answer.status_code == 4901, answer.body
    assert bridge.old_cpo.received == []
    # A platform calls the endpoints of the version it registered with.
    answer = await bridge.new(bridge.old_emsp, "GET", "sender", "locations")
    assert (answer.status, answer.status_code) == (404, 2000), answer.body
    assert "registered with OCPI 2.1.1" in answer.body["status_message"]

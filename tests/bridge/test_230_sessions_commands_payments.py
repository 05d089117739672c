"""OCPI 2.3.0 platforms among 2.2.1 and 2.1.1 ones, over real HTTP: sessions and CDRs reach the token's eMSP in its
version (2.3.0 Price with taxes[], 2.2.1 excl_vat/incl_vat, 2.1.1 through 2.2.1); real-time authorization and
commands go to the other side's version and their answers and results come back in the asker's; payments flow
between 2.3.0 parties (the payment terminal provider registered as OTHER) and are refused, with 4901, towards or
from a party whose version has no payments module."""

from __future__ import annotations

import orjson

from tests.bridge.test_authorize_and_commands import result_via
from tests.bridge_fixtures import owned
from tests.hub_server import call
from tests.platform_sim import Reply
from tests.translation.examples_230 import (
    CDR_221,
    CDR_230,
    FINANCIAL_ADVICE_CONFIRMATION,
    LOCATION_230,
    SESSION_2_221,
    SESSION_2_230,
    TERMINAL,
    TOKEN_EMAID_221,
    TOKEN_EMAID_230,
    deep,
    to_230,
)

TNM_TOKEN = {
    "country_code": "DE",
    "party_id": "TNM",
    "uid": "012345678",
    "type": "RFID",
    "contract_id": "DE8ACC12E46L89",
}
EMA_TOKEN = {"country_code": "DE", "party_id": "EMA", "uid": "EMA001", "type": "RFID", "contract_id": "DE-EMA-C1"}
EMO_TOKEN_211 = {
    "uid": "EMO001",
    "type": "RFID",
    "auth_id": "SE-EMO-C1",
    "issuer": "EMO",
    "valid": True,
    "whitelist": "ALLOWED",
    "last_updated": "2024-01-01T00:00:00Z",
}
EMO_CDR_TOKEN = {"country_code": "SE", "party_id": "EMO", "uid": "EMO001", "type": "RFID", "contract_id": "SE-EMO-C1"}
VENDOR_FIELDS = {"x_vendor": {"terminal_model": "T-1000"}}


def session(cdr_token: dict, session_id: str) -> dict:
    return {**deep(SESSION_2_230), "id": session_id, "cdr_token": cdr_token}


async def test_sessions_reach_the_tokens_emsp_in_its_version(bridge230):
    await bridge230.send(bridge230.cpo_230, "PUT", "receiver", "locations", "/BE/BEC/LOC1", LOCATION_230)
    await bridge230.old(bridge230.emsp_211, "PUT", "tokens", "/SE/EMO/EMO001", EMO_TOKEN_211)
    await bridge230.hub.context.drain()
    bridge230.clear()

    for session_id, token in (("S1", TNM_TOKEN), ("S2", EMA_TOKEN), ("S3", EMO_CDR_TOKEN)):
        sent = session(token, session_id)
        answer = await bridge230.send(bridge230.cpo_230, "PUT", "receiver", "sessions", f"/BE/BEC/{session_id}", sent)
        assert (answer.status, answer.status_code) == (200, 1000), answer.body

    (same,) = bridge230.emsp_230.received
    assert same.body == orjson.dumps(session(TNM_TOKEN, "S1")), "2.3.0 -> 2.3.0: as sent"
    assert (same.headers["OCPI-from-party-id"], same.headers["OCPI-to-party-id"]) == ("BEC", "TNM")
    (newer,) = bridge230.emsp_221.received
    assert newer.json == {**SESSION_2_221, "id": "S2", "cdr_token": EMA_TOKEN}, "total_cost in excl/incl_vat"
    (older,) = bridge230.emsp_211.received
    assert older.path == "/ocpi/2.1.1/sessions/BE/BEC/S3"
    to_old = older.json
    assert (to_old["id"], to_old["auth_id"], to_old["total_cost"], to_old["kwh"]) == ("S3", "SE-EMO-C1", 8.50, 41.12)
    assert to_old["location"]["id"] == "LOC1", "the Location from the hub's copy of the 2.3.0 CPO's"
    assert "parking_places" not in to_old["location"]

    # A 2.2.1 CPO's session for the 2.3.0 eMSP's token: in 2.3.0's Price.
    bridge230.clear()
    from_221 = owned({**deep(SESSION_2_221), "id": "S4", "cdr_token": TNM_TOKEN}, bridge230.cpo_221.roles[0])
    answer = await bridge230.send(bridge230.cpo_221, "PUT", "receiver", "sessions", "/NL/CPA/S4", from_221)
    assert answer.status_code == 1000, answer.body
    (arrived,) = bridge230.emsp_230.received
    assert arrived.json == to_230("session", from_221).body
    assert arrived.json["total_cost"] == {"before_taxes": 8.50, "taxes": [{"name": "VAT", "amount": 0.85}]}


async def test_cdrs_from_either_version_reach_a_230_emsp(bridge230):
    bridge230.emsp_230.default_reply = Reply(headers={"Location": bridge230.emsp_230.url("/ocpi/2.3.0/cdrs/1")})
    sent = orjson.dumps({**CDR_230, **VENDOR_FIELDS})
    answer = await bridge230.send(bridge230.cpo_230, "POST", "receiver", "cdrs", "", raw=sent)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.headers["Location"].startswith(bridge230.hub.url), "the hub's stand-in for the eMSP's URL"
    (same,) = bridge230.emsp_230.received
    assert same.body == sent

    bridge230.clear()
    cdr = owned({**deep(CDR_221), "id": "C2"}, bridge230.cpo_221.roles[0])
    cdr["tariffs"] = [owned(tariff, bridge230.cpo_221.roles[0]) for tariff in cdr["tariffs"]]
    answer = await bridge230.send(bridge230.cpo_221, "POST", "receiver", "cdrs", "", cdr)
    assert answer.status_code == 1000, answer.body
    (arrived,) = bridge230.emsp_230.received
    assert arrived.json == to_230("cdr", cdr).body
    assert arrived.json["total_cost"] == {"before_taxes": 4.00, "taxes": [{"name": "VAT", "amount": 0.40}]}
    assert arrived.json["tariffs"][0]["tax_included"] == "NO", "2.2.1 prices exclude VAT"


async def test_authorization_and_a_command_between_a_221_cpo_and_a_230_emsp(bridge230):
    uid = TOKEN_EMAID_230["uid"]
    authorize = f"/ocpi/2.3.0/sender/tokens/DE/TNM/{uid}/authorize"
    bridge230.emsp_230.replies[("POST", authorize)] = Reply(
        data={"allowed": "ALLOWED", "token": TOKEN_EMAID_230, "authorization_reference": "AUTH-1"}
    )
    references = {"location_id": "LOC9", "evse_uids": ["3256"]}
    answer = await bridge230.send(
        bridge230.cpo_221, "POST", "sender", "tokens", f"/DE/TNM/{uid}/authorize", references, to="DE:TNM"
    )
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    (asked,) = bridge230.emsp_230.received
    assert asked.path == authorize and asked.json == references
    assert answer.data == {"allowed": "ALLOWED", "token": TOKEN_EMAID_221, "authorization_reference": "AUTH-1"}

    # START_SESSION from the 2.3.0 eMSP to the 2.2.1 CPO, and its result back through the hub's stand-in.
    bridge230.clear()
    bridge230.cpo_221.replies[("POST", "/ocpi/2.2.1/receiver/commands/START_SESSION")] = Reply(
        data={"result": "ACCEPTED", "timeout": 30}
    )
    start = {
        "response_url": bridge230.emsp_230.url("/results/start-1"),
        "token": TOKEN_EMAID_230,
        "location_id": "LOC9",
        "evse_uid": "3256",
    }
    answer = await bridge230.send(
        bridge230.emsp_230, "POST", "receiver", "commands", "/START_SESSION", start, to="NL:CPA"
    )
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == {"result": "ACCEPTED", "timeout": 30}
    (command,) = bridge230.cpo_221.received
    assert command.json["token"] == TOKEN_EMAID_221, "EMAID is OTHER in 2.2.1"
    assert command.json["response_url"].startswith(bridge230.hub.url)
    await result_via(bridge230.cpo_221, command.json["response_url"], {"result": "ACCEPTED"})
    (result,) = await bridge230.emsp_230.expect(1)
    assert (result.path, result.json) == ("/results/start-1", {"result": "ACCEPTED"})


async def test_payments_flow_between_230_parties_and_nowhere_else(bridge230):
    terminal = {**deep(TERMINAL), **VENDOR_FIELDS}
    path = f"/terminals/{terminal['terminal_id']}"
    sent = orjson.dumps(terminal)
    answer = await bridge230.send(bridge230.ptp_230, "PUT", "receiver", "payments", path, raw=sent, to="BE:BEC")
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    (arrived,) = bridge230.cpo_230.received
    assert arrived.path == f"/ocpi/2.3.0/receiver/payments{path}"
    assert arrived.body == sent
    assert (arrived.headers["OCPI-from-party-id"], arrived.headers["OCPI-to-party-id"]) == ("PTP", "BEC")

    confirmation = FINANCIAL_ADVICE_CONFIRMATION
    fac_path = f"/financial-advice-confirmations/{confirmation['id']}"
    answer = await bridge230.send(bridge230.ptp_230, "PUT", "receiver", "payments", fac_path, confirmation, to="BE:BEC")
    assert answer.status_code == 1000, answer.body
    assert bridge230.cpo_230.received[-1].body == orjson.dumps(confirmation)

    # The CPO asks the provider for its terminals.
    bridge230.ptp_230.replies[("GET", "/ocpi/2.3.0/sender/payments/terminals")] = Reply(data=[terminal])
    listed = await bridge230.send(bridge230.cpo_230, "GET", "sender", "payments", "/terminals", to="AT:PTP")
    assert (listed.status, listed.status_code, listed.data) == (200, 1000, [terminal])

    # Towards the 2.2.1 CPO (agreed for payments, but its version has none): refused, nothing sent.
    bridge230.clear()
    answer = await bridge230.send(bridge230.ptp_230, "PUT", "receiver", "payments", path, terminal, to="NL:CPA")
    assert answer.status_code == 4901, answer.body
    assert answer.body["status_message"] == "receiver NL:CPA speaks OCPI 2.2.1, which has no payments module"
    assert bridge230.cpo_221.received == []
    # A 2.2.1 party asking for payments: 4901, HTTP 404, naming the version that has the module.
    answer = await bridge230.send(bridge230.cpo_221, "GET", "sender", "payments", "/terminals", to="AT:PTP")
    assert (answer.status, answer.status_code) == (404, 4901), answer.body
    assert answer.body["status_message"] == "OCPI 2.2.1 has no payments module; it is in OCPI 2.3.0"
    assert bridge230.ptp_230.received == []
    # Nor does the hub offer it at 2.2.1.
    details = await call("GET", f"{bridge230.hub.url}/ocpi/2.2.1", bridge230.cpo_221.hub_token)
    assert "payments" not in {endpoint["identifier"] for endpoint in details.data["endpoints"]}


async def test_commands_and_charging_profiles_between_230_parties_and_towards_211(bridge230):
    # 2.3.0 -> 2.3.0: the command as sent, but for its response_url (the hub's stand-in), unknown fields kept.
    bridge230.cpo_230.replies[("POST", "/ocpi/2.3.0/receiver/commands/START_SESSION")] = Reply(
        data={"result": "ACCEPTED", "timeout": 30}
    )
    start = {
        "response_url": bridge230.emsp_230.url("/results/start-2"),
        "token": TOKEN_EMAID_230,
        "location_id": "LOC1",
        "evse_uid": "3256",
        "connector_id": "1",
        **VENDOR_FIELDS,
    }
    answer = await bridge230.send(
        bridge230.emsp_230, "POST", "receiver", "commands", "/START_SESSION", start, to="BE:BEC"
    )
    assert (answer.status_code, answer.data) == (1000, {"result": "ACCEPTED", "timeout": 30}), answer.body
    (command,) = bridge230.cpo_230.received
    assert {**command.json, "response_url": start["response_url"]} == start
    assert command.json["response_url"].startswith(bridge230.hub.url)
    await result_via(bridge230.cpo_230, command.json["response_url"], {"result": "ACCEPTED"})
    (result,) = await bridge230.emsp_230.expect(1)
    assert result.path == "/results/start-2"

    # A charging profile for a session, 2.3.0 -> 2.3.0: as sent, but for the response_url.
    bridge230.clear()
    profile = {
        "charging_profile": {"charging_rate_unit": "W", "min_charging_rate": 1500.0},
        "response_url": bridge230.emsp_230.url("/results/profile-1"),
    }
    answer = await bridge230.send(
        bridge230.emsp_230, "PUT", "receiver", "chargingprofiles", "/S1", profile, to="BE:BEC"
    )
    assert answer.status_code == 1000, answer.body
    (put,) = bridge230.cpo_230.received
    assert put.path == "/ocpi/2.3.0/receiver/chargingprofiles/S1"
    assert put.json["charging_profile"] == profile["charging_profile"]
    assert put.json["response_url"].startswith(bridge230.hub.url)

    # 2.3.0 eMSP -> 2.1.1 CPO: a 2.1.1 StartSession (its Token in 2.1.1 terms; no connector_id in 2.1.1).
    bridge230.clear()
    bridge230.cpo_211.replies[("POST", "/ocpi/2.1.1/commands/START_SESSION")] = Reply(data={"result": "ACCEPTED"})
    answer = await bridge230.send(
        bridge230.emsp_230, "POST", "receiver", "commands", "/START_SESSION", start, to="FR:OLD"
    )
    assert answer.status_code == 1000, answer.body
    (command,) = bridge230.cpo_211.received
    sent = command.json
    assert (sent["location_id"], sent["evse_uid"], sent["token"]["type"], sent["token"]["auth_id"]) == (
        "LOC1",
        "3256",
        "OTHER",
        TOKEN_EMAID_230["contract_id"],
    )
    assert "connector_id" not in sent and "country_code" not in sent["token"]
    # 2.1.1 has no charging profiles: 4901, nothing sent.
    answer = await bridge230.send(
        bridge230.emsp_230, "PUT", "receiver", "chargingprofiles", "/S1", profile, to="FR:OLD"
    )
    assert answer.status_code == 4901, answer.body
    assert len(bridge230.cpo_211.received) == 1

"""Commands between OCPI 2.1.1 and 2.2.1 (translation.commands): requests, the synchronous answer, the result."""

from __future__ import annotations

import pytest

from tests.translation.examples import EMSP, TOKEN_211, TOKEN_221, TOKEN_221_FULL, down, up
from translation import DEFAULT_COMMAND_TIMEOUT_SECONDS, Context

RESPONSE_URL = "https://www.server.com/ocpi/emsp/2.2.1/commands/START_SESSION/1234"

START_211 = {"response_url": RESPONSE_URL, "token": TOKEN_211, "location_id": "LOC1", "evse_uid": "3256"}
START_221 = {"response_url": RESPONSE_URL, "token": TOKEN_221, "location_id": "LOC1", "evse_uid": "3256"}
RESERVE_211 = {
    "response_url": RESPONSE_URL,
    "token": TOKEN_211,
    "expiry_date": "2015-06-29T23:39:09Z",
    "reservation_id": 12345,
    "location_id": "LOC1",
    "evse_uid": "3256",
}
RESERVE_221 = {**RESERVE_211, "token": TOKEN_221, "reservation_id": "12345"}
STOP = {"response_url": RESPONSE_URL, "session_id": "101"}
UNLOCK = {"response_url": RESPONSE_URL, "location_id": "LOC1", "evse_uid": "3256", "connector_id": "1"}

PAIRS = [
    pytest.param("start_session", START_211, START_221, id="start-session"),
    pytest.param("stop_session", STOP, STOP, id="stop-session"),
    pytest.param("reserve_now", RESERVE_211, RESERVE_221, id="reserve-now"),
    pytest.param("unlock_connector", UNLOCK, UNLOCK, id="unlock-connector"),
    pytest.param(
        "command_response",
        {"result": "ACCEPTED"},
        {"result": "ACCEPTED", "timeout": DEFAULT_COMMAND_TIMEOUT_SECONDS},
        id="command-response",
    ),
    pytest.param(
        "command_response",
        {"result": "UNKNOWN_SESSION"},
        {"result": "UNKNOWN_SESSION", "timeout": 30},
        id="unknown-session",
    ),
    pytest.param("command_result", {"result": "ACCEPTED"}, {"result": "ACCEPTED"}, id="command-result"),
    pytest.param("command_result", {"result": "TIMEOUT"}, {"result": "TIMEOUT"}, id="result-timeout"),
    pytest.param("command_result", {"result": "NOT_SUPPORTED"}, {"result": "NOT_SUPPORTED"}, id="result-not-supported"),
]


@pytest.mark.parametrize(("kind", "v211", "v221"), PAIRS)
def test_the_pairs_translate_into_each_other_with_nothing_lost(kind, v211, v221):
    there = up(kind, v211, EMSP)
    assert (there.body, there.lost, there.refused) == (v221, (), None)
    back = down(kind, v221)
    assert (back.body, back.lost, back.refused) == (v211, (), None)


LOSSY = [
    pytest.param(
        "up",
        "command_response",
        {"result": "TIMEOUT"},
        {
            "result": "REJECTED",
            "timeout": 30,
            "message": [
                {"language": "en", "text": "The charge point did not answer in time (OCPI 2.1.1 result TIMEOUT)."}
            ],
        },
        ("result",),
        id="response-timeout-is-rejected",
    ),
    pytest.param(
        "down",
        "command_response",
        {
            "result": "REJECTED",
            "timeout": 20,
            "message": [{"language": "en", "text": "Session belongs to another eMSP"}],
        },
        {"result": "REJECTED"},
        ("message",),
        id="response-message",
    ),
    pytest.param(
        "up",
        "command_result",
        {"result": "UNKNOWN_SESSION"},
        {
            "result": "FAILED",
            "message": [
                {"language": "en", "text": "The CPO does not know this session (OCPI 2.1.1 result UNKNOWN_SESSION)."}
            ],
        },
        ("result",),
        id="unknown-session-fails",
    ),
    *(
        pytest.param(
            "down",
            "command_result",
            {"result": result},
            {"result": "REJECTED"},
            ("result",),
            id=f"{result}-is-rejected",
        )
        for result in ("CANCELED_RESERVATION", "EVSE_OCCUPIED", "EVSE_INOPERATIVE", "FAILED", "UNKNOWN_RESERVATION")
    ),
    pytest.param(
        "down",
        "command_result",
        {"result": "ACCEPTED", "message": [{"language": "nl", "text": "Laden gestart"}]},
        {"result": "ACCEPTED"},
        ("message",),
        id="result-message",
    ),
    pytest.param(
        "down",
        "command_result",
        {"result": "X_PENDING"},
        {"result": "X_PENDING"},
        (),
        id="unknown-result-passes",
    ),
    pytest.param(
        "down",
        "start_session",
        {**START_221, "token": TOKEN_221_FULL, "connector_id": "1", "authorization_reference": "AUTH-REF-1"},
        START_211,
        (
            "token.group_id",
            "token.default_profile_type",
            "token.energy_contract",
            "connector_id",
            "authorization_reference",
        ),
        id="start-session",
    ),
    pytest.param(
        "down",
        "reserve_now",
        {**RESERVE_221, "expiry_date": "2015-06-29T23:39:09.750Z", "authorization_reference": "AUTH-REF-2"},
        RESERVE_211,
        ("authorization_reference",),
        id="reserve-now",
    ),
    pytest.param(
        "down",
        "reserve_now",
        {**RESERVE_221, "reservation_id": "0"},
        {**RESERVE_211, "reservation_id": 0},
        (),
        id="reservation-zero",
    ),
]


@pytest.mark.parametrize(("direction", "kind", "value", "body", "lost"), LOSSY)
def test_lossy(direction, kind, value, body, lost):
    translated = (up if direction == "up" else down)(kind, value, EMSP)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


REFUSED = [
    *(
        pytest.param(
            "down", "reserve_now", {**RESERVE_221, "reservation_id": rid}, "reservation_id", id=f"reservation-{rid}"
        )
        for rid in ("d3b0c9a2-6d8e-4b2f-9a57-3c4e1f2a7b90", "0012", "-5", "2147483648", "١٢")
    ),
    pytest.param(
        "up", "start_session", {**START_211, "location_id": "L" * 39}, "location_id has 39 characters", id="location-id"
    ),
    pytest.param(
        "up", "unlock_connector", {**UNLOCK, "evse_uid": "E" * 38}, "evse_uid has 38 characters", id="evse-uid"
    ),
    pytest.param(
        "up", "reserve_now", {**RESERVE_211, "evse_uid": "E" * 37}, "evse_uid has 37 characters", id="reserve-evse"
    ),
    pytest.param(
        "up",
        "cancel_reservation",
        {"response_url": RESPONSE_URL, "reservation_id": "12345"},
        "CANCEL_RESERVATION",
        id="cancel-up",
    ),
    pytest.param(
        "down",
        "cancel_reservation",
        {"response_url": RESPONSE_URL, "reservation_id": "12345"},
        "CANCEL_RESERVATION",
        id="cancel-down",
    ),
]


@pytest.mark.parametrize(("direction", "kind", "value", "reason"), REFUSED)
def test_refused(direction, kind, value, reason):
    translated = (up if direction == "up" else down)(kind, value, EMSP)
    assert (translated.body, translated.lost) == (None, ())
    assert reason in translated.refused


def test_the_token_of_a_command_needs_its_owner_towards_221():
    translated = up("start_session", START_211, Context())
    assert "owner of this Token is unknown" in translated.refused

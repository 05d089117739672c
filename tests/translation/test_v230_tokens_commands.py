"""Token, AuthorizationInfo, LocationReferences and the commands between OCPI 2.2.1 and 2.3.0
(translation.v230.tokens, .commands)."""

from __future__ import annotations

import pytest

from tests.translation.examples import changed
from tests.translation.examples_230 import (
    TOKEN_APP_USER,
    TOKEN_EMAID_221,
    TOKEN_EMAID_230,
    TOKEN_FULL_RFID,
    TOKEN_PATCH,
    to_221,
    to_230,
)


@pytest.mark.parametrize(
    "token",
    [pytest.param(TOKEN_APP_USER, id="token_example_1_app_user"), pytest.param(TOKEN_FULL_RFID, id="token_example_2")],
)
def test_the_token_examples_are_the_same_in_both(token):
    assert (to_221("token", token).body, to_221("token", token).lost) == (token, ())
    assert (to_230("token", token).body, to_230("token", token).lost) == (token, ())


def test_a_token_patch():
    assert to_221("token", TOKEN_PATCH, partial=True).body == TOKEN_PATCH
    assert to_230("token", TOKEN_PATCH, partial=True).body == TOKEN_PATCH
    assert to_221("token", {"type": "EMAID"}, partial=True).body == {"type": "OTHER"}


def test_an_emaid_token_is_other_to_221():
    translated = to_221("token", TOKEN_EMAID_230)
    assert (translated.body, translated.lost) == (TOKEN_EMAID_221, ("type",))
    assert to_230("token", TOKEN_EMAID_230).body == TOKEN_EMAID_230  # a 2.2.1 sender's 2.3.0 value: forwarded
    assert to_221("token", changed(TOKEN_FULL_RFID, type="KEY_FOB")).body["type"] == "OTHER"


AUTHORIZATION_INFO = {
    "allowed": "ALLOWED",
    "token": TOKEN_EMAID_230,
    "location": {"location_id": "LOC1", "evse_uids": ["3256", "3257"]},
    "authorization_reference": "567890",
    "info": {"language": "en", "text": "Welcome"},
}


def test_an_authorization_info():
    translated = to_221("authorization_info", AUTHORIZATION_INFO)
    assert translated.body == changed(AUTHORIZATION_INFO, token=TOKEN_EMAID_221)
    assert translated.lost == ("token.type",)
    plain = changed(AUTHORIZATION_INFO, token=TOKEN_FULL_RFID)
    assert to_230("authorization_info", plain).body == plain
    assert to_221("location_references", plain["location"]).body == plain["location"]


START_SESSION = {
    "response_url": "https://www.server.com/ocpi/emsp/2.3.0/commands/START_SESSION/1234",
    "token": TOKEN_EMAID_230,
    "location_id": "LOC1",
    "evse_uid": "3256",
    "connector_id": "1",
    "authorization_reference": "pp-100100-1948213567",
}
RESERVE_NOW = {
    "response_url": "https://www.server.com/ocpi/emsp/2.3.0/commands/RESERVE_NOW/1234",
    "token": TOKEN_EMAID_230,
    "expiry_date": "2024-12-05T20:00:00Z",
    "reservation_id": "RES-1",
    "location_id": "LOC1",
}


@pytest.mark.parametrize(("kind", "command"), [("start_session", START_SESSION), ("reserve_now", RESERVE_NOW)])
def test_a_command_with_a_token(kind, command):
    translated = to_221(kind, command)
    assert (translated.body, translated.lost) == (changed(command, token=TOKEN_EMAID_221), ("token.type",))
    assert to_230(kind, changed(command, token=TOKEN_FULL_RFID)).body == changed(command, token=TOKEN_FULL_RFID)


SAME = [
    ("stop_session", {"response_url": "https://x.example/r", "session_id": "101"}),
    (
        "unlock_connector",
        {"response_url": "https://x.example/r", "location_id": "L", "evse_uid": "E", "connector_id": "1"},
    ),
    ("cancel_reservation", {"response_url": "https://x.example/r", "reservation_id": "RES-1"}),
    ("command_response", {"result": "ACCEPTED", "timeout": 30, "message": [{"language": "en", "text": "ok"}]}),
    ("command_result", {"result": "EVSE_OCCUPIED", "message": [{"language": "en", "text": "busy"}]}),
]


@pytest.mark.parametrize(("kind", "value"), SAME, ids=[kind for kind, _ in SAME])
def test_the_other_commands_are_the_same(kind, value):
    assert to_221(kind, value).body == value and to_221(kind, value).lost == ()
    assert to_230(kind, value).body == value and to_230(kind, value).lost == ()

"""What holds for every kind (translation.api): the same version, lists, PATCH bodies, a value that is not an
object, the one-object quirk, the input left untouched, unknown kinds and versions."""

from __future__ import annotations

import copy

import pytest

from tests.translation.examples import (
    CDR_211,
    CDR_221,
    CPO,
    EVSE_3256_211,
    EVSE_3256_221,
    LOCATION_211,
    LOCATION_221,
    SESSION_221,
    TOKEN_211,
    TOKEN_221,
    WITH_TOKEN,
    changed,
    down,
    up,
)
from translation import KINDS, PROFILES, Context, Quirks, Translated, translate

REQUIRED_KINDS = (
    "location",
    "evse",
    "connector",
    "session",
    "cdr",
    "tariff",
    "token",
    "authorization_info",
    "location_references",
    "command_response",
    "command_result",
    "start_session",
    "stop_session",
    "reserve_now",
    "unlock_connector",
    "charging_period",
    "cdr_dimension",
    "price",
    "display_text",
    "business_details",
    "image",
    "energy_mix",
    "hours",
    "geo_location",
)


def test_the_kinds_the_hub_needs_are_there():
    assert isinstance(KINDS, tuple)
    assert set(REQUIRED_KINDS) <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("version", ["2.1.1", "2.2.1"])
def test_the_same_version_is_no_translation(kind, version):
    value = {"anything": ["at", "all"], "last_updated": "2015-06-29T20:39:09.123Z"}
    translated = translate(kind, value, version, version)
    assert translated == Translated(body=value)
    assert translated.body is value


@pytest.mark.parametrize("kind", KINDS)
def test_no_body_is_no_body(kind):
    assert up(kind, None) == Translated(body=None)
    assert down(kind, None) == Translated(body=None)


def test_unknown_kinds_and_versions_are_the_callers_mistake():
    with pytest.raises(ValueError, match="unknown kind 'charging_profile'"):
        translate("charging_profile", {}, "2.1.1", "2.2.1")
    with pytest.raises(ValueError, match=r"unknown OCPI version '2\.2'"):
        translate("location", {}, "2.2.1", "2.2")


def test_a_list_is_translated_item_by_item_and_paths_name_the_item():
    second = changed(
        LOCATION_221, id="LOC2", evses=[changed(EVSE_3256_221, capabilities=["RESERVABLE", "PED_TERMINAL"])]
    )
    translated = down("location", [LOCATION_221, second])
    assert translated.body == [
        LOCATION_211,
        changed(LOCATION_211, id="LOC2", evses=[changed(EVSE_3256_211, capabilities=["RESERVABLE"])]),
    ]
    assert translated.lost == ("[1].evses[0].capabilities",)
    assert translated.refused is None


def test_an_item_that_cannot_be_translated_is_left_out_of_a_list():
    unpublished = changed(LOCATION_221, id="LOC2", publish=False)
    translated = down("location", [unpublished, LOCATION_221, changed(LOCATION_221, id="LOC3", state="Gent")])
    assert translated.body == [LOCATION_211, changed(LOCATION_211, id="LOC3")]
    assert translated.lost == ("[0]", "[2].state")
    assert translated.refused is None


def test_a_list_of_patches():
    translated = up("token", [{"valid": False}, {"auth_id": "NL-TNM-1"}], partial=True)
    assert translated.body == [{"valid": False}, {"contract_id": "NL-TNM-1"}]


@pytest.mark.parametrize("value", ["LOC1", 42, True])
def test_what_is_not_an_object_is_left_to_the_receiver(value):
    assert up("location", value, CPO).body == value
    assert down("session", value).body == value


def test_a_single_object_in_a_list_is_read_as_the_object_under_the_quirk():
    one = Context(owner_country_code="DE", owner_party_id="TNM", quirks=PROFILES["extrawest-2.1.1"], one_object=True)
    assert up("token", [TOKEN_211], one).body == TOKEN_221
    assert "a list of 2" in up("token", [TOKEN_211, TOKEN_211], one).refused
    # Not where the hub expects a list; and without the quirk a list where one object belongs is refused (the
    # receiver would get a list it cannot read), naming the quirk that would tolerate it.
    expects_a_list = Context(owner_country_code="DE", owner_party_id="TNM", quirks=PROFILES["extrawest-2.1.1"])
    assert up("token", [TOKEN_211], expects_a_list).body == [TOKEN_221]
    strict = Context(owner_country_code="DE", owner_party_id="TNM", one_object=True)
    assert "single_object_in_list" in up("token", [TOKEN_211], strict).refused


def test_the_profiles():
    assert PROFILES["strict"] == Quirks()
    assert PROFILES["extrawest-2.1.1"].cdr_end_date_time
    assert PROFILES["extrawest-2.1.1"].single_object_in_list
    assert not PROFILES["extrawest-2.1.1"].other_version_field_names
    lenient = PROFILES["lenient-2.1.1"]
    assert lenient.cdr_end_date_time and lenient.other_version_field_names and lenient.single_object_in_list
    assert Context().quirks == Quirks()


CASES = [
    ("up", "location", LOCATION_211, CPO),
    (
        "down",
        "location",
        changed(LOCATION_221, publish_allowed_to=[{"uid": "1"}], evses=[changed(EVSE_3256_221, uid="x")]),
    ),
    ("up", "cdr", CDR_211, WITH_TOKEN),
    ("down", "cdr", changed(CDR_221, total_cost={"excl_vat": 1, "incl_vat": 2}), Context(stored=CDR_211["location"])),
    ("down", "session", SESSION_221, Context(stored=LOCATION_211)),
    ("down", "tariff", {"elements": [{"restrictions": {"reservation": "RESERVATION"}}, {"price_components": []}]}),
    ("up", "tariff", {"last_updated": "2015-07-01T10:00:00Z"}, Context(stored={"id": "12", "elements": []}), True),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[1]}")
def test_the_value_given_is_never_changed(case):
    direction, kind, value, *rest = case
    context = rest[0] if rest else Context()
    partial = rest[1] if len(rest) > 1 else False
    before = copy.deepcopy(value)
    stored_before = copy.deepcopy(context.stored)
    translated = (up if direction == "up" else down)(kind, value, context, partial)
    assert translated.refused is None
    assert value == before
    assert context.stored == stored_before


def test_nulls_for_absent_fields_are_read_as_absent_under_the_quirk():
    from translation import Context, translate
    from translation.quirks import PROFILES, tolerances

    token = {
        "uid": "T1",
        "type": "RFID",
        "auth_id": "C1",
        "visual_number": None,
        "issuer": "X",
        "valid": True,
        "whitelist": "ALLOWED",
        "language": None,
        "last_updated": "2015-06-29T22:39:09Z",
    }
    owner = {"owner_country_code": "DE", "owner_party_id": "EXE"}
    strict = translate("token", token, "2.1.1", "2.2.1", Context(**owner))
    assert strict.body["visual_number"] is None, "strict: passed on as sent"
    tolerant = translate("token", token, "2.1.1", "2.2.1", Context(**owner, quirks=PROFILES["extrawest-2.1.1"]))
    assert "visual_number" not in tolerant.body and "language" not in tolerant.body
    assert tolerant.body["contract_id"] == "C1"
    assert "null written for absent optional fields" in tolerances("extrawest-2.1.1")
    assert tolerances("strict") == [] and tolerances("no-such-profile") == []

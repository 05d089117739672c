"""What holds for every kind between OCPI 2.2.1 and 2.3.0: the same version, no body, lists, fields and values no
version documents, the shared classes, the kinds only 2.3.0 has (Payments, Parking), the input left untouched."""

from __future__ import annotations

import copy

import pytest

from tests.translation.examples import changed
from tests.translation.examples_230 import (
    CDR_221,
    CDR_230,
    CONNECTOR_1_230,
    ENERGY_MIX,
    EVSE_3256_230,
    FINANCIAL_ADVICE_CONFIRMATION,
    LOCATION_230,
    PARKING_GARAGE_230,
    SESSION_2_221,
    SESSION_2_230,
    TARIFF_6_221,
    TARIFF_6_230,
    TERMINAL,
    TOKEN_EMAID_230,
    TOKEN_FULL_RFID,
    to_211,
    to_221,
    to_230,
)
from translation import KINDS, Translated, translate

NEW_KINDS = ("parking", "evse_parking", "price_limit", "tax_amount", "terminal", "financial_advice_confirmation")


def test_the_new_kinds_are_there():
    assert set(NEW_KINDS) <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_version_is_no_translation(kind):
    value = {"anything": ["at", "all"], "last_updated": "2015-06-29T20:39:09.123Z"}
    translated = translate(kind, value, "2.3.0", "2.3.0")
    assert translated == Translated(body=value)
    assert translated.body is value


@pytest.mark.parametrize("kind", KINDS)
def test_no_body_is_no_body(kind):
    for source, target in (("2.3.0", "2.2.1"), ("2.2.1", "2.3.0"), ("2.3.0", "2.1.1"), ("2.1.1", "2.3.0")):
        assert translate(kind, None, source, target) == Translated(body=None)


# Every object with a field no version documents (2.3.0: "SHALL NOT reject ... field names that are not
# documented"), as 2.2.1 and 2.3.0 have it.
UNDOCUMENTED = {"accessibility_notes": {"ramp": True}, "x_partner": "kept"}
OBJECTS = [
    (
        "location",
        changed(LOCATION_230, parking_places=[], evses=[]),
        changed(LOCATION_230, parking_places=[], evses=[]),
    ),
    ("evse", changed(EVSE_3256_230, parking=[]), changed(EVSE_3256_230, parking=[])),
    ("connector", CONNECTOR_1_230, CONNECTOR_1_230),
    ("session", SESSION_2_230, SESSION_2_221),
    ("cdr", CDR_230, CDR_221),
    ("tariff", TARIFF_6_230, TARIFF_6_221),
    ("token", TOKEN_FULL_RFID, TOKEN_FULL_RFID),
    ("energy_mix", ENERGY_MIX, ENERGY_MIX),
]


@pytest.mark.parametrize(("kind", "v230", "v221"), OBJECTS, ids=[kind for kind, *_ in OBJECTS])
def test_undocumented_fields_pass_through_both_ways(kind, v230, v221):
    down = to_221(kind, {**v230, **UNDOCUMENTED})
    assert {name: down.body[name] for name in UNDOCUMENTED} == UNDOCUMENTED
    up = to_230(kind, {**v221, **UNDOCUMENTED})
    assert {name: up.body[name] for name in UNDOCUMENTED} == UNDOCUMENTED
    assert not any(name in path for path in down.lost + up.lost for name in UNDOCUMENTED)


def test_a_list_is_translated_item_by_item_and_paths_name_the_item():
    with_mcs = changed(
        PARKING_GARAGE_230,
        id="P2",
        evses=[changed(PARKING_GARAGE_230["evses"][0], connectors=[changed(CONNECTOR_1_230, standard="MCS")])],
    )
    translated = to_221("location", [LOCATION_230, with_mcs])
    assert [location["id"] for location in translated.body] == ["LOC1", "P2"]
    assert translated.body[1]["evses"] == []
    assert translated.lost == (
        "[0].parking_places",
        "[0].evses[0].parking",
        "[0].evses[1].parking",
        "[1].parking_places",
        "[1].evses[0]",
    )


def test_an_item_that_cannot_be_translated_is_left_out_of_a_list():
    inclusive = changed(TARIFF_6_230, id="17", tax_included="YES")
    translated = to_221("tariff", [inclusive, TARIFF_6_230])
    assert (translated.body, translated.lost, translated.refused) == ([TARIFF_6_221], ("[0]",), None)


# --- the shared classes -------------------------------------------------------------------------------------------

SHARED = [
    ("display_text", {"language": "en", "text": "Standard Tariff"}),
    ("business_details", {"name": "BeCharged", "logo": {"url": "https://x.example/l.png", "category": "OPERATOR"}}),
    ("image", {"url": "https://x.example/c.jpg", "category": "CHARGER", "type": "jpeg"}),
    ("energy_mix", ENERGY_MIX),
    ("energy_source", {"source": "SOLAR", "percentage": 100}),
    ("environmental_impact", {"category": "CARBON_DIOXIDE", "amount": 372}),
    (
        "hours",
        {"twentyfourseven": False, "regular_hours": [{"weekday": 1, "period_begin": "07:00", "period_end": "18:00"}]},
    ),
    ("regular_hours", {"weekday": 1, "period_begin": "07:00", "period_end": "18:00"}),
    ("exceptional_period", {"period_begin": "2014-06-21T09:00:00.25Z", "period_end": "2014-06-21T12:00:00Z"}),
    ("status_schedule", {"period_begin": "2015-07-01T00:00:00Z", "status": "INOPERATIVE"}),
    ("geo_location", {"latitude": "51.0475993", "longitude": "3.72994"}),
    (
        "additional_geo_location",
        {"latitude": "51.047801", "longitude": "3.729122", "name": {"language": "nl", "text": "Ingang"}},
    ),
    ("charging_period", CDR_230["charging_periods"][0]),
    ("cdr_dimension", {"type": "STATE_OF_CHARGE", "volume": 80}),
]


@pytest.mark.parametrize(("kind", "value"), SHARED, ids=[kind for kind, _ in SHARED])
def test_the_shared_classes_are_the_same_in_both(kind, value):
    assert to_221(kind, value) == Translated(body=value)
    assert to_230(kind, value) == Translated(body=value)


def test_open_enums_of_the_shared_classes_towards_221():
    image = to_221("image", {"url": "https://x.example/c.jpg", "category": "ACCESSIBILITY"})
    assert (image.body["category"], image.lost) == ("OTHER", ("category",))
    impact = to_221("environmental_impact", {"category": "RADIOACTIVE_WASTE", "amount": 1})
    assert "EnvironmentalImpactCategory RADIOACTIVE_WASTE does not exist in OCPI 2.2.1" in impact.refused


# --- the kinds only 2.3.0 has -------------------------------------------------------------------------------------

ONLY_230 = [
    ("terminal", TERMINAL, "a Payments Terminal exists only in OCPI 2.3.0"),
    ("financial_advice_confirmation", FINANCIAL_ADVICE_CONFIRMATION, "FinancialAdviceConfirmation exists only"),
    ("parking", LOCATION_230["parking_places"][0], "Parking exists only in OCPI 2.3.0"),
    ("evse_parking", EVSE_3256_230["parking"][0], "EVSEParking exists only in OCPI 2.3.0"),
    ("tax_amount", {"name": "VAT", "amount": 0.40}, "TaxAmount exists only in OCPI 2.3.0"),
]


@pytest.mark.parametrize(("kind", "value", "words"), ONLY_230, ids=[kind for kind, *_ in ONLY_230])
def test_what_only_230_has_is_refused_towards_and_from_other_versions(kind, value, words):
    for translated in (
        to_221(kind, value),
        to_230(kind, value),
        to_211(kind, value),
        translate(kind, value, "2.1.1", "2.3.0"),
        translate(kind, value, "2.2.1", "2.1.1"),
    ):
        assert translated.body is None
        assert words in translated.refused


# --- the value given is never changed -----------------------------------------------------------------------------

CASES = [
    ("2.3.0", "2.2.1", "location", LOCATION_230),
    ("2.3.0", "2.2.1", "cdr", changed(CDR_230, tariffs=[changed(TARIFF_6_230, tax_included="YES")])),
    ("2.2.1", "2.3.0", "cdr", CDR_221),
    ("2.2.1", "2.3.0", "session", SESSION_2_221),
    ("2.3.0", "2.2.1", "token", TOKEN_EMAID_230),
    ("2.3.0", "2.1.1", "tariff", TARIFF_6_230),
]


@pytest.mark.parametrize(("source", "target", "kind", "value"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_the_value_given_is_never_changed(source, target, kind, value):
    before = copy.deepcopy(value)
    translated = translate(kind, value, source, target)
    assert translated.refused is None
    assert value == before

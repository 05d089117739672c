"""Location, EVSE and Connector between OCPI 2.1.1 and 2.2.1 (translation.locations)."""

from __future__ import annotations

import pytest

from tests.translation.examples import (
    CONNECTOR_1_211,
    CONNECTOR_1_221,
    CPO,
    EVSE_3256_211,
    EVSE_3256_221,
    EVSE_3257_211,
    EVSE_3257_221,
    LOCATION_211,
    LOCATION_221,
    changed,
    down,
    up,
    without,
)
from translation import Context, Quirks

LENIENT = Context(owner_country_code="BE", owner_party_id="BEC", quirks=Quirks(other_version_field_names=True))

PAIRS = [
    pytest.param("location", LOCATION_211, LOCATION_221, id="location"),
    pytest.param("evse", EVSE_3256_211, EVSE_3256_221, id="evse-3256"),
    pytest.param("evse", EVSE_3257_211, EVSE_3257_221, id="evse-3257"),
    pytest.param("connector", CONNECTOR_1_211, CONNECTOR_1_221, id="connector"),
]


@pytest.mark.parametrize(("kind", "v211", "v221"), PAIRS)
def test_the_pairs_translate_into_each_other_with_nothing_lost(kind, v211, v221):
    there = up(kind, v211, CPO)
    assert (there.body, there.lost, there.refused) == (v221, (), None)
    back = down(kind, v221)
    assert (back.body, back.lost, back.refused) == (v211, (), None)
    assert down(kind, there.body).body == v211  # the round trip
    assert up(kind, back.body, CPO).body == v221


@pytest.mark.parametrize("name", sorted(set(LOCATION_211) | set(LOCATION_221)))
def test_a_location_field_by_field(name):
    assert up("location", LOCATION_211, CPO).body.get(name) == LOCATION_221.get(name)
    assert down("location", LOCATION_221).body.get(name) == LOCATION_211.get(name)


# (kind, value, context, expected body, expected lost)
TOWARDS_221 = [
    pytest.param(
        "location",
        changed(LOCATION_211, type="OTHER"),
        CPO,
        without(LOCATION_221, "parking_type"),
        ("type",),
        id="type-OTHER-has-no-parking-type",
    ),
    pytest.param(
        "location",
        changed(LOCATION_211, type="UNKNOWN"),
        CPO,
        without(LOCATION_221, "parking_type"),
        (),
        id="type-UNKNOWN-says-nothing",
    ),
    pytest.param(
        "location",
        changed(LOCATION_211, type="UNDERGROUND_GARAGE"),
        CPO,
        changed(LOCATION_221, parking_type="UNDERGROUND_GARAGE"),
        (),
        id="type-maps-to-parking-type",
    ),
    pytest.param(
        "location",
        changed(LOCATION_211, type="ALONG_RAILWAY"),
        CPO,
        changed(LOCATION_221, parking_type="ALONG_RAILWAY"),
        (),
        id="unknown-type-passes",
    ),
    pytest.param(
        "location",
        changed(LOCATION_211, x_vendor={"rating": 4}),
        CPO,
        changed(LOCATION_221, x_vendor={"rating": 4}),
        (),
        id="unknown-field-passes",
    ),
    pytest.param(
        "location",
        changed(LOCATION_211, evses=[changed(EVSE_3256_211, uid="E" * 37), EVSE_3257_211]),
        CPO,
        changed(LOCATION_221, evses=[EVSE_3257_221]),
        ("evses[0]",),
        id="evse-uid-too-long-leaves-that-evse-out",
    ),
    pytest.param(
        "location",
        changed(
            LOCATION_211,
            opening_times={"regular_hours": [{"weekday": 1, "period_begin": "08:00", "period_end": "20:00"}]},
        ),
        CPO,
        changed(
            LOCATION_221,
            opening_times={
                "regular_hours": [{"weekday": 1, "period_begin": "08:00", "period_end": "20:00"}],
                "twentyfourseven": False,
            },
        ),
        (),
        id="hours-choice-regular-hours",
    ),
    pytest.param(
        "location",
        changed(
            LOCATION_211,
            opening_times={
                "exceptional_closings": [{"period_begin": "2018-12-25T03:00:00Z", "period_end": "2018-12-25T05:00:00Z"}]
            },
        ),
        CPO,
        changed(
            LOCATION_221,
            opening_times={
                "exceptional_closings": [
                    {"period_begin": "2018-12-25T03:00:00Z", "period_end": "2018-12-25T05:00:00Z"}
                ],
                "twentyfourseven": True,
            },
        ),
        (),
        id="hours-without-regular-hours-is-247",
    ),
    pytest.param(
        "evse",
        changed(EVSE_3256_211, capabilities=["RESERVABLE", "X_PLUG_AND_CHARGE"]),
        CPO,
        changed(EVSE_3256_221, capabilities=["RESERVABLE", "X_PLUG_AND_CHARGE"]),
        (),
        id="unknown-capability-passes",
    ),
    pytest.param(
        "connector",
        changed(CONNECTOR_1_211, tariff_id=None),
        CPO,
        without(CONNECTOR_1_221, "tariff_ids"),
        (),
        id="no-tariff",
    ),
]

TOWARDS_211 = [
    pytest.param(
        "location",
        changed(LOCATION_221, parking_type="ON_DRIVEWAY"),
        changed(LOCATION_211, type="OTHER"),
        ("parking_type",),
        id="ON_DRIVEWAY-is-OTHER",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, parking_type="ALONG_MOTORWAY"),
        changed(LOCATION_211, type="OTHER"),
        ("parking_type",),
        id="ALONG_MOTORWAY-is-OTHER",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, parking_type="ALONG_RAILWAY"),
        changed(LOCATION_211, type="OTHER"),
        ("parking_type",),
        id="unknown-parking-type-is-OTHER",
    ),
    pytest.param(
        "location",
        without(LOCATION_221, "parking_type"),
        changed(LOCATION_211, type="UNKNOWN"),
        (),
        id="no-parking-type-is-UNKNOWN",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, parking_type=None),
        changed(LOCATION_211, type="UNKNOWN"),
        (),
        id="null-parking-type-is-UNKNOWN",
    ),
    pytest.param(
        "location",
        without(LOCATION_221, "postal_code"),
        changed(LOCATION_211, postal_code=""),
        (),
        id="no-postal-code",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, state="Oost-Vlaanderen"),
        LOCATION_211,
        ("state",),
        id="state",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, publish_allowed_to=[{"visual_number": "12345-67", "issuer": "NewMotion"}]),
        LOCATION_211,
        ("publish_allowed_to",),
        id="publish-allowed-to",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, facilities=["TRAIN_STATION", "TRAM_STOP", "CAFE", "BIKE_SHARING"]),
        LOCATION_211,
        ("facilities",),
        id="new-facilities",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, x_vendor={"rating": 4}),
        changed(LOCATION_211, x_vendor={"rating": 4}),
        (),
        id="unknown-field-passes",
    ),
    pytest.param(
        "location",
        changed(
            LOCATION_221,
            coordinates={"latitude": "51.04759", "longitude": "3.7299437"},
            related_locations=[
                {"latitude": "51.0478010", "longitude": "3.72912", "name": {"language": "nl", "text": "Ingang parking"}}
            ],
        ),
        changed(
            LOCATION_211,
            coordinates={"latitude": "51.047590", "longitude": "3.729944"},
            related_locations=[
                {"latitude": "51.047801", "longitude": "3.729120", "name": {"language": "nl", "text": "Ingang parking"}}
            ],
        ),
        (),
        id="coordinates-get-six-decimals",
    ),
    pytest.param(
        "location",
        changed(
            LOCATION_221,
            last_updated="2015-06-29T20:39:09.123Z",
            opening_times={
                "twentyfourseven": True,
                "exceptional_closings": [
                    {"period_begin": "2018-12-25T03:00:00.5Z", "period_end": "2018-12-25T05:00:00.25"}
                ],
            },
            evses=[
                changed(
                    EVSE_3257_221,
                    last_updated="2015-06-29T20:39:09.999Z",
                    status_schedule=[{"period_begin": "2015-07-01T00:00:00.1Z", "status": "INOPERATIVE"}],
                    connectors=[changed(EVSE_3257_221["connectors"][0], last_updated="2015-06-29T20:39:09.000001Z")],
                )
            ],
        ),
        changed(
            LOCATION_211,
            opening_times={
                "twentyfourseven": True,
                "exceptional_closings": [{"period_begin": "2018-12-25T03:00:00Z", "period_end": "2018-12-25T05:00:00"}],
            },
            evses=[
                changed(
                    EVSE_3257_211,
                    status_schedule=[{"period_begin": "2015-07-01T00:00:00Z", "status": "INOPERATIVE"}],
                )
            ],
        ),
        (),
        id="datetime-fractions-are-truncated",
    ),
    pytest.param(
        "location",
        changed(
            LOCATION_221,
            evses=[
                changed(
                    EVSE_3256_221,
                    connectors=[CONNECTOR_1_221, changed(EVSE_3256_221["connectors"][1], power_type="AC_2_PHASE")],
                ),
                changed(EVSE_3257_221, connectors=[changed(EVSE_3257_221["connectors"][0], standard="GBT_DC")]),
            ],
        ),
        changed(LOCATION_211, evses=[changed(EVSE_3256_211, connectors=[CONNECTOR_1_211])]),
        ("evses[0].connectors[1]", "evses[1]"),
        id="connectors-2.1.1-cannot-describe-are-left-out",
    ),
    pytest.param(
        "evse",
        changed(EVSE_3256_221, capabilities=["RESERVABLE", "CHIP_CARD_SUPPORT", "START_SESSION_CONNECTOR_REQUIRED"]),
        changed(EVSE_3256_211, capabilities=["RESERVABLE"]),
        ("capabilities",),
        id="new-capabilities",
    ),
    pytest.param(
        "evse",
        changed(EVSE_3256_221, capabilities=["RESERVABLE", "X_PLUG_AND_CHARGE"]),
        changed(EVSE_3256_211, capabilities=["RESERVABLE", "X_PLUG_AND_CHARGE"]),
        (),
        id="unknown-capability-passes",
    ),
    pytest.param(
        "connector",
        changed(CONNECTOR_1_221, max_electric_power=3520),
        CONNECTOR_1_211,
        ("max_electric_power",),
        id="max-electric-power",
    ),
    pytest.param(
        "connector",
        changed(CONNECTOR_1_221, tariff_ids=["11", "AD_HOC_11"]),
        CONNECTOR_1_211,
        ("tariff_ids",),
        id="only-the-first-tariff",
    ),
    pytest.param(
        "connector",
        changed(CONNECTOR_1_221, tariff_ids=[]),
        without(CONNECTOR_1_211, "tariff_id"),
        (),
        id="no-tariffs",
    ),
    pytest.param(
        "connector",
        changed(CONNECTOR_1_221, standard="X_MEGAWATT"),
        changed(CONNECTOR_1_211, standard="X_MEGAWATT"),
        (),
        id="unknown-standard-passes",
    ),
]


@pytest.mark.parametrize(("kind", "value", "context", "body", "lost"), TOWARDS_221)
def test_towards_221(kind, value, context, body, lost):
    translated = up(kind, value, context)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


@pytest.mark.parametrize(("kind", "value", "body", "lost"), TOWARDS_211)
def test_towards_211(kind, value, body, lost):
    translated = down(kind, value)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


REFUSED = [
    pytest.param("up", "location", without(LOCATION_211, "time_zone"), CPO, "time_zone is missing", id="no-time-zone"),
    pytest.param("up", "location", LOCATION_211, Context(), "owner of this Location is unknown", id="no-owner"),
    pytest.param(
        "up", "location", changed(LOCATION_211, id="L" * 37), CPO, "id has 37 characters", id="location-id-too-long"
    ),
    pytest.param(
        "up", "evse", changed(EVSE_3256_211, uid="E" * 39), CPO, "uid has 39 characters", id="evse-uid-too-long"
    ),
    pytest.param("up", "connector", without(CONNECTOR_1_211, "voltage"), CPO, "voltage is missing", id="no-voltage"),
    pytest.param(
        "down", "location", changed(LOCATION_221, publish=False), None, "publish is false", id="not-published"
    ),
    pytest.param(
        "down",
        "connector",
        changed(CONNECTOR_1_221, standard="GBT_DC"),
        None,
        "ConnectorType GBT_DC does not exist in OCPI 2.1.1",
        id="connector-type",
    ),
    pytest.param(
        "down",
        "connector",
        changed(CONNECTOR_1_221, power_type="AC_2_PHASE_SPLIT"),
        None,
        "PowerType AC_2_PHASE_SPLIT",
        id="power-type",
    ),
    pytest.param(
        "down",
        "evse",
        changed(EVSE_3257_221, connectors=[changed(CONNECTOR_1_221, power_type="AC_2_PHASE")]),
        None,
        "connectors[0].power_type: PowerType AC_2_PHASE",
        id="evse-without-a-connector-2.1.1-can-describe",
    ),
]


@pytest.mark.parametrize(("direction", "kind", "value", "context", "reason"), REFUSED)
def test_refused(direction, kind, value, context, reason):
    translated = (up if direction == "up" else down)(kind, value, context)
    assert translated.body is None
    assert translated.lost == ()
    assert reason in translated.refused


# PATCH bodies: (direction, kind, value, context, expected body, expected lost)
PARTIAL = [
    pytest.param(
        "up",
        "location",
        {"name": "Gent Zuid Station", "last_updated": "2019-06-24T12:39:09Z"},
        Context(),
        {"name": "Gent Zuid Station", "last_updated": "2019-06-24T12:39:09Z"},
        (),
        id="up-no-defaults-no-owner",
    ),
    pytest.param(
        "up",
        "location",
        {"type": "PARKING_LOT", "last_updated": "2019-06-24T12:39:09Z"},
        Context(),
        {"parking_type": "PARKING_LOT", "last_updated": "2019-06-24T12:39:09Z"},
        (),
        id="up-type",
    ),
    pytest.param(
        "up",
        "evse",
        {"status": "CHARGING", "last_updated": "2019-06-24T12:39:09Z"},
        Context(),
        {"status": "CHARGING", "last_updated": "2019-06-24T12:39:09Z"},
        (),
        id="up-status",
    ),
    pytest.param(
        "up",
        "connector",
        {"tariff_id": "12", "last_updated": "2019-06-24T12:39:09Z"},
        Context(),
        {"tariff_ids": ["12"], "last_updated": "2019-06-24T12:39:09Z"},
        (),
        id="up-tariff",
    ),
    pytest.param(
        "down",
        "location",
        {"publish": True, "name": "Gent Zuid Station", "last_updated": "2019-06-24T12:39:09.120Z"},
        Context(),
        {"name": "Gent Zuid Station", "last_updated": "2019-06-24T12:39:09Z"},
        (),
        id="down-no-defaults",
    ),
    pytest.param(
        "down",
        "connector",
        {"tariff_ids": ["12", "13"], "last_updated": "2019-06-24T12:39:09Z"},
        Context(),
        {"tariff_id": "12", "last_updated": "2019-06-24T12:39:09Z"},
        ("tariff_ids",),
        id="down-tariffs",
    ),
    pytest.param(
        "down",
        "evse",
        {"status": "REMOVED", "last_updated": "2019-06-24T12:39:09Z"},
        Context(),
        {"status": "REMOVED", "last_updated": "2019-06-24T12:39:09Z"},
        (),
        id="down-status",
    ),
]


@pytest.mark.parametrize(("direction", "kind", "value", "context", "body", "lost"), PARTIAL)
def test_partial(direction, kind, value, context, body, lost):
    translated = (up if direction == "up" else down)(kind, value, context, partial=True)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


def test_a_patch_unpublishing_a_location_is_refused_towards_211():
    translated = down("location", {"publish": False, "last_updated": "2019-06-24T12:39:09Z"}, partial=True)
    assert translated.body is None
    assert "publish is false" in translated.refused


def test_a_2_1_1_connector_with_2_2_1_names_is_read_only_under_the_quirk():
    quirky = {**without(CONNECTOR_1_211, "voltage", "amperage", "tariff_id"), "max_voltage": 220, "max_amperage": 16}
    quirky["tariff_ids"] = ["11"]
    assert up("connector", quirky, LENIENT).body == CONNECTOR_1_221
    strict = up("connector", quirky, CPO)
    assert strict.body is None
    assert "voltage is missing" in strict.refused


def test_a_2_1_1_location_with_parking_type_is_read_only_under_the_quirk():
    quirky = changed(without(LOCATION_211, "type"), parking_type="PARKING_GARAGE")
    assert up("location", quirky, LENIENT).body == changed(LOCATION_221, parking_type="PARKING_GARAGE")
    strict = up("location", quirky, CPO)
    assert strict.body == without(LOCATION_221, "parking_type")
    assert strict.lost == ("parking_type",)


def test_a_2_1_1_location_that_names_its_owner_is_believed_only_under_the_quirk():
    claims = changed(LOCATION_211, country_code="BE", party_id="BEC")
    quirky = Context(quirks=Quirks(other_version_field_names=True))
    assert up("location", claims, quirky).body == LOCATION_221
    assert "owner of this Location is unknown" in up("location", claims).refused


def test_the_context_owner_wins_over_what_the_object_says():
    claims = changed(LOCATION_211, country_code="NL", party_id="XXX")
    assert up("location", claims, LENIENT).body == LOCATION_221


def test_a_2_2_1_connector_with_2_1_1_names_is_read_under_the_quirk():
    quirky = {**without(CONNECTOR_1_221, "max_voltage", "max_amperage"), "voltage": 220, "amperage": 16}
    assert down("connector", quirky, Context(quirks=Quirks(other_version_field_names=True))).body == CONNECTOR_1_211


def test_numbers_in_strings_are_read_only_under_the_quirk():
    quirky = changed(CONNECTOR_1_211, voltage="220", amperage="16")
    assert up("connector", quirky, Context(quirks=Quirks(numbers_as_strings=True))).body == CONNECTOR_1_221
    assert up("connector", quirky).body["max_voltage"] == "220"

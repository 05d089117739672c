"""CDRs between OCPI 2.1.1 and 2.2.1 (translation.cdrs): the Location <-> CdrLocation, the token, the totals."""

from __future__ import annotations

import pytest

from tests.translation.examples import (
    CDR_211,
    CDR_221,
    CDR_CONNECTOR_211,
    CDR_LOCATION_211,
    CDR_LOCATION_221,
    CDR_PERIODS,
    CDR_TOKEN_221,
    TARIFF_12_211,
    TARIFF_12_221,
    TOKEN_221_FULL,
    WITH_TOKEN,
    changed,
    down,
    up,
    without,
)
from translation import PROFILES, Context, Quirks

# Towards 2.1.1 the hub passes the 2.1.1 Location it has (it fills what a CdrLocation does not say).
WITH_LOCATION = Context(stored=CDR_LOCATION_211)


def test_the_pair_translates_into_each_other_with_nothing_lost():
    there = up("cdr", CDR_211, WITH_TOKEN)
    assert (there.body, there.lost, there.refused) == (CDR_221, (), None)
    back = down("cdr", CDR_221, WITH_LOCATION)
    assert (back.body, back.lost, back.refused) == (CDR_211, (), None)
    assert down("cdr", there.body, WITH_LOCATION).body == CDR_211
    assert up("cdr", back.body, WITH_TOKEN).body == CDR_221


@pytest.mark.parametrize("name", sorted(set(CDR_211) | set(CDR_221)))
def test_field_by_field(name):
    assert up("cdr", CDR_211, WITH_TOKEN).body.get(name) == CDR_221.get(name)
    assert down("cdr", CDR_221, WITH_LOCATION).body.get(name) == CDR_211.get(name)


def test_without_the_stored_location_the_2_1_1_location_is_built_from_the_cdr_location():
    translated = down("cdr", CDR_221)
    assert translated.body == changed(
        CDR_211,
        location={
            "id": "LOC1",
            "type": "UNKNOWN",
            "name": "Gent Zuid",
            "address": "F.Rooseveltlaan 3A",
            "city": "Gent",
            "postal_code": "9000",
            "country": "BEL",
            "coordinates": {"latitude": "51.047599", "longitude": "3.729944"},
            "evses": [
                {
                    "uid": "3256",
                    "evse_id": "BE-BEC-E041503003",
                    "status": "UNKNOWN",
                    "connectors": [
                        {
                            "id": "1",
                            "standard": "IEC_62196_T2",
                            "format": "SOCKET",
                            "power_type": "AC_1_PHASE",
                            "voltage": 0,
                            "amperage": 0,
                            "last_updated": "2015-06-29T22:01:13Z",
                        }
                    ],
                    "last_updated": "2015-06-29T22:01:13Z",
                }
            ],
            "last_updated": "2015-06-29T22:01:13Z",
        },
    )
    assert translated.lost == ("location.evses[0].connectors[0].voltage", "location.evses[0].connectors[0].amperage")


def test_the_cdr_location_wins_over_the_stored_location():
    renamed = changed(CDR_221, cdr_location=changed(CDR_LOCATION_221, name="Gent Zuid (oud)"))
    assert down("cdr", renamed, WITH_LOCATION).body["location"]["name"] == "Gent Zuid (oud)"


TOWARDS_221 = [
    pytest.param(
        changed(CDR_211, location=changed(CDR_LOCATION_211, evses=[without(CDR_LOCATION_211["evses"][0], "evse_id")])),
        WITH_TOKEN,
        changed(CDR_221, cdr_location=changed(CDR_LOCATION_221, evse_id="#NA")),
        (),
        id="evse-without-evse-id",
    ),
    pytest.param(
        changed(CDR_211, location=changed(CDR_LOCATION_211, x_vendor_site="GZ-01")),
        WITH_TOKEN,
        changed(CDR_221, cdr_location=changed(CDR_LOCATION_221, x_vendor_site="GZ-01")),
        (),
        id="unknown-location-field-passes",
    ),
    pytest.param(
        changed(
            CDR_211,
            charging_periods=[
                {
                    "start_date_time": "2015-06-29T21:39:09Z",
                    "dimensions": [{"type": "FLAT", "volume": 1}, {"type": "TIME", "volume": 1.973}],
                }
            ],
        ),
        WITH_TOKEN,
        CDR_221,
        ("charging_periods[0].dimensions[0]",),
        id="FLAT-dimension",
    ),
    pytest.param(
        changed(CDR_211, x_vendor_invoice="INV-1"),
        WITH_TOKEN,
        changed(CDR_221, x_vendor_invoice="INV-1"),
        (),
        id="unknown-field-passes",
    ),
]


@pytest.mark.parametrize(("value", "context", "body", "lost"), TOWARDS_221)
def test_towards_221(value, context, body, lost):
    translated = up("cdr", value, context)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


TOWARDS_211 = [
    pytest.param(
        changed(
            CDR_221,
            session_id="101",
            authorization_reference="AUTH-REF-1",
            total_cost={"excl_vat": 4.00, "incl_vat": 4.40},
            total_time_cost={"excl_vat": 4.00, "incl_vat": 4.40},
            total_fixed_cost={"excl_vat": 0.0},
            total_energy_cost={"excl_vat": 0.0},
            total_parking_cost={"excl_vat": 0.0},
            total_reservation_cost={"excl_vat": 0.0},
            signed_data={
                "encoding_method": "OCMF",
                "signed_values": [{"nature": "Start", "plain_data": "OCMF|...", "signed_data": "MEUCIQ..."}],
            },
            invoice_reference_id="INV-2015-0042",
            home_charging_compensation=False,
            credit=False,
        ),
        CDR_211,
        (
            "session_id",
            "authorization_reference",
            "signed_data",
            "total_fixed_cost",
            "total_energy_cost",
            "total_time_cost",
            "total_parking_cost",
            "total_reservation_cost",
            "invoice_reference_id",
            "total_cost.incl_vat",
        ),
        id="what-2.1.1-has-no-place-for",
    ),
    pytest.param(
        changed(CDR_221, home_charging_compensation=True),
        CDR_211,
        ("home_charging_compensation",),
        id="home-charging",
    ),
    pytest.param(
        changed(CDR_221, auth_method="COMMAND"),
        changed(CDR_211, auth_method="AUTH_REQUEST"),
        ("auth_method",),
        id="started-by-command",
    ),
    pytest.param(
        changed(CDR_221, cdr_location=changed(CDR_LOCATION_221, state="Oost-Vlaanderen")),
        CDR_211,
        ("cdr_location.state",),
        id="state",
    ),
    pytest.param(
        changed(CDR_221, charging_periods=[{**CDR_PERIODS[0], "tariff_id": "12"}]),
        CDR_211,
        ("charging_periods[0].tariff_id",),
        id="period-tariff",
    ),
    pytest.param(
        changed(
            CDR_221,
            tariffs=[
                changed(
                    TARIFF_12_221,
                    elements=[{**TARIFF_12_221["elements"][0], "restrictions": {"max_current": 32.0}}],
                ),
                changed(TARIFF_12_221, id="13"),
            ],
        ),
        changed(CDR_211, tariffs=[changed(TARIFF_12_211, id="13")]),
        ("tariffs[0]",),
        id="a-tariff-2.1.1-cannot-express-is-left-out",
    ),
    pytest.param(
        changed(
            CDR_221,
            tariffs=[
                changed(
                    TARIFF_12_221,
                    elements=[{"price_components": [{"type": "TIME", "price": 2.00, "vat": 10.0, "step_size": 300}]}],
                )
            ],
        ),
        CDR_211,
        ("tariffs[0].elements[0].price_components[0].vat",),
        id="tariff-vat",
    ),
    pytest.param(
        changed(
            CDR_221,
            start_date_time="2015-06-29T21:39:09.120Z",
            end_date_time="2015-06-29T23:37:32.999Z",
            charging_periods=[{**CDR_PERIODS[0], "start_date_time": "2015-06-29T21:39:09.120Z"}],
            last_updated="2015-06-29T22:01:13.5Z",
        ),
        CDR_211,
        (),
        id="datetime-fractions-are-truncated",
    ),
    pytest.param(
        changed(
            CDR_221, cdr_location=changed(CDR_LOCATION_221, coordinates={"latitude": "51.0476", "longitude": "3.72994"})
        ),
        changed(
            CDR_211, location=changed(CDR_LOCATION_211, coordinates={"latitude": "51.047600", "longitude": "3.729940"})
        ),
        (),
        id="coordinates-get-six-decimals",
    ),
]


@pytest.mark.parametrize(("value", "body", "lost"), TOWARDS_211)
def test_towards_211(value, body, lost):
    translated = down("cdr", value, WITH_LOCATION)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


REFUSED = [
    pytest.param(
        "up",
        CDR_211,
        Context(owner_country_code="BE", owner_party_id="BEC"),
        "does not know the token with auth_id 'DE8ACC12E46L89'",
        id="token-unknown",
    ),
    pytest.param("up", CDR_211, Context(token=TOKEN_221_FULL), "owner of this CDR is unknown", id="owner-unknown"),
    pytest.param(
        "up",
        changed(CDR_211, location=changed(CDR_LOCATION_211, evses=CDR_LOCATION_211["evses"] * 2)),
        WITH_TOKEN,
        "location.evses holds 2 EVSEs",
        id="two-evses",
    ),
    pytest.param(
        "up",
        changed(CDR_211, location=changed(CDR_LOCATION_211, evses=[])),
        WITH_TOKEN,
        "location has no EVSE with a connector",
        id="no-evse",
    ),
    pytest.param(
        "up",
        changed(
            CDR_211,
            charging_periods=[
                {"start_date_time": "2015-06-29T21:39:09Z", "dimensions": [{"type": "FLAT", "volume": 1}]}
            ],
        ),
        WITH_TOKEN,
        "CdrDimensionType FLAT does not exist in OCPI 2.2.1",
        id="only-FLAT",
    ),
    pytest.param(
        "up",
        changed(without(CDR_211, "stop_date_time"), end_date_time="2015-06-29T23:37:32Z"),
        WITH_TOKEN,
        "stop_date_time is missing",
        id="end-date-time-without-the-quirk",
    ),
    pytest.param(
        "down", changed(CDR_221, credit=True, credit_reference_id="12345"), WITH_LOCATION, "credit CDR", id="credit"
    ),
    pytest.param(
        "down",
        changed(CDR_221, id="12345-CREDIT-0000000000000000000000001"),
        WITH_LOCATION,
        "id has 38 characters",
        id="id-too-long",
    ),
    pytest.param(
        "down",
        changed(CDR_221, cdr_location=changed(CDR_LOCATION_221, connector_power_type="AC_2_PHASE")),
        WITH_LOCATION,
        "cdr_location.connector_power_type: PowerType AC_2_PHASE",
        id="two-phases",
    ),
    pytest.param(
        "down",
        changed(CDR_221, cdr_location=changed(CDR_LOCATION_221, connector_standard="NEMA_14_50")),
        Context(),
        "cdr_location.connector_standard: ConnectorType NEMA_14_50",
        id="connector-type",
    ),
    pytest.param(
        "down",
        changed(
            CDR_221,
            charging_periods=[
                {"start_date_time": "2015-06-29T21:39:09Z", "dimensions": [{"type": "RESERVATION_TIME", "volume": 0.5}]}
            ],
        ),
        WITH_LOCATION,
        "CdrDimensionType RESERVATION_TIME does not exist in OCPI 2.1.1",
        id="only-reservation-time",
    ),
    pytest.param("down", without(CDR_221, "cdr_location"), WITH_LOCATION, "cdr_location is missing", id="no-location"),
]


@pytest.mark.parametrize(("direction", "value", "context", "reason"), REFUSED)
def test_refused(direction, value, context, reason):
    translated = (up if direction == "up" else down)("cdr", value, context)
    assert (translated.body, translated.lost) == (None, ())
    assert reason in translated.refused


def test_end_date_time_in_a_2_1_1_cdr_is_read_under_the_quirk():
    quirky = changed(without(CDR_211, "stop_date_time"), end_date_time="2015-06-29T23:37:32Z")
    for quirks in (PROFILES["extrawest-2.1.1"], PROFILES["lenient-2.1.1"], Quirks(cdr_end_date_time=True)):
        context = Context(owner_country_code="BE", owner_party_id="BEC", token=TOKEN_221_FULL, quirks=quirks)
        assert up("cdr", quirky, context).body == CDR_221


def test_a_2_1_1_cdr_with_a_cdr_location_and_cdr_token_is_read_under_the_quirk():
    quirky = changed(without(CDR_211, "location", "auth_id"), cdr_location=CDR_LOCATION_221, cdr_token=CDR_TOKEN_221)
    context = Context(owner_country_code="BE", owner_party_id="BEC", quirks=Quirks(other_version_field_names=True))
    assert up("cdr", quirky, context).body == CDR_221
    assert "auth_id is missing" in up("cdr", quirky, WITH_TOKEN).refused


def test_numbers_in_strings_as_in_the_2_1_1_spec_example_are_read_under_the_quirk():
    as_in_the_spec = changed(
        CDR_211,
        tariffs=[
            changed(
                TARIFF_12_211, elements=[{"price_components": [{"type": "TIME", "price": "2.00", "step_size": 300}]}]
            )
        ],
    )
    context = Context(
        owner_country_code="BE", owner_party_id="BEC", token=TOKEN_221_FULL, quirks=PROFILES["lenient-2.1.1"]
    )
    assert up("cdr", as_in_the_spec, context).body == CDR_221
    strict = up("cdr", as_in_the_spec, WITH_TOKEN).body
    assert strict["tariffs"][0]["elements"][0]["price_components"][0]["price"] == "2.00"  # passed on, not guessed


def test_the_connector_comes_from_the_stored_location():
    assert down("cdr", CDR_221, WITH_LOCATION).body["location"]["evses"][0]["connectors"] == [CDR_CONNECTOR_211]


def test_a_stored_location_without_the_evse_still_gives_the_location_fields():
    moved = changed(CDR_221, cdr_location=changed(CDR_LOCATION_221, evse_uid="3299", evse_id="BE-BEC-E041503099"))
    translated = down("cdr", moved, WITH_LOCATION)
    location = translated.body["location"]
    assert (location["type"], location["time_zone"]) == ("ON_STREET", "Europe/Brussels")
    assert location["evses"][0]["uid"] == "3299"
    assert location["evses"][0]["status"] == "UNKNOWN"
    assert translated.lost == ("location.evses[0].connectors[0].voltage", "location.evses[0].connectors[0].amperage")


def test_the_stored_location_may_be_the_hubs_2_2_1_copy():
    stored = {
        "country_code": "BE",
        "party_id": "BEC",
        "id": "LOC1",
        "publish": False,
        **{key: value for key, value in CDR_LOCATION_211.items() if key not in ("id", "type", "evses")},
        "parking_type": "ON_STREET",
        "evses": [
            {
                **CDR_LOCATION_211["evses"][0],
                "connectors": [
                    {
                        **without(CDR_CONNECTOR_211, "voltage", "amperage", "tariff_id"),
                        "max_voltage": 230,
                        "max_amperage": 64,
                        "tariff_ids": ["12"],
                    }
                ],
            }
        ],
    }
    translated = down("cdr", CDR_221, Context(stored=stored))
    assert (translated.body, translated.lost, translated.refused) == (CDR_211, (), None)

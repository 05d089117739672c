"""Sessions between OCPI 2.1.1 and 2.2.1 (translation.sessions), with their charging periods."""

from __future__ import annotations

import pytest

from tests.translation.examples import (
    APP_USER_221,
    CDR_TOKEN_221,
    CHARGING_PERIODS,
    CONNECTOR_1_211,
    EVSE_3256_211,
    LOCATION_211,
    LOCATION_221,
    SESSION_211,
    SESSION_221,
    SESSION_LOCATION_211,
    TOKEN_221_FULL,
    changed,
    down,
    up,
    without,
)
from translation import Context, Quirks

# Towards 2.2.1 the hub knows the owner and the Token; towards 2.1.1 it has the 2.1.1 Location.
KNOWN = Context(owner_country_code="BE", owner_party_id="BEC", token=TOKEN_221_FULL, stored=LOCATION_211)


def test_the_pair_translates_into_each_other_with_nothing_lost():
    there = up("session", SESSION_211, KNOWN)
    assert (there.body, there.lost, there.refused) == (SESSION_221, (), None)
    back = down("session", SESSION_221, KNOWN)
    assert (back.body, back.lost, back.refused) == (SESSION_211, (), None)
    assert down("session", there.body, KNOWN).body == SESSION_211
    assert up("session", back.body, KNOWN).body == SESSION_221


@pytest.mark.parametrize("name", sorted(set(SESSION_211) | set(SESSION_221)))
def test_field_by_field(name):
    assert up("session", SESSION_211, KNOWN).body.get(name) == SESSION_221.get(name)
    assert down("session", SESSION_221, KNOWN).body.get(name) == SESSION_211.get(name)


TOWARDS_221 = [
    pytest.param(
        changed(SESSION_211, auth_id="012345678"),
        KNOWN,
        SESSION_221,
        (),
        id="auth-id-holding-the-uid",
    ),
    pytest.param(
        changed(SESSION_211, location=changed(SESSION_LOCATION_211, evses=[])),
        KNOWN,
        changed(SESSION_221, evse_uid="#NA", connector_id="#NA"),
        (),
        id="location-without-evse",
    ),
    pytest.param(
        changed(
            SESSION_211,
            charging_periods=[
                {
                    "start_date_time": "2015-06-29T22:39:09Z",
                    "dimensions": [{"type": "ENERGY", "volume": 120}, {"type": "FLAT", "volume": 1}],
                },
                {"start_date_time": "2015-06-29T22:40:54Z", "dimensions": [{"type": "FLAT", "volume": 1}]},
            ],
        ),
        KNOWN,
        changed(
            SESSION_221,
            charging_periods=[
                {"start_date_time": "2015-06-29T22:39:09Z", "dimensions": [{"type": "ENERGY", "volume": 120}]}
            ],
        ),
        ("charging_periods[0].dimensions[1]", "charging_periods[1]"),
        id="FLAT-dimension",
    ),
    pytest.param(
        without(SESSION_211, "total_cost", "end_datetime"),
        KNOWN,
        without(SESSION_221, "total_cost", "end_date_time"),
        (),
        id="no-total-cost-no-end",
    ),
    pytest.param(
        changed(SESSION_211, total_cost=0),
        KNOWN,
        changed(SESSION_221, total_cost={"excl_vat": 0}),
        (),
        id="free-of-charge",
    ),
    pytest.param(
        changed(SESSION_211, x_vendor_soc=80),
        KNOWN,
        changed(SESSION_221, x_vendor_soc=80),
        (),
        id="unknown-field-passes",
    ),
]


@pytest.mark.parametrize(("value", "context", "body", "lost"), TOWARDS_221)
def test_towards_221(value, context, body, lost):
    translated = up("session", value, context)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


TOWARDS_211 = [
    pytest.param(
        changed(SESSION_221, status="RESERVATION", authorization_reference="AUTH-REF-1"),
        changed(SESSION_211, status="PENDING"),
        ("authorization_reference", "status"),
        id="reservation",
    ),
    pytest.param(
        changed(SESSION_221, auth_method="COMMAND"),
        changed(SESSION_211, auth_method="AUTH_REQUEST"),
        ("auth_method",),
        id="started-by-command",
    ),
    pytest.param(
        changed(SESSION_221, total_cost={"excl_vat": 8.50, "incl_vat": 9.35}),
        SESSION_211,
        ("total_cost.incl_vat",),
        id="total-cost-incl-vat",
    ),
    pytest.param(
        changed(SESSION_221, cdr_token={**CDR_TOKEN_221, "uid": APP_USER_221["uid"], "type": "APP_USER"}),
        SESSION_211,
        (),
        id="auth-id-is-the-contract-id",
    ),
    pytest.param(
        changed(
            SESSION_221,
            charging_periods=[
                {
                    "start_date_time": "2015-06-29T22:39:09.250Z",
                    "dimensions": [
                        {"type": "ENERGY", "volume": 120},
                        {"type": "STATE_OF_CHARGE", "volume": 54},
                        {"type": "POWER", "volume": 11},
                    ],
                    "tariff_id": "12",
                },
                {
                    "start_date_time": "2015-06-29T22:40:54Z",
                    "dimensions": [{"type": "RESERVATION_TIME", "volume": 0.25}],
                },
            ],
        ),
        changed(
            SESSION_211,
            charging_periods=[
                {"start_date_time": "2015-06-29T22:39:09Z", "dimensions": [{"type": "ENERGY", "volume": 120}]}
            ],
        ),
        (
            "charging_periods[0].dimensions[1]",
            "charging_periods[0].dimensions[2]",
            "charging_periods[0].tariff_id",
            "charging_periods[1]",
        ),
        id="periods-and-dimensions-2.1.1-lacks",
    ),
    pytest.param(
        changed(SESSION_221, evse_uid="#NA", connector_id="#NA", status="RESERVATION"),
        changed(SESSION_211, location=changed(LOCATION_211, evses=[]), status="PENDING"),
        ("status",),
        id="reservation-without-evse",
    ),
    pytest.param(
        changed(SESSION_221, evse_uid="3256", connector_id="#NA"),
        changed(SESSION_211, location=changed(LOCATION_211, evses=[EVSE_3256_211])),
        (),
        id="no-connector-yet",
    ),
    pytest.param(
        changed(SESSION_221, start_date_time="2015-06-29T22:39:09.5Z", last_updated="2015-06-29T23:09:10.123456Z"),
        SESSION_211,
        (),
        id="datetime-fractions-are-truncated",
    ),
    pytest.param(
        changed(SESSION_221, evse_uid="3256", location_id="loc1"),
        SESSION_211,
        (),
        id="ids-are-case-insensitive",
    ),
]


@pytest.mark.parametrize(("value", "body", "lost"), TOWARDS_211)
def test_towards_211(value, body, lost):
    translated = down("session", value, KNOWN)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


def test_the_stored_location_may_come_inside_a_stored_2_1_1_session():
    context = Context(stored=SESSION_211)
    assert down("session", SESSION_221, context).body == SESSION_211


REFUSED = [
    pytest.param(
        "up",
        SESSION_211,
        Context(owner_country_code="BE", owner_party_id="BEC"),
        "the hub does not know the token with auth_id 'DE8ACC12E46L89'",
        id="token-unknown",
    ),
    pytest.param(
        "up",
        SESSION_211,
        Context(owner_country_code="BE", owner_party_id="BEC", token=APP_USER_221 | {"contract_id": "DE-OTHER"}),
        "is not auth_id 'DE8ACC12E46L89'",
        id="another-token",
    ),
    pytest.param(
        "up",
        SESSION_211,
        Context(owner_country_code="BE", owner_party_id="BEC", token=without(TOKEN_221_FULL, "country_code")),
        "has no country_code",
        id="incomplete-token",
    ),
    pytest.param(
        "up", SESSION_211, Context(token=TOKEN_221_FULL), "owner of this Session is unknown", id="owner-unknown"
    ),
    pytest.param(
        "up",
        changed(SESSION_211, location=LOCATION_211),
        KNOWN,
        "location.evses holds 2 EVSEs",
        id="location-with-every-evse",
    ),
    pytest.param(
        "up",
        changed(SESSION_211, location=changed(SESSION_LOCATION_211, evses=[EVSE_3256_211])),
        KNOWN,
        "location.evses[0].connectors holds 2 connectors",
        id="evse-with-every-connector",
    ),
    pytest.param(
        "up",
        changed(SESSION_211, location=changed(SESSION_LOCATION_211, id="L" * 39)),
        KNOWN,
        "location.id has 39 characters",
        id="location-id-too-long",
    ),
    pytest.param("up", without(SESSION_211, "location"), KNOWN, "location is missing", id="no-location"),
    pytest.param("up", without(SESSION_211, "auth_id"), KNOWN, "auth_id is missing", id="no-auth-id"),
    pytest.param(
        "down",
        SESSION_221,
        Context(),
        "a 2.1.1 Session embeds its full Location: the hub has not given the 2.1.1 Location 'LOC1'",
        id="location-unknown",
    ),
    pytest.param(
        "down",
        changed(SESSION_221, evse_uid="9999"),
        KNOWN,
        "has no EVSE '9999' with connector '1'",
        id="evse-unknown",
    ),
    pytest.param("down", without(SESSION_221, "cdr_token"), KNOWN, "cdr_token is missing", id="no-cdr-token"),
]


@pytest.mark.parametrize(("direction", "value", "context", "reason"), REFUSED)
def test_refused(direction, value, context, reason):
    translated = (up if direction == "up" else down)("session", value, context)
    assert (translated.body, translated.lost) == (None, ())
    assert reason in translated.refused


PARTIAL = [
    pytest.param(
        "up",
        {"kwh": 15.3, "total_cost": 3.2, "last_updated": "2019-06-23T08:11:00Z"},
        Context(),
        {"kwh": 15.3, "total_cost": {"excl_vat": 3.2}, "last_updated": "2019-06-23T08:11:00Z"},
        (),
        id="up-total-cost",
    ),
    pytest.param(
        "up",
        {"status": "COMPLETED", "end_datetime": "2015-06-29T23:50:16Z", "last_updated": "2015-06-29T23:50:17Z"},
        Context(),
        {"status": "COMPLETED", "end_date_time": "2015-06-29T23:50:16Z", "last_updated": "2015-06-29T23:50:17Z"},
        (),
        id="up-end",
    ),
    pytest.param(
        "up",
        {"charging_periods": CHARGING_PERIODS, "last_updated": "2015-06-29T23:50:17Z"},
        Context(),
        {"charging_periods": CHARGING_PERIODS, "last_updated": "2015-06-29T23:50:17Z"},
        (),
        id="up-charging-periods",
    ),
    pytest.param(
        "down",
        {"total_cost": {"excl_vat": 0.60, "incl_vat": 0.66}, "last_updated": "2019-06-23T08:11:00Z"},
        Context(),
        {"total_cost": 0.60, "last_updated": "2019-06-23T08:11:00Z"},
        ("total_cost.incl_vat",),
        id="down-total-cost",
    ),
    pytest.param(
        "down",
        {
            "charging_periods": [
                {"start_date_time": "2019-06-23T08:16:02Z", "dimensions": [{"type": "ENERGY", "volume": 2.1}]},
                {
                    "start_date_time": "2019-06-23T08:29:02.3Z",
                    "dimensions": [{"type": "ENERGY", "volume": 1.3}],
                    "tariff_id": "12",
                },
            ],
            "last_updated": "2019-06-23T08:30:00Z",
        },
        Context(),
        {
            "charging_periods": [
                {"start_date_time": "2019-06-23T08:16:02Z", "dimensions": [{"type": "ENERGY", "volume": 2.1}]},
                {"start_date_time": "2019-06-23T08:29:02Z", "dimensions": [{"type": "ENERGY", "volume": 1.3}]},
            ],
            "last_updated": "2019-06-23T08:30:00Z",
        },
        ("charging_periods[1].tariff_id",),
        id="down-charging-periods",
    ),
    pytest.param(
        "down",
        {"location_id": "LOC1", "evse_uid": "3256", "connector_id": "1", "last_updated": "2019-06-23T08:30:00Z"},
        KNOWN,
        {"location": SESSION_LOCATION_211, "last_updated": "2019-06-23T08:30:00Z"},
        (),
        id="down-moved",
    ),
]


@pytest.mark.parametrize(("direction", "value", "context", "body", "lost"), PARTIAL)
def test_partial(direction, value, context, body, lost):
    translated = (up if direction == "up" else down)("session", value, context, partial=True)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


def test_a_patch_naming_part_of_the_location_is_refused_towards_211():
    translated = down("session", {"evse_uid": "3257", "last_updated": "2019-06-23T08:30:00Z"}, KNOWN, partial=True)
    assert "only evse_uid" in translated.refused


def test_a_patch_with_an_auth_id_the_hub_does_not_know_is_refused():
    translated = up("session", {"auth_id": "NL-XYZ-1", "last_updated": "2019-06-23T08:30:00Z"}, partial=True)
    assert "does not know the token with auth_id 'NL-XYZ-1'" in translated.refused


LENIENT = Context(
    owner_country_code="BE", owner_party_id="BEC", token=TOKEN_221_FULL, quirks=Quirks(other_version_field_names=True)
)


def test_a_2_1_1_session_with_2_2_1_names_is_read_only_under_the_quirk():
    quirky = changed(
        without(SESSION_211, "start_datetime", "end_datetime", "location"),
        start_date_time="2015-06-29T22:39:09Z",
        end_date_time="2015-06-29T23:50:16Z",
        location_id="LOC1",
        evse_uid="3256",
        connector_id="1",
    )
    assert up("session", quirky, LENIENT).body == SESSION_221
    strict = up("session", quirky, KNOWN)
    assert strict.body is None
    assert "start_datetime is missing" in strict.refused


def test_a_2_1_1_session_with_a_cdr_token_is_read_under_the_quirk():
    quirky = changed(without(SESSION_211, "auth_id"), cdr_token=CDR_TOKEN_221)
    lenient_without_token = Context(
        owner_country_code="BE", owner_party_id="BEC", quirks=Quirks(other_version_field_names=True)
    )
    assert up("session", quirky, lenient_without_token).body == SESSION_221
    assert "auth_id is missing" in up("session", quirky, KNOWN).refused


def test_numbers_in_strings_are_read_under_the_quirk():
    quirky = changed(SESSION_211, kwh="41.00", total_cost="8.50")
    context = Context(
        owner_country_code="BE", owner_party_id="BEC", token=TOKEN_221_FULL, quirks=Quirks(numbers_as_strings=True)
    )
    assert up("session", quirky, context).body == SESSION_221


def test_a_session_location_keeps_its_connector_tariff():
    embedded = up("session", SESSION_211, KNOWN).body
    assert "location" not in embedded
    assert down("session", embedded, KNOWN).body["location"]["evses"][0]["connectors"] == [CONNECTOR_1_211]


def test_the_stored_location_may_be_the_hubs_2_2_1_copy_published_or_not():
    for stored in (
        LOCATION_221,
        changed(LOCATION_221, publish=False, publish_allowed_to=[{"uid": "012345678", "type": "RFID"}]),
    ):
        translated = down("session", SESSION_221, Context(stored=stored))
        assert (translated.body, translated.lost, translated.refused) == (SESSION_211, (), None)

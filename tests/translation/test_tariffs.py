"""Tariffs between OCPI 2.1.1 and 2.2.1 (translation.tariffs), and the 2.1.1 PATCH that 2.2.1 has no room for."""

from __future__ import annotations

import pytest

from tests.translation.examples import CPO, TARIFF_12_211, TARIFF_12_221, TARIFF_211, TARIFF_221, changed, down, up
from translation import Context, Quirks

PAIRS = [
    pytest.param("tariff", TARIFF_211, TARIFF_221, id="complex"),
    pytest.param("tariff", TARIFF_12_211, TARIFF_12_221, id="simple"),
    pytest.param(
        "tariff",
        {
            "id": "12",
            "currency": "EUR",
            "elements": [{"price_components": [{"type": "FLAT", "price": 0.00, "step_size": 0}]}],
            "last_updated": "2015-06-29T20:39:09Z",
        },
        {
            "country_code": "BE",
            "party_id": "BEC",
            "id": "12",
            "currency": "EUR",
            "elements": [{"price_components": [{"type": "FLAT", "price": 0.00, "step_size": 0}]}],
            "last_updated": "2015-06-29T20:39:09Z",
        },
        id="free-of-charge",
    ),
    pytest.param(
        "tariff_restrictions",
        {
            "start_date": "2015-12-24",
            "end_date": "2015-12-27",
            "min_kwh": 20,
            "max_kwh": 50,
            "min_duration": 1800,
            "max_duration": 3600,
        },
        {
            "start_date": "2015-12-24",
            "end_date": "2015-12-27",
            "min_kwh": 20,
            "max_kwh": 50,
            "min_duration": 1800,
            "max_duration": 3600,
        },
        id="restrictions",
    ),
]


@pytest.mark.parametrize(("kind", "v211", "v221"), PAIRS)
def test_the_pairs_translate_into_each_other_with_nothing_lost(kind, v211, v221):
    there = up(kind, v211, CPO)
    assert (there.body, there.lost, there.refused) == (v221, (), None)
    back = down(kind, v221)
    assert (back.body, back.lost, back.refused) == (v211, (), None)


@pytest.mark.parametrize("name", sorted(set(TARIFF_211) | set(TARIFF_221)))
def test_field_by_field(name):
    assert up("tariff", TARIFF_211, CPO).body.get(name) == TARIFF_221.get(name)
    assert down("tariff", TARIFF_221).body.get(name) == TARIFF_211.get(name)


ENERGY_221 = {"type": "ENERGY", "price": 0.25, "vat": 10.0, "step_size": 1}
ENERGY_211 = {"type": "ENERGY", "price": 0.25, "step_size": 1}

TOWARDS_211 = [
    pytest.param(
        changed(
            TARIFF_12_221,
            type="PROFILE_GREEN",
            min_price={"excl_vat": 0.50, "incl_vat": 0.55},
            max_price={"excl_vat": 10.00, "incl_vat": 11.00},
            start_date_time="2019-01-01T00:00:00Z",
            end_date_time="2019-06-30T23:59:59Z",
        ),
        TARIFF_12_211,
        ("type", "min_price", "max_price", "start_date_time", "end_date_time"),
        id="what-2.1.1-has-no-place-for",
    ),
    pytest.param(
        changed(
            TARIFF_12_221,
            elements=[{"price_components": [ENERGY_221, {"type": "FLAT", "price": 0.50, "vat": 20.0, "step_size": 1}]}],
        ),
        changed(
            TARIFF_12_211,
            elements=[{"price_components": [ENERGY_211, {"type": "FLAT", "price": 0.50, "step_size": 1}]}],
        ),
        ("elements[0].price_components[0].vat", "elements[0].price_components[1].vat"),
        id="vat",
    ),
    pytest.param(
        # tariff_15_reservation_5_euro_per_hour.json
        changed(
            TARIFF_12_221,
            elements=[
                {
                    "price_components": [{"type": "TIME", "price": 5.00, "vat": 20.0, "step_size": 60}],
                    "restrictions": {"reservation": "RESERVATION"},
                },
                {
                    "price_components": [
                        {"type": "FLAT", "price": 0.50, "step_size": 1},
                        {"type": "ENERGY", "price": 0.25, "step_size": 1},
                    ]
                },
            ],
        ),
        changed(
            TARIFF_12_211,
            elements=[
                {
                    "price_components": [
                        {"type": "FLAT", "price": 0.50, "step_size": 1},
                        {"type": "ENERGY", "price": 0.25, "step_size": 1},
                    ]
                }
            ],
        ),
        ("elements[0]",),
        id="reservation-elements-are-left-out",
    ),
    pytest.param(
        changed(TARIFF_12_221, last_updated="2015-02-02T14:15:01.123Z"),
        TARIFF_12_211,
        (),
        id="datetime-fractions-are-truncated",
    ),
    pytest.param(
        changed(
            TARIFF_12_221,
            energy_mix={"is_green_energy": False, "environ_impact": [{"category": "CARBON_DIOXIDE", "amount": 372}]},
        ),
        changed(
            TARIFF_12_211,
            energy_mix={"is_green_energy": False, "environ_impact": [{"source": "CARBON_DIOXIDE", "amount": 372}]},
        ),
        (),
        id="energy-mix",
    ),
    pytest.param(
        changed(TARIFF_12_221, x_vendor_zone="A"),
        changed(TARIFF_12_211, x_vendor_zone="A"),
        (),
        id="unknown-field-passes",
    ),
]


@pytest.mark.parametrize(("value", "body", "lost"), TOWARDS_211)
def test_towards_211(value, body, lost):
    translated = down("tariff", value)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


REFUSED = [
    pytest.param(
        "down",
        "tariff",
        changed(
            TARIFF_221,
            elements=[
                *TARIFF_221["elements"][:1],
                {
                    "price_components": [{"type": "TIME", "price": 1.00, "vat": 20.0, "step_size": 900}],
                    "restrictions": {"max_current": 32.00},
                },
            ],
        ),
        Context(),
        "elements[1].restrictions.max_current: OCPI 2.1.1 tariffs cannot restrict by max current",
        id="restricted-by-current",
    ),
    pytest.param(
        "down",
        "tariff",
        changed(
            TARIFF_12_221,
            elements=[
                {
                    "price_components": [{"type": "TIME", "price": 5.00, "step_size": 60}],
                    "restrictions": {"reservation": "RESERVATION_EXPIRES"},
                }
            ],
        ),
        Context(),
        "prices a reservation",
        id="only-reservation-elements",
    ),
    pytest.param(
        "down",
        "tariff_restrictions",
        {"reservation": "RESERVATION"},
        Context(),
        "reservation: OCPI 2.1.1 tariffs cannot restrict by reservation",
        id="reservation-restriction-alone",
    ),
    pytest.param("up", "tariff", TARIFF_211, Context(), "owner of this Tariff is unknown", id="owner-unknown"),
]


@pytest.mark.parametrize(("direction", "kind", "value", "context", "reason"), REFUSED)
def test_refused(direction, kind, value, context, reason):
    translated = (up if direction == "up" else down)(kind, value, context)
    assert (translated.body, translated.lost) == (None, ())
    assert reason in translated.refused


PATCH_211 = {"tariff_alt_url": "https://company.com/tariffs/12-new", "last_updated": "2015-07-01T10:00:00Z"}


def test_a_2_1_1_patch_becomes_the_whole_2_2_1_tariff():
    context = Context(owner_country_code="BE", owner_party_id="BEC", stored=TARIFF_12_221)
    translated = up("tariff", PATCH_211, context, partial=True)
    assert translated.body == changed(TARIFF_12_221, **PATCH_211)
    assert (translated.lost, translated.refused) == ((), None)


def test_a_2_1_1_patch_of_elements_replaces_them_whole():
    elements = [{"price_components": [{"type": "TIME", "price": "2.50", "step_size": 300}]}]
    context = Context(stored=TARIFF_12_221, quirks=Quirks(numbers_as_strings=True))
    translated = up("tariff", {"elements": elements, "last_updated": "2015-07-01T10:00:00Z"}, context, partial=True)
    assert translated.body == changed(
        TARIFF_12_221,
        elements=[{"price_components": [{"type": "TIME", "price": 2.5, "step_size": 300}]}],
        last_updated="2015-07-01T10:00:00Z",
    )


def test_a_2_1_1_patch_without_the_stored_tariff_is_refused():
    translated = up("tariff", PATCH_211, CPO, partial=True)
    assert "OCPI 2.2.1 has no Tariff PATCH" in translated.refused


def test_a_2_1_1_patch_with_another_stored_tariff_is_refused():
    translated = up("tariff", {**PATCH_211, "id": "13"}, Context(stored=TARIFF_12_221), partial=True)
    assert "not '13'" in translated.refused


def test_a_2_2_1_patch_stays_a_patch_towards_2_1_1():
    translated = down("tariff", {"type": "AD_HOC_PAYMENT", "last_updated": "2015-07-01T10:00:00.5Z"}, partial=True)
    assert (translated.body, translated.lost) == ({"last_updated": "2015-07-01T10:00:00Z"}, ("type",))

"""The shared classes (translation.common and fields.price): Price, DisplayText, BusinessDetails, Image, EnergyMix,
Hours, GeoLocation, charging periods and dimensions, as kinds of their own."""

from __future__ import annotations

import pytest

from tests.translation.examples import down, up

IMAGE = {"url": "https://www.becharged.be/logo.png", "category": "OPERATOR", "type": "png", "width": 512, "height": 512}
HOURS_247 = {
    "twentyfourseven": True,
    "exceptional_closings": [{"period_begin": "2018-12-25T03:00:00Z", "period_end": "2018-12-25T05:00:00Z"}],
}
HOURS_REGULAR = {
    "twentyfourseven": False,
    "regular_hours": [{"weekday": 1, "period_begin": "01:00", "period_end": "06:00"}],
    "exceptional_openings": [{"period_begin": "2018-12-25T05:00:00Z", "period_end": "2018-12-25T07:00:00Z"}],
}

# (kind, 2.1.1, 2.2.1): the same in both directions, nothing lost.
PAIRS = [
    pytest.param("price", 4.00, {"excl_vat": 4.00}, id="price"),
    pytest.param("price", 0, {"excl_vat": 0}, id="free"),
    pytest.param(
        "display_text",
        {"language": "en", "text": "Standard Tariff"},
        {"language": "en", "text": "Standard Tariff"},
        id="display-text",
    ),
    pytest.param("image", IMAGE, IMAGE, id="image"),
    pytest.param(
        "business_details",
        {"name": "BeCharged", "website": "https://www.becharged.be", "logo": IMAGE},
        {"name": "BeCharged", "website": "https://www.becharged.be", "logo": IMAGE},
        id="business-details",
    ),
    pytest.param("energy_mix", {"is_green_energy": True}, {"is_green_energy": True}, id="energy-mix-simple"),
    pytest.param(
        "energy_mix",
        {"is_green_energy": False, "environ_impact": [{"source": "NUCLEAR_WASTE", "amount": 0.0006}]},
        {"is_green_energy": False, "environ_impact": [{"category": "NUCLEAR_WASTE", "amount": 0.0006}]},
        id="energy-mix-environmental-impact",
    ),
    pytest.param(
        "environmental_impact",
        {"source": "CARBON_DIOXIDE", "amount": 372},
        {"category": "CARBON_DIOXIDE", "amount": 372},
        id="environmental-impact",
    ),
    pytest.param(
        "energy_source",
        {"source": "SOLAR", "percentage": 40},
        {"source": "SOLAR", "percentage": 40},
        id="energy-source",
    ),
    pytest.param("hours", HOURS_247, HOURS_247, id="hours-247"),
    pytest.param("hours", HOURS_REGULAR, HOURS_REGULAR, id="hours-regular"),
    pytest.param(
        "geo_location",
        {"latitude": "51.047599", "longitude": "3.729944"},
        {"latitude": "51.047599", "longitude": "3.729944"},
        id="geo-location",
    ),
    pytest.param(
        "additional_geo_location",
        {"latitude": "51.047801", "longitude": "3.729122", "name": {"language": "nl", "text": "Ingang"}},
        {"latitude": "51.047801", "longitude": "3.729122", "name": {"language": "nl", "text": "Ingang"}},
        id="additional-geo-location",
    ),
    pytest.param(
        "status_schedule",
        {"period_begin": "2015-07-01T00:00:00Z", "status": "PLANNED"},
        {"period_begin": "2015-07-01T00:00:00Z", "status": "PLANNED"},
        id="status-schedule",
    ),
    pytest.param(
        "cdr_dimension", {"type": "ENERGY", "volume": 41000}, {"type": "ENERGY", "volume": 41000}, id="cdr-dimension"
    ),
    pytest.param(
        "charging_period",
        {"start_date_time": "2015-06-29T22:39:09Z", "dimensions": [{"type": "MAX_CURRENT", "volume": 30}]},
        {"start_date_time": "2015-06-29T22:39:09Z", "dimensions": [{"type": "MAX_CURRENT", "volume": 30}]},
        id="charging-period",
    ),
    pytest.param(
        "price_component",
        {"type": "PARKING_TIME", "price": 5.00, "step_size": 300},
        {"type": "PARKING_TIME", "price": 5.00, "step_size": 300},
        id="price-component",
    ),
]


@pytest.mark.parametrize(("kind", "v211", "v221"), PAIRS)
def test_the_pairs_translate_into_each_other_with_nothing_lost(kind, v211, v221):
    there = up(kind, v211)
    assert (there.body, there.lost, there.refused) == (v221, (), None)
    back = down(kind, v221)
    assert (back.body, back.lost, back.refused) == (v211, (), None)


LOSSY = [
    pytest.param("down", "price", {"excl_vat": 8.50, "incl_vat": 9.35}, 8.50, ("incl_vat",), id="price-incl-vat"),
    pytest.param("down", "price", {"excl_vat": 8.50, "incl_vat": None}, 8.50, (), id="price-null-incl-vat"),
    pytest.param("up", "price", {"excl_vat": 8.50}, {"excl_vat": 8.50}, (), id="a-price-in-2.1.1-stays"),
    pytest.param(
        "up",
        "hours",
        {"regular_hours": [{"weekday": 1, "period_begin": "01:00", "period_end": "06:00"}]},
        {"regular_hours": [{"weekday": 1, "period_begin": "01:00", "period_end": "06:00"}], "twentyfourseven": False},
        (),
        id="hours-regular-choice",
    ),
    pytest.param("up", "hours", {"twentyfourseven": True}, {"twentyfourseven": True}, (), id="hours-247-choice"),
    pytest.param(
        "down",
        "hours",
        {
            "twentyfourseven": True,
            "exceptional_closings": [
                {"period_begin": "2018-12-25T03:00:00.001Z", "period_end": "2018-12-25T05:00:00.999Z"}
            ],
        },
        HOURS_247,
        (),
        id="hours-fractions",
    ),
    pytest.param(
        "down",
        "geo_location",
        {"latitude": "-33.86882", "longitude": "151.2092955"},
        {"latitude": "-33.868820", "longitude": "151.209296"},
        (),
        id="six-decimals",
    ),
    pytest.param(
        "down",
        "geo_location",
        {"latitude": "51,0475", "longitude": "3.7299"},
        {"latitude": "51,0475", "longitude": "3.729900"},
        (),
        id="what-matches-no-pattern-is-left-alone",
    ),
    pytest.param(
        "down",
        "charging_period",
        {
            "start_date_time": "2015-06-29T22:39:09Z",
            "dimensions": [{"type": "MAX_POWER", "volume": 22}, {"type": "ENERGY", "volume": 1}],
        },
        {"start_date_time": "2015-06-29T22:39:09Z", "dimensions": [{"type": "ENERGY", "volume": 1}]},
        ("dimensions[0]",),
        id="dimension-2.1.1-lacks",
    ),
    pytest.param(
        "down",
        "cdr_dimension",
        {"type": "X_BATTERY_TEMPERATURE", "volume": 31},
        {"type": "X_BATTERY_TEMPERATURE", "volume": 31},
        (),
        id="unknown-dimension-passes",
    ),
    pytest.param(
        "down",
        "price_component",
        {"type": "ENERGY", "price": 0.25, "vat": 10.0, "step_size": 1},
        {"type": "ENERGY", "price": 0.25, "step_size": 1},
        ("vat",),
        id="vat",
    ),
    pytest.param(
        "down",
        "energy_mix",
        {"is_green_energy": False, "environ_impact": [{"category": "X_WATER_USE", "amount": 2}], "x_vendor": 1},
        {"is_green_energy": False, "environ_impact": [{"source": "X_WATER_USE", "amount": 2}], "x_vendor": 1},
        (),
        id="unknown-values-and-fields",
    ),
]


@pytest.mark.parametrize(("direction", "kind", "value", "body", "lost"), LOSSY)
def test_lossy(direction, kind, value, body, lost):
    translated = (up if direction == "up" else down)(kind, value)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


REFUSED = [
    pytest.param("down", "price", {"incl_vat": 9.35}, "no excl_vat", id="price-without-excl-vat"),
    pytest.param("down", "cdr_dimension", {"type": "STATE_OF_CHARGE", "volume": 80}, "STATE_OF_CHARGE", id="soc"),
    pytest.param("up", "cdr_dimension", {"type": "FLAT", "volume": 1}, "FLAT", id="flat"),
    pytest.param(
        "down",
        "charging_period",
        {"start_date_time": "2015-06-29T22:39:09Z", "dimensions": [{"type": "CURRENT", "volume": 16}]},
        "dimensions[0].type: CdrDimensionType CURRENT",
        id="period-with-nothing-2.1.1-has",
    ),
    pytest.param("up", "environmental_impact", {"amount": 372}, "source is missing", id="impact-without-category"),
]


@pytest.mark.parametrize(("direction", "kind", "value", "reason"), REFUSED)
def test_refused(direction, kind, value, reason):
    translated = (up if direction == "up" else down)(kind, value)
    assert (translated.body, translated.lost) == (None, ())
    assert reason in translated.refused

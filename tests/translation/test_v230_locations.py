"""Location, EVSE, Connector, Parking between OCPI 2.2.1 and 2.3.0 (translation.v230.locations), on the spec's own
2.3.0 examples."""

from __future__ import annotations

import pytest

from tests.translation.examples import changed, without
from tests.translation.examples_230 import (
    CONNECTOR_1_230,
    DESTINATION_CHARGER,
    EVSE_3256_221,
    EVSE_3256_230,
    LIMITED_VISIBILITY,
    LOCATION_221,
    LOCATION_230,
    LOCATION_PARKING_LOST,
    PARKING_GARAGE_221,
    PARKING_GARAGE_230,
    to_221,
    to_230,
)
from translation import Translated

# (kind, 2.3.0, 2.2.1, lost towards 2.2.1): towards 2.3.0 the 2.2.1 one is the same object, nothing lost.
EXAMPLES = [
    pytest.param("location", LOCATION_230, LOCATION_221, LOCATION_PARKING_LOST, id="location_example"),
    pytest.param(
        "location",
        PARKING_GARAGE_230,
        PARKING_GARAGE_221,
        ("parking_places", "evses[0].parking"),
        id="location_example_parking_garage_opening_hours",
    ),
    pytest.param("location", LIMITED_VISIBILITY, LIMITED_VISIBILITY, (), id="location_example_uc4"),
    pytest.param("location", DESTINATION_CHARGER, DESTINATION_CHARGER, (), id="location_example_uc2"),
    pytest.param("evse", EVSE_3256_230, EVSE_3256_221, ("parking",), id="evse"),
    pytest.param("connector", CONNECTOR_1_230, CONNECTOR_1_230, (), id="connector"),
]


@pytest.mark.parametrize(("kind", "v230", "v221", "lost"), EXAMPLES)
def test_the_spec_examples_both_ways(kind, v230, v221, lost):
    down = to_221(kind, v230)
    assert (down.body, down.lost, down.refused) == (v221, lost, None)
    up = to_230(kind, v221)
    assert (up.body, up.lost, up.refused) == (v221, (), None)  # every 2.2.1 Location is a 2.3.0 one
    assert to_221(kind, up.body).body == v221  # the round trip


@pytest.mark.parametrize("name", sorted(LOCATION_230))
def test_a_location_field_by_field(name):
    assert to_221("location", LOCATION_230).body.get(name) == LOCATION_221.get(name)
    assert to_230("location", LOCATION_221).body.get(name) == LOCATION_221.get(name)


def _evse(**fields):
    return changed(EVSE_3256_221, **fields)


def _location(*evses, **fields):
    return changed(LOCATION_221, evses=list(evses) or LOCATION_221["evses"], **fields)


MCS = changed(CONNECTOR_1_230, id="3", standard="MCS", power_type="DC")
NACS = changed(CONNECTOR_1_230, id="4", standard="SAE_J3400", power_type="DC")

# (kind, 2.3.0 value, expected 2.2.1 body, expected lost)
TOWARDS_221 = [
    pytest.param(
        "location",
        changed(LOCATION_221, help_phone="+32 9 123 45 67"),
        LOCATION_221,
        ("help_phone",),
        id="help_phone",
    ),
    pytest.param(
        "location",
        _location(_evse(accepted_service_providers=["NewMotion", "Plugsurfing"])),
        _location(_evse()),
        ("evses[0].accepted_service_providers",),
        id="accepted_service_providers",
    ),
    pytest.param(
        "connector",
        changed(CONNECTOR_1_230, capabilities=["ISO_15118_2_PLUG_AND_CHARGE", "ISO_15118_20_PLUG_AND_CHARGE"]),
        CONNECTOR_1_230,
        ("capabilities",),
        id="connector-capabilities",
    ),
    pytest.param(
        "location",
        _location(_evse(connectors=[*EVSE_3256_221["connectors"], MCS])),
        _location(_evse()),
        ("evses[0].connectors[2]",),
        id="MCS-connector-left-out",
    ),
    pytest.param(
        "location",
        _location(_evse(uid="NACS", connectors=[NACS]), _evse()),
        _location(_evse()),
        ("evses[0]",),
        id="EVSE-of-only-SAE_J3400-left-out",
    ),
    pytest.param(
        "location",
        _location(_evse(parking_restrictions=["TAXIS"]), _evse(uid="3257", parking_restrictions=["EV_ONLY"])),
        _location(_evse(uid="3257", parking_restrictions=["EV_ONLY"])),
        ("evses[0]",),
        id="EVSE-for-taxis-only-left-out",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, parking_type="ALONG_RAILWAY"),
        without(LOCATION_221, "parking_type"),
        ("parking_type",),
        id="custom-parking-type-dropped",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, facilities=["CAFE", "CHARGING_HUB_LOUNGE"]),
        changed(LOCATION_221, facilities=["CAFE"]),
        ("facilities",),
        id="custom-facility-dropped",
    ),
    pytest.param(
        "evse",
        _evse(capabilities=["RESERVABLE", "AUTOCHARGE_CAPABLE"]),
        _evse(capabilities=["RESERVABLE"]),
        ("capabilities",),
        id="custom-capability-dropped",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, images=[{"url": "https://x.example/p.jpg", "category": "PARKING", "type": "jpeg"}]),
        changed(LOCATION_221, images=[{"url": "https://x.example/p.jpg", "category": "OTHER", "type": "jpeg"}]),
        ("images[0].category",),
        id="custom-image-category-OTHER",
    ),
    pytest.param(
        "location",
        changed(LOCATION_221, operator={"name": "X", "logo": {"url": "https://x.example/l.png", "category": "BRAND"}}),
        changed(LOCATION_221, operator={"name": "X", "logo": {"url": "https://x.example/l.png", "category": "OTHER"}}),
        ("operator.logo.category",),
        id="custom-logo-category-OTHER",
    ),
    pytest.param(
        "location",
        changed(
            LOCATION_221,
            energy_mix={"is_green_energy": False, "environ_impact": [{"category": "WATER", "amount": 2}]},
        ),
        changed(LOCATION_221, energy_mix={"is_green_energy": False, "environ_impact": []}),
        ("energy_mix.environ_impact[0]",),
        id="custom-environmental-impact-left-out",
    ),
    pytest.param(
        "location",
        changed(
            LIMITED_VISIBILITY,
            publish_allowed_to=[{"uid": "DE8ACC12E46L89", "type": "EMAID"}, {"uid": "12345678905880", "type": "RFID"}],
        ),
        changed(LIMITED_VISIBILITY, publish_allowed_to=[{"uid": "12345678905880", "type": "RFID"}]),
        ("publish_allowed_to[0]",),
        id="EMAID-publish-token-left-out",
    ),
]


@pytest.mark.parametrize(("kind", "value", "body", "lost"), TOWARDS_221)
def test_what_221_cannot_hold(kind, value, body, lost):
    translated = to_221(kind, value)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


# (kind, 2.3.0 value, words of the refusal)
REFUSED_221 = [
    pytest.param("connector", MCS, "ConnectorType MCS does not exist in OCPI 2.2.1", id="MCS-connector"),
    pytest.param("evse", _evse(connectors=[NACS]), "ConnectorType SAE_J3400", id="EVSE-of-only-SAE_J3400"),
    pytest.param("evse", _evse(parking_restrictions=["EMPLOYEES"]), "look open to every driver", id="EMPLOYEES"),
    pytest.param("evse", _evse(parking_restrictions=["TENANTS"]), "TENANTS", id="TENANTS"),
    pytest.param("parking", LOCATION_230["parking_places"][0], "Parking exists only in OCPI 2.3.0", id="parking"),
    pytest.param("evse_parking", EVSE_3256_230["parking"][0], "EVSEParking exists only", id="evse_parking"),
]


@pytest.mark.parametrize(("kind", "value", "words"), REFUSED_221)
def test_what_221_would_get_wrong_is_refused(kind, value, words):
    translated = to_221(kind, value)
    assert translated.body is None
    assert words in translated.refused


def test_values_221_does_not_know_are_forwarded_towards_230():
    custom = changed(
        LOCATION_221,
        parking_type="ALONG_RAILWAY",
        facilities=["CHARGING_HUB_LOUNGE"],
        evses=[_evse(capabilities=["AUTOCHARGE_CAPABLE"], parking_restrictions=["TAXIS"])],
    )
    assert to_230("location", custom) == Translated(body=custom)


def test_a_patch_converts_only_what_it_holds():
    assert to_221("location", {"help_phone": "+32 9 123 45 67"}, partial=True).body == {}
    assert to_221("location", {"help_phone": "+32 9 123 45 67"}, partial=True).lost == ("help_phone",)
    patch = {"status": "CHARGING", "last_updated": "2019-06-24T12:39:09Z"}
    assert to_221("evse", patch, partial=True).body == patch
    assert to_230("evse", patch, partial=True).body == patch
    assert to_221("connector", {"standard": "MCS"}, partial=True).refused

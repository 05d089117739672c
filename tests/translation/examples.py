"""Pairs of objects that say the same in OCPI 2.1.1 and 2.2.1, modelled on the spec's own examples (2.1.1
mod_*.md, 2.2.1 examples/*.json: the same structure and values, completed where one version requires more), for the
translation's table tests. Each `*_211` and `*_221` pair translates into each other with nothing lost.

Helpers: `up` (2.1.1 -> 2.2.1) and `down` (2.2.1 -> 2.1.1) call `translate`; `changed(base, **fields)` and
`without(base, *names)` make the variants the cases need.
"""

from __future__ import annotations

import copy
from typing import Any

from translation import Context, Translated, translate


def up(kind: str, value: Any, context: Context | None = None, partial: bool = False) -> Translated:
    """2.1.1 -> 2.2.1."""
    return translate(kind, value, "2.1.1", "2.2.1", context or Context(), partial)


def down(kind: str, value: Any, context: Context | None = None, partial: bool = False) -> Translated:
    """2.2.1 -> 2.1.1."""
    return translate(kind, value, "2.2.1", "2.1.1", context or Context(), partial)


def changed(base: dict, **fields: Any) -> dict:
    return {**copy.deepcopy(base), **fields}


def without(base: dict, *names: str) -> dict:
    return {key: copy.deepcopy(value) for key, value in base.items() if key not in names}


CPO = Context(owner_country_code="BE", owner_party_id="BEC")
EMSP = Context(owner_country_code="DE", owner_party_id="TNM")

# --- Tokens (2.1.1 mod_tokens.md example; 2.2.1 token_example_2_full_rfid.json) -----------------------------------

TOKEN_211 = {
    "uid": "012345678",
    "type": "RFID",
    "auth_id": "DE8ACC12E46L89",
    "visual_number": "DF000-2001-8999",
    "issuer": "TheNewMotion",
    "valid": True,
    "whitelist": "ALLOWED",
    "language": "it",
    "last_updated": "2015-06-29T22:39:09Z",
}
TOKEN_221 = {
    "country_code": "DE",
    "party_id": "TNM",
    "uid": "012345678",
    "type": "RFID",
    "contract_id": "DE8ACC12E46L89",
    "visual_number": "DF000-2001-8999",
    "issuer": "TheNewMotion",
    "valid": True,
    "whitelist": "ALLOWED",
    "language": "it",
    "last_updated": "2015-06-29T22:39:09Z",
}
# The same Token with what only 2.2.1 can say.
TOKEN_221_FULL = changed(
    TOKEN_221,
    group_id="DF000-2001-8999",
    default_profile_type="GREEN",
    energy_contract={"supplier_name": "Greenpeace Energy eG", "contract_id": "0123456789"},
)
# A 2.2.1 app user (token_example_1_app_user.json).
APP_USER_221 = {
    "country_code": "DE",
    "party_id": "TNM",
    "uid": "bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1",
    "type": "APP_USER",
    "contract_id": "DE8ACC12E46L89",
    "issuer": "TheNewMotion",
    "valid": True,
    "whitelist": "ALLOWED",
    "last_updated": "2018-12-10T17:16:15Z",
}
CDR_TOKEN_221 = {
    "country_code": "DE",
    "party_id": "TNM",
    "uid": "012345678",
    "type": "RFID",
    "contract_id": "DE8ACC12E46L89",
}
WITH_TOKEN = Context(owner_country_code="BE", owner_party_id="BEC", token=TOKEN_221_FULL)

# --- Locations (2.1.1 mod_locations.md example; 2.2.1 location_example.json), completed with the optional fields ---

CONNECTOR_1_211 = {
    "id": "1",
    "standard": "IEC_62196_T2",
    "format": "CABLE",
    "power_type": "AC_3_PHASE",
    "voltage": 220,
    "amperage": 16,
    "tariff_id": "11",
    "terms_and_conditions": "https://www.becharged.be/terms",
    "last_updated": "2015-03-16T10:10:02Z",
}
CONNECTOR_1_221 = {
    "id": "1",
    "standard": "IEC_62196_T2",
    "format": "CABLE",
    "power_type": "AC_3_PHASE",
    "max_voltage": 220,
    "max_amperage": 16,
    "tariff_ids": ["11"],
    "terms_and_conditions": "https://www.becharged.be/terms",
    "last_updated": "2015-03-16T10:10:02Z",
}
CONNECTOR_2_211 = {
    "id": "2",
    "standard": "IEC_62196_T2",
    "format": "SOCKET",
    "power_type": "AC_3_PHASE",
    "voltage": 220,
    "amperage": 16,
    "tariff_id": "11",
    "last_updated": "2015-03-18T08:12:01Z",
}
CONNECTOR_2_221 = {
    "id": "2",
    "standard": "IEC_62196_T2",
    "format": "SOCKET",
    "power_type": "AC_3_PHASE",
    "max_voltage": 220,
    "max_amperage": 16,
    "tariff_ids": ["11"],
    "last_updated": "2015-03-18T08:12:01Z",
}
CONNECTOR_3_211 = {
    "id": "1",
    "standard": "IEC_62196_T2",
    "format": "SOCKET",
    "power_type": "AC_3_PHASE",
    "voltage": 220,
    "amperage": 16,
    "tariff_id": "12",
    "last_updated": "2015-06-29T20:39:09Z",
}
CONNECTOR_3_221 = {
    "id": "1",
    "standard": "IEC_62196_T2",
    "format": "SOCKET",
    "power_type": "AC_3_PHASE",
    "max_voltage": 220,
    "max_amperage": 16,
    "tariff_ids": ["12"],
    "last_updated": "2015-06-29T20:39:09Z",
}

_EVSE_3256 = {
    "uid": "3256",
    "evse_id": "BE-BEC-E041503001",
    "status": "AVAILABLE",
    "status_schedule": [],
    "capabilities": ["RESERVABLE", "RFID_READER", "REMOTE_START_STOP_CAPABLE"],
    "physical_reference": "1",
    "floor_level": "-1",
    "last_updated": "2015-06-28T08:12:01Z",
}
EVSE_3256_211 = {**_EVSE_3256, "connectors": [CONNECTOR_1_211, CONNECTOR_2_211]}
EVSE_3256_221 = {**_EVSE_3256, "connectors": [CONNECTOR_1_221, CONNECTOR_2_221]}
_EVSE_3257 = {
    "uid": "3257",
    "evse_id": "BE-BEC-E041503002",
    "status": "RESERVED",
    "status_schedule": [
        {"period_begin": "2015-07-01T00:00:00Z", "period_end": "2015-07-02T00:00:00Z", "status": "INOPERATIVE"}
    ],
    "capabilities": ["RESERVABLE"],
    "floor_level": "-2",
    "coordinates": {"latitude": "51.047612", "longitude": "3.729987"},
    "physical_reference": "2",
    "directions": [{"language": "nl", "text": "Tweede verdieping, achteraan"}],
    "parking_restrictions": ["EV_ONLY", "PLUGGED"],
    "images": [{"url": "https://www.becharged.be/3257.jpg", "category": "CHARGER", "type": "jpeg"}],
    "last_updated": "2015-06-29T20:39:09Z",
}
EVSE_3257_211 = {**_EVSE_3257, "connectors": [CONNECTOR_3_211]}
EVSE_3257_221 = {**_EVSE_3257, "connectors": [CONNECTOR_3_221]}

_LOCATION = {
    "name": "Gent Zuid",
    "address": "F.Rooseveltlaan 3A",
    "city": "Gent",
    "postal_code": "9000",
    "country": "BEL",
    "coordinates": {"latitude": "51.047599", "longitude": "3.729944"},
    "related_locations": [
        {"latitude": "51.047801", "longitude": "3.729122", "name": {"language": "nl", "text": "Ingang parking"}}
    ],
    "directions": [{"language": "nl", "text": "Naast het station Gent-Zuid"}],
    "operator": {
        "name": "BeCharged",
        "website": "https://www.becharged.be",
        "logo": {
            "url": "https://www.becharged.be/logo.png",
            "thumbnail": "https://www.becharged.be/logo-thumb.png",
            "category": "OPERATOR",
            "type": "png",
            "width": 512,
            "height": 512,
        },
    },
    "suboperator": {"name": "Parking Gent"},
    "owner": {"name": "Stad Gent", "website": "https://stad.gent"},
    "facilities": ["TRAIN_STATION", "CAFE"],
    "time_zone": "Europe/Brussels",
    "opening_times": {
        "regular_hours": [
            {"weekday": weekday, "period_begin": "08:00", "period_end": "20:00"} for weekday in range(1, 6)
        ],
        "twentyfourseven": False,
        "exceptional_openings": [{"period_begin": "2014-06-21T09:00:00Z", "period_end": "2014-06-21T12:00:00Z"}],
        "exceptional_closings": [{"period_begin": "2014-06-24T00:00:00Z", "period_end": "2014-06-25T00:00:00Z"}],
    },
    "charging_when_closed": True,
    "images": [
        {
            "url": "https://www.becharged.be/gent-zuid.jpg",
            "thumbnail": "https://www.becharged.be/gent-zuid-thumb.jpg",
            "category": "LOCATION",
            "type": "jpeg",
            "width": 800,
            "height": 600,
        }
    ],
    "last_updated": "2015-06-29T20:39:09Z",
}
LOCATION_211 = {
    "id": "LOC1",
    "type": "ON_STREET",
    **_LOCATION,
    "evses": [EVSE_3256_211, EVSE_3257_211],
    "energy_mix": {
        "is_green_energy": False,
        "energy_sources": [
            {"source": "GENERAL_GREEN", "percentage": 35.9},
            {"source": "GAS", "percentage": 6.3},
            {"source": "COAL", "percentage": 33.2},
            {"source": "GENERAL_FOSSIL", "percentage": 2.9},
            {"source": "NUCLEAR", "percentage": 21.7},
        ],
        "environ_impact": [
            {"source": "NUCLEAR_WASTE", "amount": 0.0006},
            {"source": "CARBON_DIOXIDE", "amount": 372},
        ],
        "supplier_name": "E.ON Energy Deutschland",
        "energy_product_name": "E.ON DirektStrom eco",
    },
}
LOCATION_221 = {
    "country_code": "BE",
    "party_id": "BEC",
    "id": "LOC1",
    "publish": True,
    **_LOCATION,
    "parking_type": "ON_STREET",
    "evses": [EVSE_3256_221, EVSE_3257_221],
    "energy_mix": {
        "is_green_energy": False,
        "energy_sources": [
            {"source": "GENERAL_GREEN", "percentage": 35.9},
            {"source": "GAS", "percentage": 6.3},
            {"source": "COAL", "percentage": 33.2},
            {"source": "GENERAL_FOSSIL", "percentage": 2.9},
            {"source": "NUCLEAR", "percentage": 21.7},
        ],
        "environ_impact": [
            {"category": "NUCLEAR_WASTE", "amount": 0.0006},
            {"category": "CARBON_DIOXIDE", "amount": 372},
        ],
        "supplier_name": "E.ON Energy Deutschland",
        "energy_product_name": "E.ON DirektStrom eco",
    },
}

# --- Sessions (2.1.1 mod_sessions.md "short finished session"; 2.2.1 session_example_2_short_finished.json) -------

# What a 2.1.1 Session embeds: the Location with only the session's EVSE and Connector.
SESSION_LOCATION_211 = {**LOCATION_211, "evses": [{**EVSE_3256_211, "connectors": [CONNECTOR_1_211]}]}

CHARGING_PERIODS = [
    {
        "start_date_time": "2015-06-29T22:39:09Z",
        "dimensions": [{"type": "ENERGY", "volume": 120}, {"type": "MAX_CURRENT", "volume": 30}],
    },
    {
        "start_date_time": "2015-06-29T22:40:54Z",
        "dimensions": [{"type": "ENERGY", "volume": 41000}, {"type": "MIN_CURRENT", "volume": 34}],
    },
    {"start_date_time": "2015-06-29T23:07:09Z", "dimensions": [{"type": "PARKING_TIME", "volume": 0.718}]},
]
SESSION_211 = {
    "id": "101",
    "start_datetime": "2015-06-29T22:39:09Z",
    "end_datetime": "2015-06-29T23:50:16Z",
    "kwh": 41.00,
    "auth_id": "DE8ACC12E46L89",
    "auth_method": "WHITELIST",
    "location": SESSION_LOCATION_211,
    "meter_id": "METER-3256-01",
    "currency": "EUR",
    "charging_periods": CHARGING_PERIODS,
    "total_cost": 8.50,
    "status": "COMPLETED",
    "last_updated": "2015-06-29T23:09:10Z",
}
SESSION_221 = {
    "country_code": "BE",
    "party_id": "BEC",
    "id": "101",
    "start_date_time": "2015-06-29T22:39:09Z",
    "end_date_time": "2015-06-29T23:50:16Z",
    "kwh": 41.00,
    "cdr_token": CDR_TOKEN_221,
    "auth_method": "WHITELIST",
    "location_id": "LOC1",
    "evse_uid": "3256",
    "connector_id": "1",
    "meter_id": "METER-3256-01",
    "currency": "EUR",
    "charging_periods": CHARGING_PERIODS,
    "total_cost": {"excl_vat": 8.50},
    "status": "COMPLETED",
    "last_updated": "2015-06-29T23:09:10Z",
}

# --- Tariffs (2.1.1 mod_tariffs.md "Complex Tariff example"; 2.2.1 tariff_4_complex.json without VAT) -------------

_TARIFF = {
    "id": "11",
    "currency": "EUR",
    "tariff_alt_text": [
        {"language": "en", "text": "2.50 euro start, then per hour"},
        {"language": "nl", "text": "2,50 euro start, daarna per uur"},
    ],
    "tariff_alt_url": "https://company.com/tariffs/11",
    "elements": [
        {"price_components": [{"type": "FLAT", "price": 2.50, "step_size": 1}]},
        {"price_components": [{"type": "TIME", "price": 1.00, "step_size": 900}], "restrictions": {"max_power": 32.00}},
        {
            "price_components": [{"type": "TIME", "price": 2.00, "step_size": 600}],
            "restrictions": {
                "min_power": 32.00,
                "day_of_week": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
            },
        },
        {
            "price_components": [{"type": "TIME", "price": 1.25, "step_size": 600}],
            "restrictions": {"min_power": 32.00, "day_of_week": ["SATURDAY", "SUNDAY"]},
        },
        {
            "price_components": [{"type": "PARKING_TIME", "price": 5.00, "step_size": 300}],
            "restrictions": {
                "start_time": "09:00",
                "end_time": "18:00",
                "day_of_week": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
            },
        },
        {
            "price_components": [{"type": "PARKING_TIME", "price": 6.00, "step_size": 300}],
            "restrictions": {"start_time": "10:00", "end_time": "17:00", "day_of_week": ["SATURDAY"]},
        },
    ],
    "energy_mix": {
        "is_green_energy": True,
        "supplier_name": "Greenpeace Energy eG",
        "energy_product_name": "eco-power",
    },
    "last_updated": "2015-06-29T20:39:09Z",
}
TARIFF_211 = copy.deepcopy(_TARIFF)
TARIFF_221 = {"country_code": "BE", "party_id": "BEC", **copy.deepcopy(_TARIFF)}

# 2.1.1 "Simple Tariff example 2 euro per hour", as embedded in the CDR example.
TARIFF_12_211 = {
    "id": "12",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "TIME", "price": 2.00, "step_size": 300}]}],
    "last_updated": "2015-02-02T14:15:01Z",
}
TARIFF_12_221 = {"country_code": "BE", "party_id": "BEC", **copy.deepcopy(TARIFF_12_211)}

# --- CDRs (2.1.1 mod_cdrs.md example; 2.2.1 cdr_example.json) ------------------------------------------------------

CDR_CONNECTOR_211 = {
    "id": "1",
    "standard": "IEC_62196_T2",
    "format": "SOCKET",
    "power_type": "AC_1_PHASE",
    "voltage": 230,
    "amperage": 64,
    "tariff_id": "12",
    "last_updated": "2015-06-29T21:39:01Z",
}
CDR_LOCATION_211 = {
    "id": "LOC1",
    "type": "ON_STREET",
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
            "status": "AVAILABLE",
            "connectors": [CDR_CONNECTOR_211],
            "last_updated": "2015-06-29T21:39:01Z",
        }
    ],
    "time_zone": "Europe/Brussels",
    "last_updated": "2015-06-29T21:39:01Z",
}
CDR_LOCATION_221 = {
    "id": "LOC1",
    "name": "Gent Zuid",
    "address": "F.Rooseveltlaan 3A",
    "city": "Gent",
    "postal_code": "9000",
    "country": "BEL",
    "coordinates": {"latitude": "51.047599", "longitude": "3.729944"},
    "evse_uid": "3256",
    "evse_id": "BE-BEC-E041503003",
    "connector_id": "1",
    "connector_standard": "IEC_62196_T2",
    "connector_format": "SOCKET",
    "connector_power_type": "AC_1_PHASE",
}
CDR_PERIODS = [{"start_date_time": "2015-06-29T21:39:09Z", "dimensions": [{"type": "TIME", "volume": 1.973}]}]
CDR_211 = {
    "id": "12345",
    "start_date_time": "2015-06-29T21:39:09Z",
    "stop_date_time": "2015-06-29T23:37:32Z",
    "auth_id": "DE8ACC12E46L89",
    "auth_method": "WHITELIST",
    "location": CDR_LOCATION_211,
    "meter_id": "METER-3256-01",
    "currency": "EUR",
    "tariffs": [TARIFF_12_211],
    "charging_periods": CDR_PERIODS,
    "total_cost": 4.00,
    "total_energy": 15.342,
    "total_time": 1.973,
    "total_parking_time": 0.0,
    "remark": "Stopped by the driver",
    "last_updated": "2015-06-29T22:01:13Z",
}
CDR_221 = {
    "country_code": "BE",
    "party_id": "BEC",
    "id": "12345",
    "start_date_time": "2015-06-29T21:39:09Z",
    "end_date_time": "2015-06-29T23:37:32Z",
    "cdr_token": CDR_TOKEN_221,
    "auth_method": "WHITELIST",
    "cdr_location": CDR_LOCATION_221,
    "meter_id": "METER-3256-01",
    "currency": "EUR",
    "tariffs": [TARIFF_12_221],
    "charging_periods": CDR_PERIODS,
    "total_cost": {"excl_vat": 4.00},
    "total_energy": 15.342,
    "total_time": 1.973,
    "total_parking_time": 0.0,
    "remark": "Stopped by the driver",
    "last_updated": "2015-06-29T22:01:13Z",
}

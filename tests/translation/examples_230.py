"""OCPI 2.3.0 objects from the spec's own examples (examples/*.json on the release-2.3.0-bugfixes branch, values as
there), each beside its 2.2.1 equivalent (the 2.2.1 branch's example of the same name where it says the same, else
the 2.3.0 one in 2.2.1's shape), for the translation's 2.3.0 table tests. A `*_230` / `*_221` pair translates into
each other with nothing lost unless a comment says what 2.2.1 cannot hold.

Helpers: `to_230` (2.2.1 -> 2.3.0), `to_221` (2.3.0 -> 2.2.1), `from_211` (2.1.1 -> 2.3.0) and `to_211` (2.3.0 ->
2.1.1) call `translate`; `changed` and `without` (from tests.translation.examples) make the variants.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.translation.examples import changed, without
from translation import Context, Translated, translate


def to_230(kind: str, value: Any, context: Context | None = None, partial: bool = False) -> Translated:
    """2.2.1 -> 2.3.0."""
    return translate(kind, value, "2.2.1", "2.3.0", context or Context(), partial)


def to_221(kind: str, value: Any, context: Context | None = None, partial: bool = False) -> Translated:
    """2.3.0 -> 2.2.1."""
    return translate(kind, value, "2.3.0", "2.2.1", context or Context(), partial)


def from_211(kind: str, value: Any, context: Context | None = None, partial: bool = False) -> Translated:
    """2.1.1 -> 2.3.0 (through 2.2.1)."""
    return translate(kind, value, "2.1.1", "2.3.0", context or Context(), partial)


def to_211(kind: str, value: Any, context: Context | None = None, partial: bool = False) -> Translated:
    """2.3.0 -> 2.1.1 (through 2.2.1)."""
    return translate(kind, value, "2.3.0", "2.1.1", context or Context(), partial)


def evse_without_parking(location: dict) -> dict:
    """A 2.3.0 Location in 2.2.1's shape: without parking_places, and its EVSEs without `parking`."""
    out = without(location, "parking_places")
    out["evses"] = [without(evse, "parking") for evse in out["evses"]]
    return out


# --- Locations ----------------------------------------------------------------------------------------------------

# location_example.json (2.3.0): the 2.2.1 example with parking_type PARKING_GARAGE, and parking places (AFIR).
LOCATION_230 = {
    "country_code": "BE",
    "party_id": "BEC",
    "id": "LOC1",
    "publish": True,
    "name": "Gent Zuid",
    "address": "F.Rooseveltlaan 3A",
    "city": "Gent",
    "postal_code": "9000",
    "country": "BEL",
    "coordinates": {"latitude": "51.047599", "longitude": "3.729944"},
    "parking_type": "PARKING_GARAGE",
    "evses": [
        {
            "uid": "3256",
            "evse_id": "BE*BEC*E041503001",
            "status": "AVAILABLE",
            "capabilities": ["RESERVABLE"],
            "connectors": [
                {
                    "id": "1",
                    "standard": "IEC_62196_T2",
                    "format": "CABLE",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 220,
                    "max_amperage": 16,
                    "tariff_ids": ["11"],
                    "last_updated": "2015-03-16T10:10:02Z",
                },
                {
                    "id": "2",
                    "standard": "IEC_62196_T2",
                    "format": "SOCKET",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 220,
                    "max_amperage": 16,
                    "tariff_ids": ["13"],
                    "last_updated": "2015-03-18T08:12:01Z",
                },
            ],
            "parking": [{"parking_id": "1", "evse_position": "LEFT"}, {"parking_id": "2", "evse_position": "RIGHT"}],
            "physical_reference": "1",
            "floor_level": "-1",
            "last_updated": "2015-06-28T08:12:01Z",
        },
        {
            "uid": "3257",
            "evse_id": "BE*BEC*E041503002",
            "status": "RESERVED",
            "capabilities": ["RESERVABLE"],
            "connectors": [
                {
                    "id": "1",
                    "standard": "IEC_62196_T2",
                    "format": "SOCKET",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 220,
                    "max_amperage": 16,
                    "tariff_ids": ["12"],
                    "last_updated": "2015-06-29T20:39:09Z",
                }
            ],
            "parking": [{"parking_id": "2", "evse_position": "LEFT"}, {"parking_id": "3", "evse_position": "RIGHT"}],
            "physical_reference": "2",
            "floor_level": "-2",
            "last_updated": "2015-06-29T20:39:09Z",
        },
    ],
    "parking_places": [
        {
            "id": "1",
            "physical_reference": "B1",
            "vehicle_types": ["PERSONAL_VEHICLE"],
            "reservation_required": False,
            "restricted_to_type": True,
        },
        {
            "id": "2",
            "physical_reference": "B2",
            "vehicle_types": ["PERSONAL_VEHICLE"],
            "reservation_required": False,
            "restricted_to_type": True,
        },
        {
            "id": "3",
            "physical_reference": "B3",
            "vehicle_types": ["PERSONAL_VEHICLE"],
            "reservation_required": False,
            "restricted_to_type": True,
        },
    ],
    "operator": {"name": "BeCharged"},
    "time_zone": "Europe/Brussels",
    "last_updated": "2015-06-29T20:39:09Z",
}
# 2.2.1 has no parking places: lost "parking_places", "evses[0].parking", "evses[1].parking".
LOCATION_221 = evse_without_parking(LOCATION_230)
LOCATION_PARKING_LOST = ("parking_places", "evses[0].parking", "evses[1].parking")

# location_example_parking_garage_opening_hours.json (2.3.0): one parking place, the EVSE at its centre.
PARKING_GARAGE_230 = {
    "country_code": "SE",
    "party_id": "EVC",
    "id": "cbb0df21-d17d-40ba-a4aa-dc588c8f98cb",
    "publish": True,
    "name": "P-Huset Leonard",
    "address": "Claesgatan 6",
    "city": "Malmö",
    "postal_code": "214 26",
    "country": "SWE",
    "coordinates": {"latitude": "55.590325", "longitude": "13.008307"},
    "parking_type": "PARKING_GARAGE",
    "evses": [
        {
            "uid": "eccb8dd9-4189-433e-b100-cc0945dd17dc",
            "evse_id": "SE*EVC*E000000123",
            "status": "AVAILABLE",
            "connectors": [
                {
                    "id": "1",
                    "standard": "IEC_62196_T2",
                    "format": "SOCKET",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 230,
                    "max_amperage": 32,
                    "last_updated": "2017-03-07T02:21:22Z",
                }
            ],
            "parking": [{"parking_id": "000e3877-87bf-473e-8e71-70d3aa6d64ea", "evse_position": "CENTER"}],
            "last_updated": "2017-03-07T02:21:22Z",
        }
    ],
    "parking_places": [
        {
            "id": "000e3877-87bf-473e-8e71-70d3aa6d64ea",
            "physical_reference": "A0",
            "vehicle_types": ["PERSONAL_VEHICLE"],
            "reservation_required": False,
            "restricted_to_type": True,
        }
    ],
    "time_zone": "Europe/Stockholm",
    "opening_times": {
        "twentyfourseven": False,
        "regular_hours": [
            {"weekday": weekday, "period_begin": "07:00", "period_end": "18:00"} for weekday in range(1, 8)
        ],
    },
    "charging_when_closed": True,
    "last_updated": "2017-03-07T02:21:22Z",
}
# The 2.2.1 branch's location_example_parking_garage_opening_hours.json.
PARKING_GARAGE_221 = evse_without_parking(PARKING_GARAGE_230)

# location_example_uc4_limited_visibility.json: the same in 2.2.1 and 2.3.0.
LIMITED_VISIBILITY = {
    "country_code": "NL",
    "party_id": "ALL",
    "id": "f76c2e0c-a6ef-4f67-bf23-6a187e5ca0e0",
    "publish": False,
    "publish_allowed_to": [
        {"visual_number": "12345-67", "issuer": "NewMotion"},
        {"visual_number": "0055375624", "issuer": "ANWB"},
        {"uid": "12345678905880", "type": "RFID"},
    ],
    "name": "Water State",
    "address": "Taco van der Veenplein 12",
    "city": "Leeuwarden",
    "postal_code": "8923 EM",
    "country": "NLD",
    "coordinates": {"latitude": "53.213763", "longitude": "5.804638"},
    "parking_type": "UNDERGROUND_GARAGE",
    "evses": [
        {
            "uid": "8c1b3487-61ac-40a7-a367-21eee99dbd90",
            "evse_id": "NL*ALL*EGO0000013",
            "status": "AVAILABLE",
            "connectors": [
                {
                    "id": "1",
                    "standard": "IEC_62196_T2",
                    "format": "SOCKET",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 230,
                    "max_amperage": 16,
                    "last_updated": "2019-09-27T00:19:45Z",
                }
            ],
            "last_updated": "2019-09-27T00:19:45Z",
        }
    ],
    "time_zone": "Europe/Amsterdam",
    "last_updated": "2019-09-27T00:19:45Z",
}

# location_example_uc2_destination_charger.json: the same in 2.2.1 and 2.3.0 (a CUSTOMERS parking restriction).
DESTINATION_CHARGER = {
    "country_code": "NL",
    "party_id": "ALF",
    "id": "3e7b39c2-10d0-4138-a8b3-8509a25f9920",
    "publish": True,
    "name": "ihomer",
    "address": "Tamboerijn 7",
    "city": "Etten-Leur",
    "postal_code": "4876 BS",
    "country": "NLD",
    "coordinates": {"latitude": "51.562787", "longitude": "4.638975"},
    "parking_type": "PARKING_LOT",
    "evses": [
        {
            "uid": "fd855359-bc81-47bb-bb89-849ae3dac89e",
            "evse_id": "NL*ALF*E000000001",
            "status": "AVAILABLE",
            "connectors": [
                {
                    "id": "1",
                    "standard": "IEC_62196_T2",
                    "format": "SOCKET",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 220,
                    "max_amperage": 16,
                    "last_updated": "2019-07-01T12:12:11Z",
                }
            ],
            "parking_restrictions": ["CUSTOMERS"],
            "last_updated": "2019-07-01T12:12:11Z",
        }
    ],
    "time_zone": "Europe/Amsterdam",
    "last_updated": "2019-07-01T12:12:11Z",
}

# location_energymix_example_complete.json: the same in both versions.
ENERGY_MIX = {
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
}

EVSE_3256_230 = LOCATION_230["evses"][0]
EVSE_3256_221 = LOCATION_221["evses"][0]
CONNECTOR_1_230 = EVSE_3256_230["connectors"][0]

# --- Sessions -----------------------------------------------------------------------------------------------------

CDR_TOKEN = {
    "country_code": "NL",
    "party_id": "TST",
    "uid": "123abc",
    "type": "RFID",
    "contract_id": "NL-TST-C12345678-S",
}

# session_example_1_simple_start.json
SESSION_1_230 = {
    "country_code": "NL",
    "party_id": "STK",
    "id": "101",
    "start_date_time": "2020-03-09T10:17:09Z",
    "kwh": 0.0,
    "cdr_token": CDR_TOKEN,
    "auth_method": "WHITELIST",
    "location_id": "LOC1",
    "evse_uid": "3256",
    "connector_id": "1",
    "currency": "EUR",
    "total_cost": {"before_taxes": 2.5},
    "status": "PENDING",
    "last_updated": "2020-03-09T10:17:09Z",
}
SESSION_1_221 = changed(SESSION_1_230, total_cost={"excl_vat": 2.5})

_PERIODS = [
    {
        "start_date_time": "2015-06-29T22:39:09Z",
        "dimensions": [{"type": "ENERGY", "volume": 120}, {"type": "MAX_CURRENT", "volume": 30}],
    },
    {
        "start_date_time": "2015-06-29T22:40:54Z",
        "dimensions": [{"type": "ENERGY", "volume": 41000}, {"type": "MIN_CURRENT", "volume": 34}],
    },
    {
        "start_date_time": "2015-06-29T23:07:09Z",
        "dimensions": [{"type": "PARKING_TIME", "volume": 0.718}],
        "tariff_id": "12",
    },
]
# session_example_2_short_finished.json
SESSION_2_230 = {
    "country_code": "BE",
    "party_id": "BEC",
    "id": "101",
    "start_date_time": "2015-06-29T22:39:09Z",
    "end_date_time": "2015-06-29T23:50:16Z",
    "kwh": 41.12,
    "cdr_token": CDR_TOKEN,
    "auth_method": "WHITELIST",
    "location_id": "LOC1",
    "evse_uid": "3256",
    "connector_id": "1",
    "currency": "EUR",
    "charging_periods": _PERIODS,
    "total_cost": {"before_taxes": 8.50, "taxes": [{"name": "VAT", "amount": 0.85}]},
    "status": "COMPLETED",
    "last_updated": "2015-06-29T23:50:17Z",
}
SESSION_2_221 = changed(SESSION_2_230, total_cost={"excl_vat": 8.50, "incl_vat": 9.35})

# session_patch_example_charging_period.json and session_patch_example_total_cost.json (PATCH bodies)
SESSION_PATCH_PERIOD_230 = {
    "kwh": 15.00,
    "charging_periods": [
        {"start_date_time": "2019-06-23T08:16:02Z", "dimensions": [{"type": "ENERGY", "volume": 2200}]}
    ],
    "total_cost": {"before_taxes": 0.80, "taxes": [{"name": "VAT", "amount": 0.08}]},
    "last_updated": "2019-06-23T08:16:02Z",
}
SESSION_PATCH_PERIOD_221 = changed(SESSION_PATCH_PERIOD_230, total_cost={"excl_vat": 0.80, "incl_vat": 0.88})
SESSION_PATCH_COST_230 = {
    "total_cost": {"before_taxes": 0.60, "taxes": [{"name": "VAT", "amount": 0.06}]},
    "last_updated": "2019-06-23T08:11:00Z",
}
SESSION_PATCH_COST_221 = changed(SESSION_PATCH_COST_230, total_cost={"excl_vat": 0.60, "incl_vat": 0.66})

# --- Tariffs ------------------------------------------------------------------------------------------------------

# tariff_1_simple_2hour.json
TARIFF_1_230 = {
    "country_code": "DE",
    "party_id": "ALL",
    "id": "12",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "TIME", "price": 2.00, "vat": 10.0, "step_size": 60}]}],
    "tax_included": "NO",
    "last_updated": "2015-06-29T20:39:09Z",
}
TARIFF_1_221 = without(TARIFF_1_230, "tax_included")

# tariff_6_025kwh_start_max_price.json
TARIFF_6_230 = {
    "country_code": "DE",
    "party_id": "ALL",
    "id": "16",
    "currency": "EUR",
    "max_price": {"before_taxes": 10.00, "after_taxes": 11.00},
    "elements": [
        {
            "price_components": [
                {"type": "FLAT", "price": 0.50, "vat": 20.0, "step_size": 1},
                {"type": "ENERGY", "price": 0.25, "vat": 10.0, "step_size": 1},
            ]
        }
    ],
    "tax_included": "NO",
    "end_date_time": "2019-06-30T23:59:59Z",
    "last_updated": "2018-12-17T17:15:01Z",
}
TARIFF_6_221 = changed(without(TARIFF_6_230, "tax_included"), max_price={"excl_vat": 10.00, "incl_vat": 11.00})

# tariff_12_025kwh_min_price.json
TARIFF_12_230 = {
    "country_code": "DE",
    "party_id": "ALL",
    "id": "20",
    "currency": "EUR",
    "min_price": {"before_taxes": 0.50, "after_taxes": 0.55},
    "elements": [{"price_components": [{"type": "ENERGY", "price": 0.25, "vat": 10.0, "step_size": 1}]}],
    "tax_included": "NO",
    "last_updated": "2018-12-17T16:45:21Z",
}
TARIFF_12_221 = changed(without(TARIFF_12_230, "tax_included"), min_price={"excl_vat": 0.50, "incl_vat": 0.55})

# tariff_14_step_size.json: no `vat` anywhere, and NO all the same in 2.3.0.
TARIFF_14_230 = {
    "country_code": "DE",
    "party_id": "ALL",
    "id": "22",
    "currency": "EUR",
    "elements": [
        {
            "price_components": [
                {"type": "TIME", "price": 1.20, "step_size": 1800},
                {"type": "PARKING_TIME", "price": 1.00, "step_size": 900},
            ],
            "restrictions": {"start_time": "00:00", "end_time": "17:00"},
        },
        {
            "price_components": [
                {"type": "TIME", "price": 2.40, "step_size": 900},
                {"type": "PARKING_TIME", "price": 1.00, "step_size": 900},
            ],
            "restrictions": {"start_time": "17:00", "end_time": "20:00"},
        },
        {
            "price_components": [{"type": "TIME", "price": 2.40, "step_size": 900}],
            "restrictions": {"start_time": "20:00", "end_time": "00:00"},
        },
    ],
    "tax_included": "NO",
    "last_updated": "2018-12-18T17:07:11Z",
}
TARIFF_14_221 = without(TARIFF_14_230, "tax_included")

# tariff_15_reservation_5_euro_per_hour.json
TARIFF_15_230 = {
    "country_code": "DE",
    "party_id": "ALL",
    "id": "20",
    "currency": "EUR",
    "elements": [
        {
            "price_components": [{"type": "TIME", "price": 5.00, "vat": 20.0, "step_size": 60}],
            "restrictions": {"reservation": "RESERVATION"},
        },
        {
            "price_components": [
                {"type": "FLAT", "price": 0.50, "vat": 20.0, "step_size": 1},
                {"type": "ENERGY", "price": 0.25, "vat": 10.0, "step_size": 1},
            ]
        },
    ],
    "tax_included": "NO",
    "last_updated": "2019-02-03T17:00:11Z",
}
TARIFF_15_221 = without(TARIFF_15_230, "tax_included")

# tariff_19_simple_north_american_exclusive.json: taxes come on top, at rates the CPO does not know.
TARIFF_19_230 = {
    "country_code": "CA",
    "party_id": "FLO",
    "id": "12",
    "currency": "CAD",
    "elements": [{"price_components": [{"type": "TIME", "price": 2.00, "step_size": 1}]}],
    "tax_included": "NO",
    "last_updated": "2024-12-05T18:30:14Z",
}
TARIFF_19_221 = without(TARIFF_19_230, "tax_included")

# tariff_20_simple_north_american_inclusive.json: the prices include taxes, which 2.2.1 cannot say (refused).
TARIFF_20_230 = changed(TARIFF_19_230, tax_included="YES")
TARIFF_20_230["elements"][0]["price_components"][0]["price"] = 2.10

# tariff_put_example.json (a PUT body, without last_updated)
TARIFF_PUT_230 = {
    "country_code": "DE",
    "party_id": "ALL",
    "id": "12",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "TIME", "price": 2.00, "vat": 10.0, "step_size": 300}]}],
    "tax_included": "NO",
}
TARIFF_PUT_221 = without(TARIFF_PUT_230, "tax_included")

# --- CDRs ---------------------------------------------------------------------------------------------------------

# The Tariff cdr_example.json embeds: without tax_included, which 2.3.0 requires (the spec's example omits it).
_CDR_TARIFF_230 = {
    "country_code": "BE",
    "party_id": "BEC",
    "id": "12",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "TIME", "price": 2.00, "vat": 10.0, "step_size": 300}]}],
    "last_updated": "2024-05-02T14:15:01Z",
}
# cdr_example.json (its coordinates have latitude and longitude swapped: kept as the spec has them)
CDR_230 = {
    "country_code": "BE",
    "party_id": "BEC",
    "id": "12345",
    "start_date_time": "2024-12-05T17:39:09Z",
    "end_date_time": "2024-12-05T19:37:32Z",
    "cdr_token": {
        "country_code": "DE",
        "party_id": "TNM",
        "uid": "012345678",
        "type": "RFID",
        "contract_id": "DE8ACC12E46L89",
    },
    "auth_method": "WHITELIST",
    "cdr_location": {
        "id": "LOC1",
        "name": "Gent Zuid",
        "address": "F.Rooseveltlaan 3A",
        "city": "Gent",
        "postal_code": "9000",
        "country": "BEL",
        "coordinates": {"latitude": "3.729944", "longitude": "51.047599"},
        "evse_uid": "3256",
        "evse_id": "BE*BEC*E041503003",
        "connector_id": "1",
        "connector_standard": "IEC_62196_T2",
        "connector_format": "SOCKET",
        "connector_power_type": "AC_1_PHASE",
    },
    "currency": "EUR",
    "tariffs": [_CDR_TARIFF_230],
    "charging_periods": [
        {
            "start_date_time": "2024-12-05T17:39:09Z",
            "dimensions": [{"type": "TIME", "volume": 1.973}],
            "tariff_id": "12",
        }
    ],
    "total_cost": {"before_taxes": 4.00, "taxes": [{"name": "VAT", "amount": 0.40}]},
    "total_energy": 15.342,
    "total_time": 1.973,
    "total_time_cost": {"before_taxes": 4.00, "taxes": [{"name": "VAT", "amount": 0.40}]},
    "last_updated": "2024-12-05T20:02:13Z",
}
# The same CDR with its Tariff complete (tax_included NO): what a 2.2.1 CDR becomes.
CDR_230_COMPLETE = changed(CDR_230, tariffs=[{**_CDR_TARIFF_230, "tax_included": "NO"}])
CDR_221 = changed(
    CDR_230,
    total_cost={"excl_vat": 4.00, "incl_vat": 4.40},
    total_time_cost={"excl_vat": 4.00, "incl_vat": 4.40},
)

# --- Tokens (the same in 2.2.1 and 2.3.0) -------------------------------------------------------------------------

# token_example_1_app_user.json
TOKEN_APP_USER = {
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
# token_example_2_full_rfid.json
TOKEN_FULL_RFID = {
    "country_code": "DE",
    "party_id": "TNM",
    "uid": "12345678905880",
    "type": "RFID",
    "contract_id": "DE8ACC12E46L89",
    "visual_number": "DF000-2001-8999-1",
    "issuer": "TheNewMotion",
    "group_id": "DF000-2001-8999",
    "valid": True,
    "whitelist": "ALLOWED",
    "language": "it",
    "default_profile_type": "GREEN",
    "energy_contract": {"supplier_name": "Greenpeace Energy eG", "contract_id": "0123456789"},
    "last_updated": "2018-12-10T17:25:10Z",
}
# token_patch_example.json
TOKEN_PATCH = {"valid": False, "last_updated": "2019-06-19T02:11:11Z"}
# A Plug & Charge token (2.3.0 TokenType EMAID): OTHER to 2.2.1.
TOKEN_EMAID_230 = changed(TOKEN_FULL_RFID, uid="DE8ACC12E46L89", type="EMAID")
TOKEN_EMAID_221 = changed(TOKEN_EMAID_230, type="OTHER")

# --- Payments (2.3.0 only) ----------------------------------------------------------------------------------------

# payment_terminal_create.json
TERMINAL = {
    "terminal_id": "452cf8a1-79aa-4a0e-9aee-dc788586053c",
    "address": "Street 1",
    "city": "Vienna",
    "country": "AUT",
    "coordinates": {"latitude": "51.047599", "longitude": "3.729944"},
    "customer_reference": "ChargePoint",
    "invoice_base_url": "https://somecompany.com/invoices",
    "invoice_creator": "CPO",
    "location_ids": [],
    "last_updated": "2018-12-10T17:16:15Z",
}
# payment_financial_advice_confirmation_create.json (its total_costs in 2.2.1's Price shape, as the spec has it)
FINANCIAL_ADVICE_CONFIRMATION = {
    "id": "452cf8a1-79aa-4a0e-9aee-dc788586053c",
    "authorization_reference": "pp-100100-1948213567",
    "total_costs": {"excl_vat": 4.00, "incl_vat": 4.40},
    "currency": "EUR",
    "eft_data": ["Mastercard", "AID: 1234", "Crypto: 3456", "Nr: **** **** **** 1234", "SEQ: 00", "Amount: EUR 4.40"],
    "capture_status_code": "SUCCESS",
    "capture_status_message": "Capture successfull at PSP",
    "last_updated": "2018-12-10T17:16:15Z",
}


def deep(value: Any) -> Any:
    return copy.deepcopy(value)

"""Locations: Location, EVSE and Connector (2.1.1 mod_locations.md, 2.2.1 mod_locations.asciidoc).

What changed (2.2.1 changelog, "Changes between OCPI 2.1.1 and 2.2"): the Location got an owner
(`country_code`, `party_id`), `publish` (required) and `publish_allowed_to`, `state`; `type` (LocationType) became
the optional `parking_type` (ParkingType: no OTHER/UNKNOWN, new ON_DRIVEWAY/ALONG_MOTORWAY); `time_zone` became
required and `postal_code` optional; ids shrank from 39 to 36 characters. The Connector's `voltage`/`amperage` became
`max_voltage`/`max_amperage`, `tariff_id` the list `tariff_ids`, and it got `max_electric_power`. Capability,
ConnectorType, Facility and PowerType got new values.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from translation.common import (
    additional_geo_location,
    business_details,
    display_text,
    energy_mix,
    geo_location,
    hours,
    image,
    status_schedule,
)
from translation.context import Context
from translation.fields import (
    DROPPED,
    NOT_AVAILABLE,
    Enum,
    Refused,
    Run,
    at,
    datetimes,
    drop,
    field,
    fits,
    insert_after,
    item,
    items,
    number,
    numbers,
    owner,
    rename,
    same_id,
    values,
    whole_object,
)

ID_LENGTH = 36  # Location.id and EVSE.uid: 2.1.1 allowed 39, 2.2.1 allows 36

CAPABILITY = Enum(
    "Capability",
    v211=values(
        "CHARGING_PROFILE_CAPABLE",
        "CREDIT_CARD_PAYABLE",
        "REMOTE_START_STOP_CAPABLE",
        "RESERVABLE",
        "RFID_READER",
        "UNLOCK_CAPABLE",
    ),
    v221=values(
        "CHARGING_PROFILE_CAPABLE",
        "CHARGING_PREFERENCES_CAPABLE",
        "CHIP_CARD_SUPPORT",
        "CONTACTLESS_CARD_SUPPORT",
        "CREDIT_CARD_PAYABLE",
        "DEBIT_CARD_PAYABLE",
        "PED_TERMINAL",
        "REMOTE_START_STOP_CAPABLE",
        "RESERVABLE",
        "RFID_READER",
        "START_SESSION_CONNECTOR_REQUIRED",
        "TOKEN_GROUP_CAPABLE",
        "UNLOCK_CAPABLE",
    ),
)

_FACILITIES_211 = (
    "HOTEL",
    "RESTAURANT",
    "CAFE",
    "MALL",
    "SUPERMARKET",
    "SPORT",
    "RECREATION_AREA",
    "NATURE",
    "MUSEUM",
    "BUS_STOP",
    "TAXI_STAND",
    "TRAIN_STATION",
    "AIRPORT",
    "CARPOOL_PARKING",
    "FUEL_STATION",
    "WIFI",
)
# No sound replacement for the new ones: a tram stop is not a bus stop, a metro station not a train station.
FACILITY = Enum(
    "Facility",
    v211=values(*_FACILITIES_211),
    v221=values(*_FACILITIES_211, "BIKE_SHARING", "PARKING_LOT", "TRAM_STOP", "METRO_STATION"),
)

_CONNECTOR_TYPES_211 = (
    "CHADEMO",
    *(f"DOMESTIC_{letter}" for letter in "ABCDEFGHIJKL"),
    "IEC_60309_2_single_16",
    "IEC_60309_2_three_16",
    "IEC_60309_2_three_32",
    "IEC_60309_2_three_64",
    "IEC_62196_T1",
    "IEC_62196_T1_COMBO",
    "IEC_62196_T2",
    "IEC_62196_T2_COMBO",
    "IEC_62196_T3A",
    "IEC_62196_T3C",
    "TESLA_R",
    "TESLA_S",
)
CONNECTOR_TYPE = Enum(
    "ConnectorType",
    v211=values(*_CONNECTOR_TYPES_211),
    v221=values(
        *_CONNECTOR_TYPES_211,
        "CHAOJI",
        "DOMESTIC_M",
        "DOMESTIC_N",
        "DOMESTIC_O",
        "GBT_AC",
        "GBT_DC",
        "NEMA_5_20",
        "NEMA_6_30",
        "NEMA_6_50",
        "NEMA_10_30",
        "NEMA_10_50",
        "NEMA_14_30",
        "NEMA_14_50",
        "PANTOGRAPH_BOTTOM_UP",
        "PANTOGRAPH_TOP_DOWN",
    ),
)

# Two phases are neither one nor three: a 2.1.1 receiver would compute the connector's power wrong either way.
POWER_TYPE = Enum(
    "PowerType",
    v211=values("AC_1_PHASE", "AC_3_PHASE", "DC"),
    v221=values("AC_1_PHASE", "AC_2_PHASE", "AC_2_PHASE_SPLIT", "AC_3_PHASE", "DC"),
)

LOCATION_TYPES_211 = values("ON_STREET", "PARKING_GARAGE", "UNDERGROUND_GARAGE", "PARKING_LOT", "OTHER", "UNKNOWN")


def location(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        fits(out, "id", ID_LENGTH, run, path)
        out = owner(out, run, path, what="Location")
        rename(out, "type", "parking_type", run, path, convert=_parking_type)
        if not run.partial:
            if "publish" not in out:
                insert_after(out, "id", "publish", True)  # 2.1.1 has no unpublished Locations
            if not out.get("time_zone"):
                run.refuse(f"{at(path, 'time_zone')} is missing: OCPI 2.2.1 requires it")
    else:
        if out.get("publish") is False:
            run.refuse(
                f"{at(path, 'publish')} is false: OCPI 2.1.1 cannot say that a Location must not be published, so "
                "a 2.1.1 receiver would show it"
            )
        drop(out, ("publish",), run, path, silently=True)
        drop(out, ("publish_allowed_to", "state"), run, path)
        out = owner(out, run, path, what="Location")
        rename(out, "parking_type", "type", run, path, convert=_location_type)
        if not run.partial:
            if "type" not in out:
                insert_after(out, "id", "type", "UNKNOWN")  # 2.1.1's "not known by the operator (default)"
            if "postal_code" not in out:
                insert_after(out, "city", "postal_code", "")  # 2.2.1 omits it only where there is none
    items(out, "evses", evse, run, path, drop_refused=True)
    field(out, "coordinates", geo_location, run, path)
    items(out, "related_locations", additional_geo_location, run, path)
    items(out, "directions", display_text, run, path)
    for name in ("operator", "suboperator", "owner"):
        field(out, name, business_details, run, path)
    field(out, "facilities", FACILITY.each, run, path)
    field(out, "opening_times", hours, run, path)
    items(out, "images", image, run, path)
    field(out, "energy_mix", energy_mix, run, path)
    datetimes(out, ("last_updated",), run)
    return out


def _parking_type(value: Any, run: Run, path: str) -> Any:
    """2.1.1 LocationType -> 2.2.1 ParkingType: the same names, but no OTHER or UNKNOWN (2.2.1 leaves the field
    out instead). OTHER said something ("none of the given possibilities"), UNKNOWN nothing."""
    if value is None or value == "UNKNOWN":
        return DROPPED
    if value == "OTHER":
        run.lose(path)
        return DROPPED
    return value


def _location_type(value: Any, run: Run, path: str) -> Any:
    """2.2.1 ParkingType -> 2.1.1 LocationType: ON_DRIVEWAY, ALONG_MOTORWAY (and values neither version knows) are
    OTHER, "none of the given possibilities"."""
    if value is None:
        return DROPPED
    if value in LOCATION_TYPES_211:
        return value
    run.lose(path)
    return "OTHER"


def evse(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        fits(out, "uid", ID_LENGTH, run, path)
    items(out, "status_schedule", status_schedule, run, path)
    field(out, "capabilities", CAPABILITY.each, run, path)
    connectors = out.get("connectors")
    items(out, "connectors", connector, run, path, drop_refused=True)
    if isinstance(connectors, list) and connectors and not out["connectors"]:
        connector(connectors[0], run.whole(), item(at(path, "connectors"), 0))  # refuses, with the first one's reason
    field(out, "coordinates", geo_location, run, path)
    items(out, "directions", display_text, run, path)
    items(out, "images", image, run, path)
    datetimes(out, ("last_updated",), run)
    return out


def connector(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        rename(out, "voltage", "max_voltage", run, path, convert=_number, required=True)
        rename(out, "amperage", "max_amperage", run, path, convert=_number, required=True)
        rename(out, "tariff_id", "tariff_ids", run, path, convert=_tariff_ids)
    else:
        rename(out, "max_voltage", "voltage", run, path, convert=_number, required=True)
        rename(out, "max_amperage", "amperage", run, path, convert=_number, required=True)
        rename(out, "tariff_ids", "tariff_id", run, path, convert=_first_tariff_id)
        drop(out, ("max_electric_power",), run, path)
        field(out, "standard", CONNECTOR_TYPE.required, run, path)
        field(out, "power_type", POWER_TYPE.required, run, path)
    numbers(out, ("max_electric_power",), run)
    datetimes(out, ("last_updated",), run)
    return out


def _number(value: Any, run: Run, path: str) -> Any:
    return number(value, run)


def _tariff_ids(value: Any, run: Run, path: str) -> Any:
    if value is None:
        return DROPPED
    return [value] if isinstance(value, str) else value


def _first_tariff_id(value: Any, run: Run, path: str) -> Any:
    """2.1.1 has room for one tariff id: the first is kept (2.2.1 allows one tariff of each type at a time, so the
    first is the CPO's own choice of order)."""
    if not isinstance(value, list):
        return DROPPED if value is None else value
    if not value:
        return DROPPED
    if len(value) > 1:
        run.lose(path)
    return value[0]


# --- the Location a 2.1.1 Session or CDR embeds -------------------------------------------------------------------


def one_evse_and_connector(location_211: dict, run: Run, path: str) -> tuple[dict | None, dict | None]:
    """The EVSE and Connector a 2.1.1 Session or CDR embeds in its Location ("including only the relevant EVSE and
    Connector"); None where there is none. More than one: which is meant is unknown, so refuse."""
    evses = [evse for evse in location_211.get("evses") or () if isinstance(evse, dict)]
    if len(evses) > 1:
        run.refuse(f"{at(path, 'evses')} holds {len(evses)} EVSEs: which one the session used is unknown")
    if not evses:
        return None, None
    connectors = [connector for connector in evses[0].get("connectors") or () if isinstance(connector, dict)]
    if len(connectors) > 1:
        where = at(item(at(path, "evses"), 0), "connectors")
        run.refuse(f"{where} holds {len(connectors)} connectors: which one the session used is unknown")
    return evses[0], connectors[0] if connectors else None


def stored_location(run: Run, location_id: Any) -> dict | None:
    """The 2.1.1 Location the hub passed in `Context.stored` (itself, or in a stored Session's or CDR's
    `location`), when it is the one named. A 2.2.1 Location (it has `publish`, which 2.1.1 lacks) is translated
    here, where `publish` does not matter: a Session or CDR goes to the eMSP whose driver charged there, it
    publishes nothing. None when there is none, or it cannot be given in 2.1.1."""
    stored = run.context.stored
    if isinstance(stored, dict) and isinstance(stored.get("location"), dict):
        stored = stored["location"]
    if not isinstance(stored, dict) or not same_id(stored.get("id"), location_id):
        return None
    if "publish" not in stored:
        return stored
    embedding = dataclasses.replace(run, context=Context(quirks=run.quirks), partial=False, lost=[])
    try:
        return location({**stored, "publish": True}, embedding, "")
    except Refused:
        return None


def reduced(location_211: dict, evse_uid: Any, connector_id: Any) -> dict | None:
    """The Location with only the EVSE and Connector named (what 2.1.1 embeds), None when it does not have them.
    #NA (2.2.1: no EVSE or connector assigned yet, a reservation) keeps no EVSE, or all its connectors."""
    if evse_uid == NOT_AVAILABLE:
        return {**location_211, "evses": []}
    evses = location_211.get("evses") or ()
    found = next((evse for evse in evses if isinstance(evse, dict) and same_id(evse.get("uid"), evse_uid)), None)
    if found is None:
        return None
    connectors = [connector for connector in found.get("connectors") or () if isinstance(connector, dict)]
    if connector_id != NOT_AVAILABLE:
        connectors = [connector for connector in connectors if same_id(connector.get("id"), connector_id)]
        if not connectors:
            return None
    return {**location_211, "evses": [{**found, "connectors": connectors}]}

"""CDRs: CDR, ChargingPeriod, CdrDimension, AuthMethod (2.1.1 mod_cdrs.md, 2.2.1 mod_cdrs.asciidoc).

What changed: the CDR got an owner (`country_code`, `party_id`), `session_id`, `authorization_reference`,
`signed_data`, `invoice_reference_id`, credit CDRs (`credit`, `credit_reference_id`), `home_charging_compensation`
and Price totals per dimension; `stop_date_time` became `end_date_time`; `auth_id` became `cdr_token`; the full
`location` became the flat `cdr_location` (CdrLocation); `total_cost` became a Price; the id grew from 36 to 39
(credit CDRs append to the original id). The ChargingPeriod got `tariff_id`; CdrDimensionType lost FLAT and got
CURRENT, ENERGY_EXPORT, ENERGY_IMPORT, MAX_POWER, MIN_POWER, POWER, RESERVATION_TIME and STATE_OF_CHARGE;
AuthMethod got COMMAND.
"""

from __future__ import annotations

from typing import Any

from translation.common import geo_location
from translation.fields import (
    NOT_AVAILABLE,
    Enum,
    Run,
    at,
    datetime_211,
    datetimes,
    drop,
    field,
    fits,
    item,
    items,
    numbers,
    owner,
    price,
    rename,
    values,
    whole_object,
)
from translation.locations import (
    CONNECTOR_TYPE,
    ID_LENGTH,
    POWER_TYPE,
    one_evse_and_connector,
    reduced,
    stored_location,
)
from translation.tariffs import tariff
from translation.tokens import read_token_reference

CDR_ID_LENGTH_211 = 36  # 2.2.1 allows 39 (credit CDRs)

# The eMSP authorized a command's token: to 2.1.1 that is an authorization request.
AUTH_METHOD = Enum(
    "AuthMethod",
    v211=values("AUTH_REQUEST", "WHITELIST"),
    v221=values("AUTH_REQUEST", "COMMAND", "WHITELIST"),
    to_211={"COMMAND": "AUTH_REQUEST"},
)

# No sound replacements: power is not current, reserving is not parking, and FLAT "is of no use on a CDR".
CDR_DIMENSION_TYPE = Enum(
    "CdrDimensionType",
    v211=values("ENERGY", "FLAT", "MAX_CURRENT", "MIN_CURRENT", "PARKING_TIME", "TIME"),
    v221=values(
        "CURRENT",
        "ENERGY",
        "ENERGY_EXPORT",
        "ENERGY_IMPORT",
        "MAX_CURRENT",
        "MIN_CURRENT",
        "MAX_POWER",
        "MIN_POWER",
        "PARKING_TIME",
        "POWER",
        "RESERVATION_TIME",
        "STATE_OF_CHARGE",
        "TIME",
    ),
)

# The CdrLocation fields taken as they are from a 2.1.1 Location (and given back to one).
_LOCATION_FIELDS = ("id", "name", "address", "city", "postal_code", "country", "coordinates")
# Every field of a Location, EVSE or Connector in either version: what is not among them passes through.
_KNOWN_LOCATION_FIELDS = frozenset(
    {
        *_LOCATION_FIELDS,
        *("country_code", "party_id", "publish", "publish_allowed_to", "state", "type", "parking_type"),
        *("related_locations", "evses", "directions", "operator", "suboperator", "owner", "facilities"),
        *("time_zone", "opening_times", "charging_when_closed", "images", "energy_mix", "last_updated"),
    }
)
_CDR_LOCATION_FIELDS = frozenset(
    {
        *_LOCATION_FIELDS,
        *("state", "evse_uid", "evse_id", "connector_id", "connector_standard", "connector_format"),
        "connector_power_type",
    }
)
_TOTALS_221 = ("total_fixed_cost", "total_energy_cost", "total_time_cost", "total_parking_cost")


def cdr_dimension(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "type", CDR_DIMENSION_TYPE.required, run, path)
    numbers(out, ("volume",), run)
    return out


def charging_period(value: Any, run: Run, path: str) -> Any:
    """A period keeps the dimensions the target has (the others are recorded as lost); one with none left is
    refused (a period has at least one), which costs a Session or CDR only that period."""
    out = whole_object(value)
    if out is None:
        return value
    dimensions = out.get("dimensions")
    items(out, "dimensions", cdr_dimension, run, path, drop_refused=True)
    if isinstance(dimensions, list) and dimensions and not out["dimensions"]:
        cdr_dimension(dimensions[0], run.whole(), item(at(path, "dimensions"), 0))  # refuses, with its reason
    if not run.up:
        drop(out, ("tariff_id",), run, path)
    datetimes(out, ("start_date_time",), run)
    return out


def charging_periods(out: dict, run: Run, path: str, *, required: bool) -> None:
    periods = out.get("charging_periods")
    items(out, "charging_periods", charging_period, run, path, drop_refused=True)
    if required and isinstance(periods, list) and periods and not out["charging_periods"]:
        charging_period(periods[0], run.whole(), item(at(path, "charging_periods"), 0))  # refuses, with its reason


def cdr(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if not run.up:
        if out.get("credit") is True:
            run.refuse(
                "a credit CDR: OCPI 2.1.1 has none, and a 2.1.1 receiver would take it for another charging session"
            )
        fits(out, "id", CDR_ID_LENGTH_211, run, path)
    out = owner(out, run, path, what="CDR")
    if run.up:
        lenient = run.quirks.other_version_field_names or run.quirks.cdr_end_date_time
        rename(out, "stop_date_time", "end_date_time", run, path, required=True, lenient=lenient)
        read_token_reference(out, run, path)
        rename(out, "location", "cdr_location", run, path, convert=_cdr_location, required=True)
        items(out, "tariffs", tariff, run, path)
    else:
        rename(out, "end_date_time", "stop_date_time", run, path, required=True)
        if run.context.receiver_quirks.cdr_end_date_time and "stop_date_time" in out:
            out["end_date_time"] = out["stop_date_time"]  # a receiver that reads (and requires) the 2.2.1 name
        read_token_reference(out, run, path)
        drop(out, ("session_id", "authorization_reference", "signed_data", *_TOTALS_221), run, path)
        drop(out, ("total_reservation_cost", "invoice_reference_id", "credit_reference_id"), run, path)
        drop(out, ("credit", "home_charging_compensation"), run, path)

        def to_location(value: Any, run: Run, where: str) -> Any:
            return _location_211(value, run, where, at(path, "location"), out.get("last_updated"))

        rename(out, "cdr_location", "location", run, path, convert=to_location, required=True)
        items(out, "tariffs", tariff, run, path, drop_refused=True)  # informative: the totals are what counts
    field(out, "auth_method", AUTH_METHOD.required, run, path)
    charging_periods(out, run, path, required=True)
    field(out, "total_cost", price, run, path)
    numbers(out, ("total_energy", "total_time", "total_parking_time"), run)
    datetimes(out, ("start_date_time", "stop_date_time", "last_updated"), run)
    return out


def _cdr_location(value: Any, run: Run, path: str) -> Any:
    """A 2.1.1 CDR's Location (one EVSE, one Connector) as a 2.2.1 CdrLocation. What a CdrLocation has no place
    for (the type, the operator, voltage, ...) is not recorded as lost: 2.2.1 reduced the CDR to references on
    purpose, and the Locations module still has all of it. Fields neither version knows pass into the
    CdrLocation."""
    location_211 = whole_object(value)
    if location_211 is None:
        return value
    if "evses" not in location_211 and "evse_uid" in location_211:
        return location_211  # already a CdrLocation: read under other_version_field_names
    fits(location_211, "id", ID_LENGTH, run, path)
    evse, connector = one_evse_and_connector(location_211, run, path)
    if evse is None or connector is None:
        run.refuse(f"{path} has no EVSE with a connector: a 2.2.1 cdr_location names both")
    fits(evse, "uid", ID_LENGTH, run, item(at(path, "evses"), 0))
    cdr_location = {name: location_211[name] for name in _LOCATION_FIELDS if name in location_211}
    cdr_location.update(
        {
            "evse_uid": evse.get("uid"),
            "evse_id": evse.get("evse_id") or NOT_AVAILABLE,  # optional in a 2.1.1 EVSE, required here
            "connector_id": connector.get("id"),
            "connector_standard": connector.get("standard"),
            "connector_format": connector.get("format"),
            "connector_power_type": connector.get("power_type"),
        }
    )
    cdr_location.update({key: kept for key, kept in location_211.items() if key not in _KNOWN_LOCATION_FIELDS})
    field(cdr_location, "coordinates", geo_location, run, path)
    return cdr_location


def _location_211(value: Any, run: Run, path: str, target: str, last_updated: Any) -> Any:
    """A 2.2.1 CdrLocation (at `path`) as the Location a 2.1.1 CDR embeds (at `target` in the body): one EVSE with
    one Connector. The hub's stored 2.1.1 Location (Context.stored), when it has them, gives what a CdrLocation does
    not say; without it the EVSE's status is UNKNOWN and the Connector's voltage and amperage are 0, recorded as
    lost. The CdrLocation's own values win: a CDR keeps the Location as it was when the session started."""
    cdr_location = whole_object(value)
    if cdr_location is None:
        return value
    if "evses" in cdr_location:
        return cdr_location  # already a Location: read under other_version_field_names
    evse_uid, connector_id = cdr_location.get("evse_uid"), cdr_location.get("connector_id")
    stored = stored_location(run, cdr_location.get("id"))
    base = reduced(stored, evse_uid, connector_id) if stored is not None else None
    updated = datetime_211(last_updated)
    if base is not None:
        location_211 = dict(base)
    elif stored is not None:  # the Location, but without that EVSE or Connector
        location_211 = {**stored, "evses": []}
    else:
        location_211 = {"id": cdr_location.get("id"), "type": "UNKNOWN"}
    location_211.update({name: cdr_location[name] for name in _LOCATION_FIELDS if name in cdr_location})
    location_211.setdefault("postal_code", "")  # 2.2.1 omits it only where there is none
    drop(cdr_location, ("state",), run, path)
    location_211.update({key: kept for key, kept in cdr_location.items() if key not in _CDR_LOCATION_FIELDS})
    evses = [dict(evse) for evse in location_211.get("evses") or ()]
    if evse_uid != NOT_AVAILABLE:
        evse = evses[0] if evses else {"uid": evse_uid, "status": "UNKNOWN", "connectors": []}
        if cdr_location.get("evse_id") and cdr_location["evse_id"] != NOT_AVAILABLE:
            evse["evse_id"] = cdr_location["evse_id"]
        if connector_id != NOT_AVAILABLE:
            evse["connectors"] = [_connector_211(cdr_location, evse.get("connectors"), run, path, target, updated)]
        evse.setdefault("last_updated", updated)
        evses = [evse]
    location_211["evses"] = evses
    location_211.setdefault("last_updated", updated)
    field(location_211, "coordinates", geo_location, run, target)
    return location_211


def _connector_211(cdr_location: dict, known: Any, run: Run, path: str, target: str, updated: Any) -> dict:
    connector = dict(known[0]) if isinstance(known, list) and known else {"id": cdr_location.get("connector_id")}
    for name in ("standard", "format", "power_type"):
        if f"connector_{name}" in cdr_location:
            connector[name] = cdr_location[f"connector_{name}"]
    for name, enum in (("standard", CONNECTOR_TYPE), ("power_type", POWER_TYPE)):
        if name in connector:
            connector[name] = enum.required(connector[name], run, at(path, f"connector_{name}"))
    for name in ("voltage", "amperage"):  # required in 2.1.1; a CdrLocation does not say
        if connector.get(name) is None:
            connector[name] = 0
            run.lose(at(item(at(item(at(target, "evses"), 0), "connectors"), 0), name))
    connector.setdefault("last_updated", updated)
    return connector

"""Locations between 2.2.1 and 2.3.0: Location, EVSE, Connector, and the new Parking and EVSEParking
(mod_locations.asciidoc).

What changed (2.3.0 changelog and the diff of mod_locations): the Location got `parking_places` (Parking objects,
for the AFIR reports to National Access Points) and `help_phone`; the EVSE got `parking` (EVSEParking links to
those places) and `accepted_service_providers`; the Connector got `capabilities` (ConnectorCapability: ISO 15118
Plug & Charge). Capability, ConnectorType, Facility, ParkingRestriction, ParkingType (and ImageCategory,
EnvironmentalImpactCategory, TokenType) became OpenEnums; ConnectorType got MCS and SAE_J3400, ParkingRestriction
EMPLOYEES, TAXIS and TENANTS. Towards 2.3.0 nothing changes: every 2.2.1 Location is a 2.3.0 one.
"""

from __future__ import annotations

from typing import Any

from translation.fields import (
    Run,
    at,
    drop,
    field,
    item,
    items,
    only_in,
    values,
    whole_object,
)
from translation.locations import CAPABILITY as CAPABILITY_221
from translation.locations import CONNECTOR_TYPE as CONNECTOR_TYPE_221
from translation.locations import FACILITY as FACILITY_221
from translation.v230.common import business_details, energy_mix, image
from translation.v230.tokens import TOKEN_TYPE
from translation.v230.values import OpenEnum

# New ones cannot be replaced: a megawatt truck plug is not a CCS plug, a J3400 (NACS) plug not a Tesla "Model S"
# one (mechanically alike, but it speaks another protocol). Required: such a connector is not given to 2.2.1.
CONNECTOR_TYPE = OpenEnum("ConnectorType", v221=CONNECTOR_TYPE_221.v221)
CAPABILITY = OpenEnum("Capability", v221=CAPABILITY_221.v221)
FACILITY = OpenEnum("Facility", v221=FACILITY_221.v221)
PARKING_TYPE = OpenEnum(
    "ParkingType",
    v221=values("ALONG_MOTORWAY", "PARKING_GARAGE", "PARKING_LOT", "ON_DRIVEWAY", "ON_STREET", "UNDERGROUND_GARAGE"),
)
# Who may charge at the EVSE. A restriction 2.2.1 cannot say (employees, taxis, tenants only) is not dropped: the
# EVSE would look open to every driver. Such an EVSE is not given to 2.2.1.
PARKING_RESTRICTION = OpenEnum(
    "ParkingRestriction", v221=values("EV_ONLY", "PLUGGED", "DISABLED", "CUSTOMERS", "MOTORCYCLES")
)

_LOCATION_230_ONLY = ("parking_places", "help_phone")
_EVSE_230_ONLY = ("parking", "accepted_service_providers")
_CONNECTOR_230_ONLY = ("capabilities",)

parking = only_in("Parking", "2.3.0")
evse_parking = only_in("EVSEParking", "2.3.0")


def location(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if not run.up:
        drop(out, _LOCATION_230_ONLY, run, path)
        field(out, "parking_type", PARKING_TYPE.convert, run, path)
        field(out, "facilities", FACILITY.each, run, path)
        items(out, "publish_allowed_to", _publish_token, run, path, drop_refused=True)
    items(out, "evses", evse, run, path, drop_refused=True)
    for name in ("operator", "suboperator", "owner"):
        field(out, name, business_details, run, path)
    items(out, "images", image, run, path)
    field(out, "energy_mix", energy_mix, run, path)
    return out


def _publish_token(value: Any, run: Run, path: str) -> Any:
    """A PublishTokenType whose TokenType 2.2.1 lacks cannot match a 2.2.1 token (and `type` is required beside
    `uid`): it is left out, which shows the Location to fewer drivers, never to more."""
    out = whole_object(value)
    if out is None:
        return value
    kind = out.get("type")
    if isinstance(kind, str) and kind not in TOKEN_TYPE.v221:
        run.refuse(f"{at(path, 'type')}: TokenType {kind} does not exist in OCPI 2.2.1")
    return out


def evse(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if not run.up:
        drop(out, _EVSE_230_ONLY, run, path)
        field(out, "capabilities", CAPABILITY.each, run, path)
        restrictions = out.get("parking_restrictions")
        for restriction in restrictions if isinstance(restrictions, list) else ():
            if isinstance(restriction, str) and restriction not in PARKING_RESTRICTION.v221:
                run.refuse(
                    f"{at(path, 'parking_restrictions')}: {restriction} does not exist in OCPI 2.2.1, and without "
                    "it the EVSE would look open to every driver"
                )
    connectors = out.get("connectors")
    items(out, "connectors", connector, run, path, drop_refused=True)
    if isinstance(connectors, list) and connectors and not out["connectors"]:
        connector(connectors[0], run.whole(), item(at(path, "connectors"), 0))  # refuses, with the first one's reason
    items(out, "images", image, run, path)
    return out


def connector(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if not run.up:
        drop(out, _CONNECTOR_230_ONLY, run, path)
        field(out, "standard", CONNECTOR_TYPE.required, run, path)
    return out

"""Sessions: the Session object (2.1.1 mod_sessions.md, 2.2.1 mod_sessions.asciidoc).

What changed: the Session got an owner (`country_code`, `party_id`) and `authorization_reference`;
`start_datetime`/`end_datetime` became `start_date_time`/`end_date_time`; `auth_id` became `cdr_token`; the full
`location` became `location_id`, `evse_uid` and `connector_id`; `total_cost` became a Price; SessionStatus got
RESERVATION. (ChargingPeriod and AuthMethod are the CDR module's: translation.cdrs.)
"""

from __future__ import annotations

from typing import Any

from translation.cdrs import AUTH_METHOD, charging_periods
from translation.fields import (
    NOT_AVAILABLE,
    Enum,
    Run,
    at,
    datetimes,
    drop,
    field,
    fits,
    informative,
    numbers,
    owner,
    price,
    rename,
    replace_with,
    values,
    whole_object,
)
from translation.locations import ID_LENGTH, one_evse_and_connector, reduced, stored_location
from translation.tokens import read_token_reference

# "Pending, it has not yet started ... might never become an active session": what a reservation is to 2.1.1.
SESSION_STATUS = Enum(
    "SessionStatus",
    v211=values("ACTIVE", "COMPLETED", "INVALID", "PENDING"),
    v221=values("ACTIVE", "COMPLETED", "INVALID", "PENDING", "RESERVATION"),
    to_211={"RESERVATION": "PENDING"},
)

REFERENCES = ("location_id", "evse_uid", "connector_id")


def session(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    out = owner(out, run, path, what="Session")
    if run.up:
        rename(out, "start_datetime", "start_date_time", run, path, required=True)
        rename(out, "end_datetime", "end_date_time", run, path)
        read_token_reference(out, run, path)
        _references(out, run, path)
    else:
        rename(out, "start_date_time", "start_datetime", run, path, required=True)
        rename(out, "end_date_time", "end_datetime", run, path)
        read_token_reference(out, run, path)
        drop(out, ("authorization_reference",), run, path)
        _embedded_location(out, run, path)
        field(out, "status", SESSION_STATUS.required, run, path)
    field(out, "auth_method", AUTH_METHOD.required, run, path)
    numbers(out, ("kwh",), run)
    charging_periods(out, run, path, required=False)
    field(out, "total_cost", price, run, path)
    datetimes(out, ("start_datetime", "end_datetime", "last_updated"), run)
    return out


def _references(out: dict, run: Run, path: str) -> None:
    """The 2.1.1 `location` (with only the session's EVSE and Connector) -> location_id, evse_uid, connector_id.
    The rest of that Location is not recorded as lost: 2.2.1 replaced it by references on purpose. A Location
    without an EVSE or Connector (allowed in 2.1.1) gives #NA, 2.2.1's "no data available"."""
    lenient = run.quirks.other_version_field_names
    if "location" not in out:
        if lenient and "location_id" in out:
            for name in ("location_id", "evse_uid"):
                fits(out, name, ID_LENGTH, run, path)
            return
        drop(out, REFERENCES, run, path)
        if not run.partial:
            run.refuse(f"{at(path, 'location')} is missing (required in OCPI 2.1.1)")
        return
    drop(out, REFERENCES, run, path)  # 2.2.1 names beside the 2.1.1 Location: the Location says
    location_211 = out["location"]
    where = at(path, "location")
    if not isinstance(location_211, dict):
        run.refuse(f"{where} is not a Location")
    fits(location_211, "id", ID_LENGTH, run, where)
    evse, connector = one_evse_and_connector(location_211, run, where)
    references = {
        "location_id": location_211.get("id"),
        "evse_uid": evse.get("uid") if evse else NOT_AVAILABLE,
        "connector_id": connector.get("id") if connector else NOT_AVAILABLE,
    }
    fits(references, "evse_uid", ID_LENGTH, run, where)
    replace_with(out, "location", references)


def _embedded_location(out: dict, run: Run, path: str) -> None:
    """location_id, evse_uid, connector_id -> the full 2.1.1 Location, reduced to that EVSE and Connector. It cannot
    be built from ids: the hub passes the 2.1.1 Location as Context.stored, else the Session is refused. A PATCH
    that names only some of the three cannot say where the session moved: refused too."""
    present = [name for name in REFERENCES if name in out]
    if "location" in out:
        if run.quirks.other_version_field_names and not present:
            return  # already a 2.1.1 Location
        value = out.pop("location")
        if informative(value):
            run.lose(at(path, "location"))
    if not present:
        if not run.partial:
            run.refuse(f"{at(path, 'location_id')} is missing (required in OCPI 2.2.1)")
        return
    if len(present) < len(REFERENCES):
        run.refuse(f"a Session PATCH with only {', '.join(present)}: OCPI 2.1.1 needs the whole Location")
    location_id = out["location_id"]
    stored = stored_location(run, location_id)
    if stored is None:
        run.refuse(
            f"a 2.1.1 Session embeds its full Location: the hub has not given the 2.1.1 Location {location_id!r}"
        )
    embedded = reduced(stored, out["evse_uid"], out["connector_id"])
    if embedded is None:
        run.refuse(
            f"the Location {location_id!r} the hub gave has no EVSE {out['evse_uid']!r} with connector "
            f"{out['connector_id']!r}"
        )
    replace_with(out, present[0], {"location": embedded})
    for name in present[1:]:
        out.pop(name, None)

"""Keeping the hub's copy of broadcast objects current: a PUT replaces, a PATCH replaces the fields it carries, at
the level the URL names (Location, EVSE or Connector). Pure functions on decoded JSON."""

from __future__ import annotations

from typing import Any

from routing.datetimes import parse_datetime


def merge_push(
    module: str, method: str, stored: dict[str, Any] | None, levels: list[str], body: dict[str, Any]
) -> dict[str, Any] | None:
    """The object after applying a push at `levels` (the URL segments after country code and party id: object id,
    then for locations EVSE uid and connector id). None when it cannot be applied (a PATCH or a child object for an
    object the hub has not seen)."""
    if not levels:
        return None
    if len(levels) == 1:
        if method == "PUT":
            return body
        return None if stored is None else {**stored, **body}
    if module != "locations" or stored is None or len(levels) > 3:
        return None
    location = dict(stored)
    evses = _list(location.get("evses"))
    index = _find(evses, "uid", levels[1])
    if len(levels) == 2:
        if method == "PUT":
            evse = body
        elif index is None:
            return None
        else:
            evse = {**evses[index], **body}
        _put(evses, index, evse)
    else:
        if index is None:
            return None
        evse = dict(evses[index])
        connectors = _list(evse.get("connectors"))
        connector_index = _find(connectors, "id", levels[2])
        if method == "PUT":
            connector = body
        elif connector_index is None:
            return None
        else:
            connector = {**connectors[connector_index], **body}
        _put(connectors, connector_index, connector)
        evse["connectors"] = connectors
        evse["last_updated"] = _latest(evse.get("last_updated"), body.get("last_updated"))
        _put(evses, index, evse)
    location["evses"] = evses
    # OCPI: a Location's last_updated is when it "or one of its EVSEs or Connectors" last changed.
    location["last_updated"] = _latest(location.get("last_updated"), body.get("last_updated"))
    return location


def _list(value: Any) -> list:
    return list(value) if isinstance(value, list) else []


def _find(items: list[dict], key: str, value: str) -> int | None:
    for index, item in enumerate(items):
        if isinstance(item, dict) and str(item.get(key)) == value:
            return index
    return None


def _put(items: list, index: int | None, item: dict) -> None:
    if index is None:
        items.append(item)
    else:
        items[index] = item


def _latest(first: Any, second: Any) -> Any:
    if not isinstance(first, str):
        return second
    if not isinstance(second, str):
        return first
    try:
        return second if parse_datetime(second) > parse_datetime(first) else first
    except (ValueError, OverflowError):
        return first


IDENTITY_FIELD = {"locations": "id", "tariffs": "id", "tokens": "uid"}
CHILD_IDENTITY_FIELD = ("uid", "id")  # an EVSE's, then a Connector's


def identity_mismatch(
    module: str, country_code: str, party_id: str, levels: list[str], document: dict[str, Any]
) -> str | None:
    """Why a pushed body may not be kept as the object its URL names (its owner's or object's id differs from the
    URL's: the hub's copy would be another's), or None."""
    if len(levels) == 1:
        expected = {"country_code": country_code, "party_id": party_id, IDENTITY_FIELD[module]: levels[0]}
    else:
        expected = {CHILD_IDENTITY_FIELD[len(levels) - 2]: levels[-1]}
    for field, value in expected.items():
        given = document.get(field)
        if given is not None and str(given).upper() != value.upper():
            return f"the body's {field} {given!r} does not match the URL's {value!r}"
    return None

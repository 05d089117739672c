"""The classes several modules share (2.1.1 types.md and mod_locations.md section 4; 2.2.1 types.asciidoc and
mod_locations.asciidoc "Data types"): DisplayText, Image, BusinessDetails, GeoLocation, AdditionalGeoLocation,
EnergyMix, Hours and the periods inside it, StatusSchedule.

Most are the same in both versions. What differs: EnvironmentalImpact's `source` is `category` in 2.2.1; Hours is a
choice between `twentyfourseven` and `regular_hours` in 2.1.1 and always has `twentyfourseven` in 2.2.1; 2.1.1
coordinates have exactly 6 decimals (2.2.1: 5 to 7); 2.1.1 DateTimes have no fractional seconds.
"""

from __future__ import annotations

from typing import Any

from translation.fields import (
    Run,
    copy,
    datetimes,
    field,
    items,
    rename,
    six_decimals,
    whole_object,
)

display_text = copy  # {language, text} in both versions
energy_source = copy  # {source, percentage} in both versions (the EnergySourceCategory values are the same)
regular_hours = copy  # {weekday, period_begin, period_end} in both versions


def image(value: Any, run: Run, path: str) -> Any:
    """The same fields in both versions (2.2.1 made `type` a CiString; the ImageCategory values are the same)."""
    return copy(value, run, path)


def business_details(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "logo", image, run, path)
    return out


def geo_location(value: Any, run: Run, path: str) -> Any:
    """{latitude, longitude} strings in both versions; towards 2.1.1 with the 6 decimals its pattern requires."""
    out = whole_object(value)
    if out is None or run.up:
        return out if out is not None else value
    for name in ("latitude", "longitude"):
        if name in out:
            out[name] = six_decimals(out[name])
    return out


def additional_geo_location(value: Any, run: Run, path: str) -> Any:
    out = geo_location(value, run, path)
    if isinstance(out, dict):
        field(out, "name", display_text, run, path)
    return out


def environmental_impact(value: Any, run: Run, path: str) -> Any:
    """2.1.1 {source, amount}, 2.2.1 {category, amount} (the changelog: a copy/paste error of an older version)."""
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        rename(out, "source", "category", run, path, required=True)
    else:
        rename(out, "category", "source", run, path, required=True)
    return out


def energy_mix(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    items(out, "energy_sources", energy_source, run, path)
    items(out, "environ_impact", environmental_impact, run, path)
    return out


def exceptional_period(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    datetimes(out, ("period_begin", "period_end"), run)
    return out


def status_schedule(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    datetimes(out, ("period_begin", "period_end"), run)
    return out


def hours(value: Any, run: Run, path: str) -> Any:
    """2.1.1 Hours is "one of two": `regular_hours` or `twentyfourseven`; 2.2.1 always requires `twentyfourseven`
    (regular_hours only when it is false). Towards 2.2.1 a missing `twentyfourseven` is false when regular hours are
    given and true when none are (2.1.1: regular hours "should not be set for representing 24/7"). Towards 2.1.1 the
    2.2.1 object is already a valid 2.1.1 one (the 2.1.1 spec's own example sends both fields)."""
    out = whole_object(value)
    if out is None:
        return value
    if run.up and not run.partial and "twentyfourseven" not in out:
        out["twentyfourseven"] = not out.get("regular_hours")
    items(out, "regular_hours", regular_hours, run, path)
    items(out, "exceptional_openings", exceptional_period, run, path)
    items(out, "exceptional_closings", exceptional_period, run, path)
    return out

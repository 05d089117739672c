"""The shared classes between 2.2.1 and 2.3.0 (types.asciidoc; mod_locations.asciidoc "Data types"): DisplayText,
Image, BusinessDetails, GeoLocation, AdditionalGeoLocation, EnergyMix, Hours and the periods inside it,
StatusSchedule.

What changed: ImageCategory and EnvironmentalImpactCategory became OpenEnums (no new values). Everything else is the
same in both versions: a copy.
"""

from __future__ import annotations

from typing import Any

from translation.fields import Run, copy, field, items, values, whole_object
from translation.v230.values import OpenEnum

display_text = copy
energy_source = copy  # EnergySourceCategory stayed a closed enum, with the same values
regular_hours = copy
exceptional_period = copy
status_schedule = copy
geo_location = copy
additional_geo_location = copy  # {latitude, longitude, name?: DisplayText}

# A category 2.2.1 does not know is still an image: OTHER, "other".
IMAGE_CATEGORY = OpenEnum(
    "ImageCategory",
    v221=values("CHARGER", "ENTRANCE", "LOCATION", "NETWORK", "OPERATOR", "OTHER", "OWNER"),
    other_221="OTHER",
)
# No catch-all: an amount of something 2.2.1 cannot name is left out (of EnergyMix.environ_impact).
ENVIRONMENTAL_IMPACT_CATEGORY = OpenEnum("EnvironmentalImpactCategory", v221=values("NUCLEAR_WASTE", "CARBON_DIOXIDE"))


def image(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "category", IMAGE_CATEGORY.required, run, path)
    return out


def business_details(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "logo", image, run, path)
    return out


def environmental_impact(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "category", ENVIRONMENTAL_IMPACT_CATEGORY.required, run, path)
    return out


def energy_mix(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    items(out, "environ_impact", environmental_impact, run, path, drop_refused=True)
    return out


def hours(value: Any, run: Run, path: str) -> Any:
    """The same in both versions (2.2.1 already required `twentyfourseven`)."""
    return copy(value, run, path)

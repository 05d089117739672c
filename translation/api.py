"""`translate`: the one entry point, and the registries of what it can translate (KINDS), one per pair of
neighbouring versions: CONVERTERS (2.1.1 <-> 2.2.1) and translation.v230.CONVERTERS (2.2.1 <-> 2.3.0); 2.1.1 <->
2.3.0 chains the two (translation.chain).

Every converter handles both directions of its pair (it asks `run.up`); this module adds what holds for every kind:
the same version is no translation, a list is translated item by item, `quirks.single_object_in_list` unwraps, and
a refusal becomes `Translated.refused`. A kind one pair lacks (a 2.3.0 Parking between 2.1.1 and 2.2.1) is refused
there.
"""

from __future__ import annotations

from typing import Any

from translation import cdrs, commands, common, fields, locations, sessions, tariffs, tokens, v230
from translation.chain import chained
from translation.context import Context, Translated
from translation.fields import V211, V221, V230, VERSIONS, Convert, Refused, Run, each

CONVERTERS: dict[str, Convert] = {
    # locations
    "location": locations.location,
    "evse": locations.evse,
    "connector": locations.connector,
    # sessions and CDRs
    "session": sessions.session,
    "cdr": cdrs.cdr,
    "charging_period": cdrs.charging_period,
    "cdr_dimension": cdrs.cdr_dimension,
    # tariffs
    "tariff": tariffs.tariff,
    "tariff_element": tariffs.tariff_element,
    "price_component": tariffs.price_component,
    "tariff_restrictions": tariffs.tariff_restrictions,
    # tokens
    "token": tokens.token,
    "authorization_info": tokens.authorization_info,
    "location_references": tokens.location_references,
    # commands
    "start_session": commands.start_session,
    "stop_session": commands.stop_session,
    "reserve_now": commands.reserve_now,
    "unlock_connector": commands.unlock_connector,
    "cancel_reservation": commands.cancel_reservation,
    "command_response": commands.command_response,
    "command_result": commands.command_result,
    # the shared classes
    "price": fields.price,
    "display_text": common.display_text,
    "business_details": common.business_details,
    "image": common.image,
    "energy_mix": common.energy_mix,
    "energy_source": common.energy_source,
    "environmental_impact": common.environmental_impact,
    "hours": common.hours,
    "regular_hours": common.regular_hours,
    "exceptional_period": common.exceptional_period,
    "status_schedule": common.status_schedule,
    "geo_location": common.geo_location,
    "additional_geo_location": common.additional_geo_location,
    # 2.3.0 classes: a PriceLimit is a 2.2.1 Price (Tariff min_price, max_price), the others 2.3.0's own
    "price_limit": fields.price,
}
# The kinds only 2.3.0 has (Parking, EVSEParking, TaxAmount, Payments) refuse here as they do there.
CONVERTERS.update({kind: v230.CONVERTERS[kind] for kind in v230.ONLY_230})

PAIRS: dict[tuple[str, str], dict[str, Convert]] = {(V211, V221): CONVERTERS, (V221, V230): v230.CONVERTERS}

KINDS: tuple[str, ...] = tuple(dict.fromkeys([*CONVERTERS, *v230.CONVERTERS]))


def converter(kind: str, source: str, target: str) -> Convert:
    """The converter of `kind` from `source` to `target` (different versions)."""
    older, newer = sorted((source, target), key=VERSIONS.index)
    if (older, newer) in PAIRS:
        return PAIRS[older, newer][kind]
    if source == V211:
        return chained(kind, CONVERTERS[kind], v230.CONVERTERS[kind], source, target)
    return chained(kind, v230.CONVERTERS[kind], CONVERTERS[kind], source, target)


def without_nulls(value: Any) -> Any:
    """`value` with every object member whose value is null left out, at any depth (quirks.null_means_absent)."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


_NO_CONTEXT = Context()


def translate(
    kind: str, value: Any, source: str, target: str, context: Context = _NO_CONTEXT, partial: bool = False
) -> Translated:
    """`value` (a `kind` in OCPI `source`'s shape, decoded JSON) in OCPI `target`'s shape. `partial`: a PATCH body,
    of which only the fields present are converted. A list is translated item by item; an item that cannot be is
    left out and its index recorded as lost ("[3]"). Raises ValueError for an unknown kind or version (a bug of the
    caller, not of the message)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; the kinds are: {', '.join(KINDS)}")
    for version in (source, target):
        if version not in VERSIONS:
            raise ValueError(f"unknown OCPI version {version!r}; the versions are: {', '.join(VERSIONS)}")
    if source == target:
        return Translated(body=value)
    convert = converter(kind, source, target)
    if context.quirks.null_means_absent:
        value = without_nulls(value)
    if isinstance(value, list) and context.one_object:
        if not context.quirks.single_object_in_list:
            return Translated(
                body=None,
                refused=f"one {kind} expected, not a list (the quirk single_object_in_list tolerates one in a list)",
            )
        if len(value) != 1:
            return Translated(body=None, refused=f"one {kind} expected; the platform sent a list of {len(value)}")
        value = value[0]
    run = Run(source=source, target=target, context=context, partial=partial)
    try:
        if value is None:
            body = None
        elif isinstance(value, list):
            body = each(value, convert, run, "", drop_refused=True)
        else:
            body = convert(value, run, "")
    except Refused as refusal:
        return Translated(body=None, refused=refusal.reason)
    return Translated(body=body, lost=tuple(run.lost))

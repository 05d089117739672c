"""Tariffs: Tariff, TariffElement, PriceComponent, TariffRestrictions (2.1.1 mod_tariffs.md, 2.2.1
mod_tariffs.asciidoc).

What changed: the Tariff got an owner (`country_code`, `party_id`), `type` (TariffType), `min_price`/`max_price`
and a validity period (`start_date_time`/`end_date_time`; the changelog calls them renamed from `start_datetime`,
but no 2.1.1 Tariff has them); the PriceComponent got `vat`; TariffRestrictions got `min_current`/`max_current` and
`reservation`. 2.2.1 has no Tariff PATCH: a 2.1.1 PATCH becomes a PUT of the whole Tariff. TariffDimensionType and
DayOfWeek are the same in both versions.
"""

from __future__ import annotations

from typing import Any

from translation.common import display_text, energy_mix
from translation.fields import (
    Run,
    at,
    datetimes,
    drop,
    field,
    item,
    items,
    numbers,
    owner,
    same_id,
    whole_object,
)

_TARIFF_221_ONLY = ("type", "min_price", "max_price", "start_date_time", "end_date_time")


def tariff(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    partial = run.partial
    out = owner(out, run, path, what="Tariff")
    items(out, "tariff_alt_text", display_text, run, path)
    if run.up:
        items(out, "elements", tariff_element, run, path)
    else:
        # Towards 2.1.1 a receiver takes every Tariff as valid now, for every session, at the prices it lists.
        drop(out, _TARIFF_221_ONLY, run, path)
        _elements_211(out, run, path)
    field(out, "energy_mix", energy_mix, run, path)
    datetimes(out, ("last_updated",), run)
    if run.up and partial:
        return _put_body(out, run)
    return out


def _elements_211(out: dict, run: Run, path: str) -> None:
    """Elements that price a reservation (`restrictions.reservation`) are left out: 2.1.1 cannot price a
    reservation, and those elements never apply to a charging session. A Tariff made only of them is refused."""
    elements = out.get("elements")
    if not isinstance(elements, list):
        return
    kept = []
    for index, element in enumerate(elements):
        where = item(at(path, "elements"), index)
        restrictions = element.get("restrictions") if isinstance(element, dict) else None
        if isinstance(restrictions, dict) and restrictions.get("reservation") is not None:
            run.lose(where)
        else:
            kept.append(tariff_element(element, run.whole(), where))
    if elements and not kept:
        run.refuse(f"every element of {path or 'this Tariff'} prices a reservation, which OCPI 2.1.1 cannot")
    out["elements"] = kept


def _put_body(patch: dict, run: Run) -> dict:
    """A 2.1.1 Tariff PATCH as the 2.2.1 PUT of the whole Tariff: the hub's stored 2.2.1 Tariff with the PATCH's
    fields (already translated) replacing its own."""
    stored = run.context.stored
    if not isinstance(stored, dict):
        run.refuse("OCPI 2.2.1 has no Tariff PATCH: the hub needs its stored 2.2.1 Tariff to send the whole Tariff")
    if "id" in patch and not same_id(patch["id"], stored.get("id")):
        run.refuse(f"the stored Tariff the hub gave is {stored.get('id')!r}, not {patch['id']!r}")
    return {**stored, **patch}


def tariff_element(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    items(out, "price_components", price_component, run, path)
    field(out, "restrictions", tariff_restrictions, run, path)
    return out


def price_component(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    numbers(out, ("price", "step_size"), run)
    if not run.up:
        drop(out, ("vat",), run, path)
    numbers(out, ("vat",), run)
    return out


def tariff_restrictions(value: Any, run: Run, path: str) -> Any:
    """Towards 2.1.1 a restriction by current cannot be said, and without it the element would apply at every
    current, first in the list: the receiver would show wrong prices, so it is refused. A reservation restriction
    (handled by the Tariff, which leaves such elements out) is refused here when a TariffRestrictions is translated
    alone."""
    out = whole_object(value)
    if out is None:
        return value
    if not run.up:
        for name in ("min_current", "max_current", "reservation"):
            if out.get(name) is not None:
                run.refuse(f"{at(path, name)}: OCPI 2.1.1 tariffs cannot restrict by {name.replace('_', ' ')}")
    numbers(
        out,
        ("min_kwh", "max_kwh", "min_current", "max_current", "min_power", "max_power", "min_duration", "max_duration"),
        run,
    )
    return out

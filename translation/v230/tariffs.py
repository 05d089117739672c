"""Tariffs between 2.2.1 and 2.3.0: Tariff, TariffElement, PriceComponent, TariffRestrictions (mod_tariffs.asciidoc).

What changed: the Tariff got `tax_included` (TaxIncluded, required: YES, NO or N/A) and `preauthorize_amount` (for
the Payments module's terminals), and `min_price`/`max_price` became PriceLimits `{before_taxes, after_taxes?}`. A
PriceComponent's `price` now includes taxes or not as `tax_included` says (2.2.1: always "excl. VAT"). The elements,
restrictions and every enum are the same.

`tax_included`:
- towards 2.3.0 it is NO: every 2.2.1 price excludes VAT ("Price per unit (excl. VAT)"), whether or not its
  component gives a `vat` (the spec's own examples: tariffs without `vat`, such as tariff_14_step_size.json, became
  NO in 2.3.0). Not recorded: it is what 2.2.1 says.
- towards 2.2.1 NO is what 2.2.1 means: dropped unrecorded. N/A ("no taxes are applicable") is dropped and
  recorded: 2.2.1 can only say, per component, that no VAT applies. YES is refused: a 2.2.1 receiver would read
  prices that include taxes as excluding VAT, and add VAT on top. Absent (the spec's own 2.3.0 CDR example embeds a
  Tariff without it) is read as NO.
"""

from __future__ import annotations

from typing import Any

from translation.fields import Run, at, copy, drop, field, insert_after, items, whole_object
from translation.v230.common import display_text, energy_mix
from translation.v230.values import price_limit

TAX_EXCLUDED = "NO"

tariff_element = copy  # {price_components, restrictions?}: the same in both versions
price_component = copy  # {type, price, vat?, step_size}; whether `price` includes taxes is the Tariff's to say
tariff_restrictions = copy


def tariff(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        if not run.partial and "tax_included" not in out:
            insert_after(out, "elements", "tax_included", TAX_EXCLUDED)
    else:
        _tax_included_221(out, run, path)
        drop(out, ("preauthorize_amount",), run, path)
    items(out, "tariff_alt_text", display_text, run, path)
    for name in ("min_price", "max_price"):
        field(out, name, price_limit, run, path)
    items(out, "elements", tariff_element, run, path)
    field(out, "energy_mix", energy_mix, run, path)
    return out


def _tax_included_221(out: dict, run: Run, path: str) -> None:
    if "tax_included" not in out:
        return
    where = at(path, "tax_included")
    included = out.pop("tax_included")
    if included is None or included == TAX_EXCLUDED:
        return
    if included == "N/A":
        run.lose(where)
        return
    if included == "YES":
        run.refuse(
            f"{where} is YES: OCPI 2.2.1 prices exclude VAT, so a 2.2.1 receiver would add VAT to prices that "
            "already include taxes"
        )
    run.refuse(f"{where} {included!r} is no TaxIncluded value: whether the prices include taxes is unknown")

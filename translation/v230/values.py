"""What the 2.2.1 <-> 2.3.0 converters share: OpenEnums, Price, PriceLimit (2.2.1 types.asciidoc, 2.3.0
types.asciidoc and mod_tariffs.asciidoc).

OpenEnum: 2.3.0 opened many enums ("the set of all possible values is not known at the time of writing"). Towards
2.3.0 every value passes: 2.3.0 has every 2.2.1 value, and a value neither knows is for a 2.3.0 receiver to judge.
Towards 2.2.1 (closed enums) a value 2.2.1 knows is kept; another is replaced by its 2.2.1 equivalent or catch-all
(recorded as lost), else dropped (recorded), else, for a required field, refused.

Price: 2.2.1 `{excl_vat, incl_vat?}`, 2.3.0 `{before_taxes, taxes?: TaxAmount[]}` with TaxAmount `{name, amount,
account_number?, percentage?}`. 2.2.1's `incl_vat` is the price including VAT, so towards 2.3.0 the difference is one
TaxAmount named "VAT" (what 2.2.1 says, not a placeholder: the spec's own examples make exactly this change).
Towards 2.2.1 `incl_vat` is `before_taxes` plus every tax; the breakdown (names other than one "VAT", percentages,
account numbers, several taxes) is recorded as lost at `taxes`. Amounts are added and subtracted as decimals (no
float noise: 8.50 + 0.85 is 9.35). PriceLimit (2.3.0 Tariff `min_price`/`max_price`) is `{before_taxes,
after_taxes?}`: the 2.2.1 Price's two fields renamed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from translation.fields import (
    DROPPED,
    Run,
    at,
    drop,
    informative,
    number,
    rename,
    replace_with,
    whole_object,
)

# The name of the one TaxAmount a 2.2.1 `incl_vat` stands for.
VAT = "VAT"


@dataclasses.dataclass(frozen=True)
class OpenEnum:
    """One enum of the 2.2.1 <-> 2.3.0 pair: its 2.2.1 values, the sound replacements of 2.3.0 values 2.2.1 lacks
    (`to_221`) and 2.2.1's catch-all (`other_221`: OTHER, where the enum has one)."""

    name: str
    v221: frozenset[str]
    to_221: Mapping[str, str] = dataclasses.field(default_factory=dict)
    other_221: str | None = None

    def convert(self, value: Any, run: Run, path: str, *, required: bool = False) -> Any:
        if run.up or not isinstance(value, str) or value in self.v221:
            return value
        replacement = self.to_221.get(value, self.other_221)
        if replacement is not None:
            run.lose(path)
            return replacement
        if required:
            run.refuse(f"{path}: {self.name} {value} does not exist in OCPI 2.2.1 and has no equivalent there")
        run.lose(path)
        return DROPPED

    def required(self, value: Any, run: Run, path: str) -> Any:
        return self.convert(value, run, path, required=True)

    def each(self, values: Any, run: Run, path: str) -> Any:
        """A list of values: one without a place is left out of the list, and the list's path recorded."""
        if not isinstance(values, list):
            return values
        converted = [self.convert(value, run, path) for value in values]
        return [value for value in converted if value is not DROPPED]


# --- money --------------------------------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _decimal(value: int | float) -> Decimal:
    return Decimal(str(value))


def _amount(total: Decimal, *operands: Any) -> int | float:
    """A sum or difference as JSON writes it: an int when every operand was one."""
    if all(isinstance(operand, int) for operand in operands):
        return int(total)
    return float(total)


def plus(first: Any, *others: Any) -> int | float | None:
    """`first` + `others` as decimals; None when one is not a number."""
    operands = (first, *others)
    if not all(is_number(operand) for operand in operands):
        return None
    try:
        return _amount(sum((_decimal(operand) for operand in operands), Decimal(0)), *operands)
    except InvalidOperation:
        return None


def minus(first: Any, second: Any) -> int | float | None:
    if not (is_number(first) and is_number(second)):
        return None
    try:
        return _amount(_decimal(first) - _decimal(second), first, second)
    except InvalidOperation:
        return None


def price(value: Any, run: Run, path: str) -> Any:
    """2.2.1 Price <-> 2.3.0 Price. A Price already in the target's shape is read as such only under
    `quirks.other_version_field_names` (else its fields under the target's names are dropped and recorded, not
    guessed at). A bare number (a 2.1.1 habit) becomes the target's Price of that amount before taxes."""
    value = number(value, run)
    if is_number(value):
        return {"before_taxes": value} if run.up else {"excl_vat": value}
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        return _price_230(out, run, path)
    return _price_221(out, run, path)


def _price_230(out: dict, run: Run, path: str) -> dict:
    if run.quirks.other_version_field_names and "excl_vat" not in out and "before_taxes" in out:
        return out
    drop(out, ("before_taxes", "taxes"), run, path)
    if "excl_vat" not in out:
        run.refuse(f"{at(path, 'excl_vat')} is missing (required in OCPI 2.2.1)")
    excl_vat = number(out["excl_vat"], run)
    entries: dict[str, Any] = {"before_taxes": excl_vat}
    incl_vat = number(out.pop("incl_vat", None), run)
    if incl_vat is not None:
        tax = minus(incl_vat, excl_vat)
        if tax is None:
            run.refuse(f"{at(path, 'incl_vat')} and excl_vat are not both numbers: the VAT amount is unknown")
        entries["taxes"] = [{"name": VAT, "amount": tax}]
    replace_with(out, "excl_vat", entries)
    return out


def _price_221(out: dict, run: Run, path: str) -> dict:
    if run.quirks.other_version_field_names and "before_taxes" not in out and "excl_vat" in out:
        return out
    drop(out, ("excl_vat", "incl_vat"), run, path)
    if "before_taxes" not in out:
        run.refuse(f"{at(path, 'before_taxes')} is missing (required in OCPI 2.3.0)")
    before_taxes = number(out["before_taxes"], run)
    entries: dict[str, Any] = {"excl_vat": before_taxes}
    taxes = out.pop("taxes", None)
    if isinstance(taxes, list) and taxes:
        amounts = [number(tax.get("amount"), run) if isinstance(tax, dict) else None for tax in taxes]
        incl_vat = plus(before_taxes, *amounts)
        if incl_vat is not None:
            entries["incl_vat"] = incl_vat
        if incl_vat is None or not _one_vat(taxes):
            run.lose(at(path, "taxes"))
    elif informative(taxes):
        run.lose(at(path, "taxes"))
    replace_with(out, "before_taxes", entries)
    return out


def _one_vat(taxes: list) -> bool:
    """Whether `taxes` says no more than a 2.2.1 `incl_vat` does: one tax, VAT, with nothing but its amount."""
    if len(taxes) != 1 or not isinstance(taxes[0], dict):
        return False
    tax = taxes[0]
    name = tax.get("name")
    rest = [key for key, kept in tax.items() if key not in ("name", "amount") and informative(kept)]
    return isinstance(name, str) and name.strip().casefold() == VAT.casefold() and not rest


def price_limit(value: Any, run: Run, path: str) -> Any:
    """2.2.1 Price <-> 2.3.0 PriceLimit (Tariff `min_price`, `max_price`): excl_vat is before_taxes, incl_vat
    after_taxes."""
    value = number(value, run)
    if is_number(value):
        return {"before_taxes": value} if run.up else {"excl_vat": value}
    out = whole_object(value)
    if out is None:
        return value
    names = (("excl_vat", "before_taxes"), ("incl_vat", "after_taxes"))
    for old, new in names:
        source, target = (old, new) if run.up else (new, old)
        rename(out, source, target, run, path, convert=_number, required=source in ("excl_vat", "before_taxes"))
    return out


def _number(value: Any, run: Run, path: str) -> Any:
    return number(value, run)

"""What every converter shares: the translation under way (`Run`: context, PATCH or not, what was lost, refusing),
paths for `lost`, renaming a field, dropping one, OCPI DateTime, ids that must fit, Price, numbers and enums.

A converter is `convert(value, run, path) -> value`: it never changes the value it is given (it builds new dicts,
so fields it does not know pass through untouched), names what it could not carry with `run.lose(path)` and gives up
with `run.refuse(reason)`. `path` is where the value sits in the top-level value ("" at the top). A converter
translates between two neighbouring versions (a pair); `run.up` says towards which.

Most helpers hold for every pair. Those that know what changed between 2.1.1 and 2.2.1 are that pair's only:
`datetimes`, `owner`, `price` and `Enum` (the 2.2.1 <-> 2.3.0 pair has its own in translation.v230.values).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, NoReturn

from translation.context import Context
from translation.quirks import Quirks

V211 = "2.1.1"
V221 = "2.2.1"
V230 = "2.3.0"
VERSIONS = (V211, V221, V230)  # oldest first: each translates directly only to its neighbours

# The OCPI "no data available" value (2.2.1 transport_and_format: a required string field that cannot be filled).
NOT_AVAILABLE = "#NA"


class Refused(Exception):
    """Raised inside a conversion when the target cannot be told the truth; `translate` turns it into
    `Translated.refused`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Dropped:
    """What a value converter returns for "this value has no place in the target: leave the field out"."""

    def __repr__(self) -> str:
        return "DROPPED"


DROPPED: Any = _Dropped()

Convert = Callable[[Any, "Run", str], Any]


@dataclasses.dataclass
class Run:
    """One translation under way: the versions, what the hub said, whether this level is a PATCH body, and the
    paths lost so far (one list, shared by the nested runs)."""

    source: str
    target: str
    context: Context
    partial: bool = False
    lost: list[str] = dataclasses.field(default_factory=list)

    @property
    def up(self) -> bool:
        """Towards the newer version of the pair (2.1.1 -> 2.2.1, 2.2.1 -> 2.3.0)."""
        return VERSIONS.index(self.target) > VERSIONS.index(self.source)

    @property
    def quirks(self) -> Quirks:
        return self.context.quirks

    def whole(self) -> Run:
        """The run for a nested value. A PATCH replaces the nested objects it carries as a whole, so only the top
        level is ever partial."""
        return dataclasses.replace(self, partial=False) if self.partial else self

    def lose(self, path: str) -> None:
        if path not in self.lost:
            self.lost.append(path)

    def refuse(self, reason: str) -> NoReturn:
        raise Refused(reason)

    def attempt(self, convert: Convert, value: Any, path: str) -> tuple[bool, Any]:
        """`convert`, where a refusal only costs this value: it is dropped and `path` recorded as lost."""
        mark = len(self.lost)
        try:
            return True, convert(value, self, path)
        except Refused:
            del self.lost[mark:]
            self.lose(path)
            return False, None


def at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def informative(value: Any) -> bool:
    """Whether dropping `value` loses anything: absent, null, empty and `false` (the default of every optional OCPI
    boolean that a translation drops) say nothing."""
    return value is not None and value is not False and value != [] and value != {} and value != ""


def same_id(first: Any, second: Any) -> bool:
    """OCPI ids are CiStrings: compared case-insensitively."""
    return isinstance(first, str) and isinstance(second, str) and first.casefold() == second.casefold()


def replace_key(out: dict, old: str, new: str, value: Any) -> None:
    """`out[old]` becomes `out[new] = value`, in the same position (bodies stay readable in the message log)."""
    replace_with(out, old, {new: value})


def replace_with(out: dict, old: str, entries: Mapping[str, Any]) -> None:
    """`out[old]` replaced by `entries`, in its position; other keys named in `entries` move there too."""
    kept = list(out.items())
    out.clear()
    for key, value in kept:
        if key == old:
            out.update(entries)
        elif key not in entries:
            out[key] = value


def insert_after(out: dict, after: str, name: str, value: Any) -> None:
    """`out[name] = value` right after `out[after]` (at the end when there is no `after`)."""
    if after not in out:
        out[name] = value
        return
    entries = []
    for key, kept in out.items():
        if key != name:
            entries.append((key, kept))
        if key == after:
            entries.append((name, value))
    out.clear()
    out.update(entries)


def put_first(out: dict, values: Mapping[str, Any]) -> dict:
    """`values` at the start of a copy of `out` (where the spec lists country_code and party_id)."""
    return {**values, **{key: kept for key, kept in out.items() if key not in values}}


def rename(
    out: dict,
    old: str,
    new: str,
    run: Run,
    path: str,
    *,
    convert: Convert | None = None,
    required: bool = False,
    lenient: bool | None = None,
) -> None:
    """`old` (the source version's name) becomes `new` (the target's), its value through `convert` (which may
    return DROPPED). A source object that already carries `new` uses the other version's name: that is read as if
    correct under `quirks.other_version_field_names` (or `lenient`), else dropped and recorded as lost, since a
    strict reading does not guess. `required`: refuse a whole (not PATCH) object without the field."""
    if lenient is None:
        lenient = run.quirks.other_version_field_names
    if new in out:
        if old not in out and lenient:
            replace_key(out, new, old, out[new])
        else:
            value = out.pop(new)
            if informative(value):
                run.lose(at(path, new))
    if old in out:
        value = out[old]
        converted = convert(value, run.whole(), at(path, old)) if convert else value
        if converted is DROPPED:
            del out[old]
        else:
            replace_key(out, old, new, converted)
    elif required and not run.partial:
        run.refuse(f"{at(path, old)} is missing (required in OCPI {run.source})")


def drop(out: dict, names: Iterable[str], run: Run, path: str, *, silently: bool = False) -> None:
    """Fields the target has no place for: left out, and recorded as lost when they said something."""
    for name in names:
        if name in out:
            value = out.pop(name)
            if not silently and informative(value):
                run.lose(at(path, name))


def field(out: dict, name: str, convert: Convert, run: Run, path: str) -> None:
    """`out[name]` through `convert` (a nested value: never partial); DROPPED leaves it out."""
    if name in out:
        converted = convert(out[name], run.whole(), at(path, name))
        if converted is DROPPED:
            del out[name]
        else:
            out[name] = converted


def each(values: Any, convert: Convert, run: Run, path: str, *, drop_refused: bool = False) -> Any:
    """Every item of a list through `convert`. With `drop_refused`, an item that cannot be translated is left out
    (recorded as lost) instead of refusing the whole value. Not a list: unchanged."""
    if not isinstance(values, list):
        return values
    converted = []
    for index, value in enumerate(values):
        where = item(path, index)
        if drop_refused:
            ok, result = run.attempt(convert, value, where)
            if ok:
                converted.append(result)
        else:
            converted.append(convert(value, run, where))
    return converted


def items(out: dict, name: str, convert: Convert, run: Run, path: str, *, drop_refused: bool = False) -> None:
    """`out[name]`, a list, item by item through `convert`."""
    if name in out:
        out[name] = each(out[name], convert, run.whole(), at(path, name), drop_refused=drop_refused)


def copy(value: Any, run: Run, path: str) -> Any:
    """The converter of what is the same in both versions (DisplayText, ...): a copy, so no caller shares it."""
    return dict(value) if isinstance(value, dict) else value


def whole_object(value: Any) -> dict | None:
    """The dict a converter works on (a copy), or None for what is not an object (left to the receiver to judge)."""
    return dict(value) if isinstance(value, dict) else None


# --- DateTime -----------------------------------------------------------------------------------------------------

_FRACTION = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})[.,]\d+(.*)$")


def datetime_211(value: Any) -> Any:
    """A 2.2.1 DateTime as 2.1.1 writes it: 2.2.1 allows fractional seconds, 2.1.1 does not. Truncated, not rounded
    (never later than the moment it names); the zone designator, or its absence, is kept."""
    if isinstance(value, str):
        match = _FRACTION.match(value)
        if match:
            return match.group(1) + match.group(2)
    return value


def datetimes(out: dict, names: Iterable[str], run: Run) -> None:
    """The DateTime fields `names` of `out` in the target's form (towards 2.2.1 every 2.1.1 DateTime is valid)."""
    if run.up:
        return
    for name in names:
        if name in out:
            out[name] = datetime_211(out[name])


# --- ids ----------------------------------------------------------------------------------------------------------


def fits(out: dict, name: str, limit: int, run: Run, path: str) -> None:
    """Refuse an id longer than the target allows: a shortened id would name another object, or none."""
    value = out.get(name)
    if isinstance(value, str) and len(value) > limit:
        run.refuse(f"{at(path, name)} has {len(value)} characters; OCPI {run.target} allows at most {limit}")


def each_fits(out: dict, name: str, limit: int, run: Run, path: str) -> None:
    values = out.get(name)
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > limit:
                run.refuse(
                    f"{item(at(path, name), index)} has {len(value)} characters; OCPI {run.target} allows at most "
                    f"{limit}"
                )


# --- owner --------------------------------------------------------------------------------------------------------

OWNER = ("country_code", "party_id")


def owner(out: dict, run: Run, path: str, *, what: str) -> dict:
    """The owner fields towards 2.2.1 (from the Context; an object's own claim only under
    `quirks.other_version_field_names`), and gone towards 2.1.1 (where the URL says who owns an object)."""
    if not run.up:
        drop(out, OWNER, run, path, silently=True)
        return out
    country_code, party_id = run.context.owner_country_code, run.context.owner_party_id
    if run.partial and not any(name in out for name in OWNER):
        return out  # a PATCH carries only what changes; the owner never does
    if country_code and party_id:
        return put_first(out, {"country_code": country_code, "party_id": party_id})
    if run.quirks.other_version_field_names and out.get("country_code") and out.get("party_id"):
        return put_first(out, {"country_code": out["country_code"], "party_id": out["party_id"]})
    if run.partial:
        return out
    run.refuse(f"the owner of this {what} is unknown: OCPI 2.2.1 requires country_code and party_id")


# --- numbers and Price --------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def number(value: Any, run: Run) -> Any:
    """A number as sent; a number in a string only under `quirks.numbers_as_strings`."""
    if run.quirks.numbers_as_strings and isinstance(value, str) and _NUMBER.match(value.strip()):
        text = value.strip()
        return float(text) if "." in text else int(text)
    return value


def numbers(out: dict, names: Iterable[str], run: Run) -> None:
    for name in names:
        if name in out:
            out[name] = number(out[name], run)


def price(value: Any, run: Run, path: str) -> Any:
    """2.1.1 amounts are a number excluding VAT; 2.2.1 a Price {excl_vat, incl_vat?}. Towards 2.1.1 incl_vat has no
    place. A Price in a 2.1.1 object (or a number in a 2.2.1 one) is passed on in the target's shape all the same."""
    value = number(value, run)
    if run.up:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"excl_vat": value}
        return value
    if isinstance(value, dict):
        if "incl_vat" in value and value["incl_vat"] is not None:
            run.lose(at(path, "incl_vat"))
        if "excl_vat" not in value:
            run.refuse(f"{path or 'the price'} has no excl_vat")
        return number(value["excl_vat"], run)
    return value


# --- GeoLocation --------------------------------------------------------------------------------------------------

_COORDINATE = re.compile(r"^-?\d{1,3}\.(\d+)$")


def six_decimals(value: Any) -> Any:
    """A 2.2.1 latitude or longitude (5 to 7 decimals) as 2.1.1's pattern wants it (exactly 6): padded, or rounded
    (the 7th decimal is about 1 cm). What matches neither pattern is left for the receiver to judge."""
    if not isinstance(value, str):
        return value
    match = _COORDINATE.match(value)
    if not match or len(match.group(1)) == 6:
        return value
    if len(match.group(1)) < 6:
        return value + "0" * (6 - len(match.group(1)))
    try:
        return f"{Decimal(value).quantize(Decimal('0.000001'), rounding=ROUND_HALF_EVEN):f}"
    except InvalidOperation:
        return value


# --- enums --------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Enum:
    """One OCPI enum in both versions, and the sound replacements for values that exist in only one of them.

    A value the target knows is kept. A value only the source version knows is replaced by its `to_211`/`to_221`
    equivalent (recorded as lost), else dropped (recorded), else, for a required field, refused. A value neither
    version knows (2.3.0, custom) passes through, except towards 2.1.1 where `other_211` names 2.1.1's catch-all
    (LocationType and TokenType have OTHER): there every unknown value becomes it."""

    name: str
    v211: frozenset[str]
    v221: frozenset[str]
    to_211: Mapping[str, str] = dataclasses.field(default_factory=dict)
    to_221: Mapping[str, str] = dataclasses.field(default_factory=dict)
    other_211: str | None = None

    def convert(self, value: Any, run: Run, path: str, *, required: bool = False) -> Any:
        target, source = (self.v221, self.v211) if run.up else (self.v211, self.v221)
        mapping = self.to_221 if run.up else self.to_211
        if not isinstance(value, str) or value in target:
            return value
        if value in mapping:
            run.lose(path)
            return mapping[value]
        if value not in source:
            if not run.up and self.other_211 is not None:
                run.lose(path)
                return self.other_211
            return value
        if required:
            run.refuse(f"{path}: {self.name} {value} does not exist in OCPI {run.target} and has no equivalent there")
        run.lose(path)
        return DROPPED

    def required(self, value: Any, run: Run, path: str) -> Any:
        return self.convert(value, run, path, required=True)

    def each(self, values: Any, run: Run, path: str) -> Any:
        """A list of values (capabilities, facilities, ...): a value without a place is left out of the list, and
        the list's path recorded."""
        if not isinstance(values, list):
            return values
        converted = []
        for value in values:
            result = self.convert(value, run, path)
            if result is not DROPPED:
                converted.append(result)
        return converted


def values(*names: str) -> frozenset[str]:
    return frozenset(names)


def only_in(what: str, version: str) -> Convert:
    """The converter of a kind that exists in one version only (a 2.3.0 Parking, a Payments Terminal): there is
    nothing to translate it into, or from."""

    def convert(value: Any, run: Run, path: str) -> Any:
        other = run.target if run.source == version else run.source
        where = f" ({path})" if path else ""
        run.refuse(f"{what}{where} exists only in OCPI {version}: OCPI {other} has none")

    return convert

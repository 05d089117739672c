"""2.1.1 <-> 2.3.0: through 2.2.1, the hub's canonical version, one pair after the other.

What each step needs from the hub goes to the step that uses it: the owner, Context.token and Context.stored to the
2.1.1 <-> 2.2.1 step (the 2.2.1 <-> 2.3.0 step needs no facts), the source's quirks to both (they read what the
source sent, which the first step passes on where it does not touch it), the receiver's quirks to the last step.
Context.stored may be given as the hub keeps it, in 2.2.1 (canonical) or 2.3.0 shape: a 2.3.0 one is brought to the
2.2.1 shape the 2.1.1 step reads (a Tariff for a 2.1.1 Tariff PATCH towards 2.3.0; a Location for a 2.3.0 Session
or CDR towards 2.1.1, where a 2.1.1 one is accepted too).

A refusal by either step refuses the whole. `lost` holds both steps' paths in terms of the value given: the first
step's are; the second step's name the 2.2.1 body between, so they are mapped back where they differ (list items
the first step left out shift the indices after them; a Price's `incl_vat` was its 2.3.0 `taxes`, a PriceLimit's
`after_taxes`). Towards 2.3.0 the second step loses nothing a 2.1.1 value can hold; were it to, its paths would name
fields by their 2.2.1 names.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from translation.context import Context
from translation.fields import V211, V221, V230, Convert, Refused, Run
from translation.quirks import Quirks
from translation.v230 import locations as locations_230
from translation.v230 import tariffs as tariffs_230

# A step after which a PATCH body is a whole object: 2.2.1 has no Tariff PATCH (the 2.1.1 one becomes a PUT).
_BECOMES_WHOLE = {("tariff", V211, V221)}

_LAST_INDEX = re.compile(r"^(.*)\[(\d+)\]$")
_SEGMENTS = re.compile(r"\[\d+\]|[^.\[]+")


def chained(kind: str, first: Convert, second: Convert, source: str, target: str) -> Convert:
    """The converter of `kind` from `source` to `target` (2.1.1 and 2.3.0, either way): `first` (the pair at the
    source's end), then `second`."""
    middle = V221
    renamed = {} if target == V230 else {"incl_vat": "after_taxes" if kind == "price_limit" else "taxes"}

    def convert(value: Any, run: Run, path: str) -> Any:
        before, after = _contexts(kind, run.context, towards_230=target == V230)
        one = Run(source=source, target=middle, context=before, partial=run.partial)
        between = first(value, one, path)
        whole = (kind, source, middle) in _BECOMES_WHOLE
        two = Run(source=middle, target=target, context=after, partial=run.partial and not whole)
        body = second(between, two, path)
        for lost in one.lost:
            run.lose(lost)
        left_out = _left_out(one.lost)
        for lost in two.lost:
            run.lose(_in_value_given(lost, left_out, renamed))
        return body

    return convert


def _contexts(kind: str, context: Context, *, towards_230: bool) -> tuple[Context, Context]:
    """The Contexts of the two steps."""
    plain = Context(quirks=context.quirks)
    facts = dataclasses.replace(context, stored=_stored_221(kind, context.stored), one_object=False)
    if towards_230:
        return dataclasses.replace(facts, receiver_quirks=Quirks()), dataclasses.replace(
            plain, receiver_quirks=context.receiver_quirks
        )
    return plain, facts


def _stored_221(kind: str, stored: Any) -> Any:
    """The hub's stored object in the 2.2.1 shape the 2.1.1 step reads. A 2.2.1 (or 2.1.1) one comes out as it
    went in; one that cannot be given in 2.2.1 is left as it is (the 2.1.1 step judges it)."""
    if not isinstance(stored, dict):
        return stored
    if kind in ("session", "cdr"):
        if isinstance(stored.get("location"), dict):
            return stored  # a stored 2.1.1 Session or CDR, holding its 2.1.1 Location
        return _as_221(locations_230.location, stored)
    if kind == "tariff":
        return _as_221(tariffs_230.tariff, stored)
    return stored


def _as_221(convert: Convert, value: dict) -> Any:
    # Lenient: a 2.2.1 object's own names (excl_vat in min_price, ...) are read as the 2.2.1 names they are.
    run = Run(source=V230, target=V221, context=Context(quirks=Quirks(other_version_field_names=True)))
    try:
        return convert(value, run, "")
    except Refused:
        return value


def _left_out(lost: list[str]) -> dict[str, list[int]]:
    """The list items a step left out (a lost path ending in an index is always one), by the list's path."""
    found: dict[str, set[int]] = {}
    for path in lost:
        match = _LAST_INDEX.match(path)
        if match:
            found.setdefault(match.group(1), set()).add(int(match.group(2)))
    return {path: sorted(indices) for path, indices in found.items()}


def _in_value_given(path: str, left_out: dict[str, list[int]], renamed: dict[str, str]) -> str:
    """A path in the body between the steps as the path in the value given: each index shifted past the items the
    first step left out of that list before it, and the last name as the value given names it."""
    segments = _SEGMENTS.findall(path)
    given = ""
    for position, segment in enumerate(segments):
        if segment.startswith("["):
            index = int(segment[1:-1])
            for dropped in left_out.get(given, ()):
                if dropped <= index:
                    index += 1
            given = f"{given}[{index}]"
        else:
            name = renamed.get(segment, segment) if position == len(segments) - 1 else segment
            given = f"{given}.{name}" if given else name
    return given

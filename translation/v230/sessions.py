"""Sessions between 2.2.1 and 2.3.0 (mod_sessions.asciidoc: the module's text did not change).

What changed is in the classes a Session holds: `total_cost` is a Price, now `{before_taxes, taxes}`
(translation.v230.values), and the `cdr_token`'s TokenType got EMAID (translation.v230.tokens). ChargingPeriod,
CdrDimension, SessionStatus and AuthMethod are the same.
"""

from __future__ import annotations

from typing import Any

from translation.fields import Run, field, whole_object
from translation.v230.tokens import cdr_token
from translation.v230.values import price


def session(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "cdr_token", cdr_token, run, path)
    field(out, "total_cost", price, run, path)
    return out

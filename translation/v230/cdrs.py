"""CDRs between 2.2.1 and 2.3.0 (mod_cdrs.asciidoc: only descriptions changed).

What changed is in the classes a CDR holds: its six totals are Prices, now `{before_taxes, taxes}`
(translation.v230.values); the embedded Tariffs are 2.3.0 Tariffs (translation.v230.tariffs); the CdrLocation's
`connector_standard` is a ConnectorType, which got MCS and SAE_J3400, and the `cdr_token`'s TokenType got EMAID.
ChargingPeriod, CdrDimension (CdrDimensionType), SignedData and AuthMethod are the same.

Towards 2.2.1 an embedded Tariff that cannot be given (prices including taxes) is left out, recorded: the totals
are what counts. A connector standard 2.2.1 lacks refuses the CDR (`connector_standard` is required, and another
plug's name would be wrong), as towards 2.1.1.
"""

from __future__ import annotations

from typing import Any

from translation.fields import Run, copy, field, items, whole_object
from translation.v230.locations import CONNECTOR_TYPE
from translation.v230.tariffs import tariff
from translation.v230.tokens import cdr_token
from translation.v230.values import price

TOTALS = (
    "total_cost",
    "total_fixed_cost",
    "total_energy_cost",
    "total_time_cost",
    "total_parking_cost",
    "total_reservation_cost",
)

charging_period = copy  # {start_date_time, dimensions, tariff_id?} in both versions
cdr_dimension = copy  # {type, volume}: CdrDimensionType is the same


def cdr(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "cdr_token", cdr_token, run, path)
    field(out, "cdr_location", cdr_location, run, path)
    items(out, "tariffs", tariff, run, path, drop_refused=not run.up)
    for name in TOTALS:
        field(out, name, price, run, path)
    return out


def cdr_location(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "connector_standard", CONNECTOR_TYPE.required, run, path)
    return out

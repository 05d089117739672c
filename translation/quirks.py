"""Known deviations of real implementations that the translation tolerates when it reads what a platform sent.

A quirk is data on the platform (a profile name, docs/architecture.md "A per-partner quirk"), never a branch in the
hub's flow: the hub looks the profile up and hands it over in `Context.quirks`. Quirks describe the SOURCE of a
translation; what the translation writes is always the target version as the spec defines it.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Quirks:
    """Known deviations of a platform's implementation that the translation tolerates when reading what it sent."""

    # A 2.1.1 CDR written with 2.2.1's `end_date_time` instead of `stop_date_time`.
    cdr_end_date_time: bool = False
    # Objects that use the other version's name for a field (a 2.1.1 Session with `start_date_time`, a 2.1.1
    # Connector with `max_voltage`, a 2.1.1 Token with `contract_id`, a 2.1.1 CDR with `cdr_location`, a 2.1.1
    # object with its own `country_code`/`party_id`, ...): read them as if the right name had been used. Without it
    # such a field is not guessed at: it is dropped and recorded in `lost`.
    other_version_field_names: bool = False
    # A GET of one object answered with a list holding it (only where the hub says it expects one object:
    # `Context.one_object`).
    single_object_in_list: bool = False
    # Numbers sent as JSON strings ("price": "2.00", as in the 2.1.1 spec's own CDR example): read as numbers in the
    # number fields the translation touches (prices, step sizes, volumes, kWh, totals, voltage, amperage, power,
    # reservation ids).
    numbers_as_strings: bool = False


PROFILES: dict[str, Quirks] = {
    "strict": Quirks(),
    "extrawest-2.1.1": Quirks(cdr_end_date_time=True, single_object_in_list=True),
    "lenient-2.1.1": Quirks(
        cdr_end_date_time=True, other_version_field_names=True, single_object_in_list=True, numbers_as_strings=True
    ),
}

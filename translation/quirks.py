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

    # A 2.1.1 CDR written with 2.2.1's `end_date_time` instead of `stop_date_time`; as a receiver, one that requires
    # `end_date_time`: a CDR translated for it carries both names.
    cdr_end_date_time: bool = False
    # Objects that use the other version's name for a field (a 2.1.1 Session with `start_date_time`, a 2.1.1
    # Connector with `max_voltage`, a 2.1.1 Token with `contract_id`, a 2.1.1 CDR with `cdr_location`, a 2.1.1
    # object with its own `country_code`/`party_id`, a 2.2.1 Price with `before_taxes` or a 2.3.0 one with
    # `excl_vat`, ...): read them as if the right name had been used. Without it such a field is not guessed at: it
    # is dropped and recorded in `lost`.
    other_version_field_names: bool = False
    # A GET of one object answered with a list holding it (only where the hub says it expects one object:
    # `Context.one_object`).
    single_object_in_list: bool = False
    # Numbers sent as JSON strings ("price": "2.00", as in the 2.1.1 spec's own CDR example): read as numbers in the
    # number fields the translation touches (prices, step sizes, volumes, kWh, totals, voltage, amperage, power,
    # reservation ids).
    numbers_as_strings: bool = False
    # `null` written for fields that are absent (a serialiser that emits every optional field, as extrawest_ocpi's
    # does): read as absent, so no null reaches a receiver where the spec says nothing or a value.
    null_means_absent: bool = False


PROFILES: dict[str, Quirks] = {
    "strict": Quirks(),
    "extrawest-2.1.1": Quirks(cdr_end_date_time=True, single_object_in_list=True, null_means_absent=True),
    "lenient-2.1.1": Quirks(
        cdr_end_date_time=True,
        other_version_field_names=True,
        single_object_in_list=True,
        numbers_as_strings=True,
        null_means_absent=True,
    ),
}
DEFAULT_PROFILE = "strict"

# What each profile is for, for operators (CLI, admin API, dashboard, docs/versions.md).
PROFILE_NOTES: dict[str, str] = {
    "strict": "The spec as written; nothing tolerated (the default).",
    "extrawest-2.1.1": "extrawest_ocpi 2025.7.16 (PyPI) as a 2.1.1 CPO or eMSP, tested against it.",
    "lenient-2.1.1": "A 2.1.1 platform of unknown make that mixes in 2.2.1 habits: every tolerance the hub has.",
}
# What each tolerance lets through, one line each.
QUIRK_NOTES: dict[str, str] = {
    "cdr_end_date_time": "a 2.1.1 CDR's end as end_date_time (the 2.2.1 name); CDRs translated for it carry both",
    "other_version_field_names": "fields under the other version's names (start_date_time, max_voltage, ...)",
    "single_object_in_list": "one object answered as a list holding it (a GET of one object, a command answer)",
    "numbers_as_strings": 'numbers sent as strings ("price": "2.00", as in the 2.1.1 CDR example)',
    "null_means_absent": "null written for absent optional fields",
}


def tolerances(profile: str) -> list[str]:
    """What a profile tolerates, one line per quirk it turns on; [] for strict or an unknown name."""
    quirks = PROFILES.get(profile)
    if quirks is None:
        return []
    return [note for name, note in QUIRK_NOTES.items() if getattr(quirks, name)]

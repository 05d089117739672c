"""Parties as operators name them: `CC:PID:ROLE` (or `CC*PID*ROLE`), e.g. `NL:TNM:CPO`."""

from __future__ import annotations

import dataclasses
import re

from hub.ocpi.credentials_object import ROLES

PARTY_PATTERN = re.compile(r"^([A-Za-z]{2})[:*]([A-Za-z0-9]{3})[:*]([A-Za-z]+)$")


class OnboardingError(ValueError):
    """The operator's request cannot be done; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class PartyRef:
    country_code: str
    party_id: str
    role: str

    def __str__(self) -> str:
        return f"{self.country_code}:{self.party_id}:{self.role}"


def parse_party(text: str) -> PartyRef:
    """`CC:PID:ROLE` (or `CC*PID*ROLE`), e.g. `NL:TNM:CPO`."""
    match = PARTY_PATTERN.match(text.strip())
    if not match:
        raise OnboardingError(f"party {text!r} is not of the form CC:PID:ROLE (for example NL:TNM:CPO)")
    country_code, party_id, role = (part.upper() for part in match.groups())
    if role not in ROLES or role == "HUB":
        raise OnboardingError(f"party {text!r}: role must be one of {', '.join(r for r in ROLES if r != 'HUB')}")
    return PartyRef(country_code, party_id, role)

"""The plain data the routing core decides on: who is on the hub, what they agreed, what was asked."""

from __future__ import annotations

import dataclasses
import re

FUNCTIONAL_MODULES = ("cdrs", "chargingprofiles", "commands", "locations", "payments", "sessions", "tariffs", "tokens")
# The modules each OCPI version has (2.1.1 lacks charging profiles, payments are new in 2.3.0).
MODULES_OF_VERSION = {
    "2.1.1": ("cdrs", "commands", "locations", "sessions", "tariffs", "tokens"),
    "2.2.1": ("cdrs", "chargingprofiles", "commands", "locations", "sessions", "tariffs", "tokens"),
    "2.3.0": FUNCTIONAL_MODULES,
}
# Custom modules (OCPI 2.2.1 and 2.3.0 "Custom Modules": the ModuleID enum extended by parties that agree to use
# one, advised with a prefix such as country code + party id: `nltnm-tokens`). The hub routes those the operator
# enabled, by routing headers only, between parties whose agreement names them, as the bytes they came in.
CUSTOM_MODULE_ID = re.compile(r"[a-z0-9]{2,}-[a-z0-9_-]*[a-z0-9]")
CUSTOM_MODULE_VERSIONS = ("2.2.1", "2.3.0")  # 2.1.1 has no routing headers to address one by
BROADCAST_MODULES = ("locations", "tariffs", "tokens")
SENDER, RECEIVER = "SENDER", "RECEIVER"

# The interface a CPO implements in each module; the other side (eMSP, NSP, SCSP, OTHER, NAP) implements the other.
CPO_INTERFACE = {
    "locations": SENDER,
    "sessions": SENDER,
    "cdrs": SENDER,
    "tariffs": SENDER,
    "tokens": RECEIVER,
    "commands": RECEIVER,
    "chargingprofiles": RECEIVER,
    # 2.3.0: the payment terminal provider (PTP) owns terminals and financial advice confirmations and implements
    # the Sender; the CPO the Receiver. 2.3.0's Role enum has no PTP: a PTP registers as OTHER (docs/versions.md).
    "payments": RECEIVER,
}

# Who receives a broadcast, by the broadcaster's role (OCPI 2.2.1 Broadcast Push; NAP and SCSP are our choice:
# a NAP receives what a CPO publishes, an SCSP receives no broadcasts).
BROADCAST_RECIPIENT_ROLES = {
    "CPO": ("EMSP", "NSP", "OTHER", "NAP"),
    "EMSP": ("CPO",),
    "OTHER": ("CPO",),
    "NSP": ("CPO",),
}


@dataclasses.dataclass(frozen=True, order=True)
class PartyId:
    """A party as routing headers name it: country code and party id, no role. Always upper case."""

    country_code: str
    party_id: str

    @classmethod
    def of(cls, country_code: str, party_id: str) -> PartyId:
        return cls(country_code.upper(), party_id.upper())

    def __str__(self) -> str:
        return f"{self.country_code}:{self.party_id}"


@dataclasses.dataclass(frozen=True)
class PartyEntry:
    """A party on the hub, as routing needs it. `id` and `key` are computed once: every decision reads them."""

    country_code: str
    party_id: str
    role: str
    platform_id: str
    connected: bool  # the party is CONNECTED and its platform REGISTERED
    version: str = "2.2.1"  # the OCPI version its platform speaks with the hub
    id: PartyId = dataclasses.field(init=False, compare=False, repr=False)
    key: str = dataclasses.field(init=False, compare=False, repr=False)  # CC:PID:ROLE

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", PartyId(self.country_code, self.party_id))
        object.__setattr__(self, "key", f"{self.country_code}:{self.party_id}:{self.role}")


@dataclasses.dataclass(frozen=True)
class PartyTable:
    """Every party on the hub, and each platform's endpoints by (module, interface), as routing needs them. Indexed
    once, so a decision costs the same with ten platforms or ten thousand."""

    parties: tuple[PartyEntry, ...]
    endpoints: dict[str, dict[tuple[str, str], str]]  # platform id -> (module, interface) -> URL
    _by_id: dict[PartyId, list[PartyEntry]] = dataclasses.field(init=False, repr=False, compare=False)
    _by_platform: dict[str, list[PartyEntry]] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[PartyId, list[PartyEntry]] = {}
        by_platform: dict[str, list[PartyEntry]] = {}
        for party in self.parties:
            by_id.setdefault(party.id, []).append(party)
            by_platform.setdefault(party.platform_id, []).append(party)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_platform", by_platform)

    def by_id(self, party: PartyId) -> list[PartyEntry]:
        return self._by_id.get(party, [])

    def of_platform(self, platform_id: str) -> list[PartyEntry]:
        return self._by_platform.get(platform_id, [])

    def endpoint(self, platform_id: str, module: str, interface: str) -> str | None:
        return self.endpoints.get(platform_id, {}).get((module, interface))


@dataclasses.dataclass(frozen=True)
class AgreementBook:
    """Which party pairs may exchange which modules. `open_policy`: everyone may exchange every OCPI module (custom
    modules only where an agreement names them). `custom_modules`: the custom modules the operator enabled."""

    active: frozenset[tuple[str, str, str]]  # (party key, party key, module), both orders present
    open_policy: bool = False
    custom_modules: frozenset[str] = frozenset()
    durable: frozenset[tuple[str, str, str]] = frozenset()  # the same, for modules delivered durably

    @classmethod
    def from_pairs(
        cls,
        pairs: list[tuple[str, str, list[str]]],
        open_policy: bool = False,
        custom_modules: frozenset[str] | tuple[str, ...] = frozenset(),
        durable: list[tuple[str, str, list[str]]] = (),
    ) -> AgreementBook:
        return cls(_both_ways(pairs), open_policy, frozenset(custom_modules), _both_ways(durable))

    def is_durable(self, party_a: str, party_b: str, module: str) -> bool:
        return (party_a, party_b, module) in self.durable

    def allows(self, party_a: str, party_b: str, module: str) -> bool:
        if module in self.custom_modules:
            return (party_a, party_b, module) in self.active
        return self.open_policy or (party_a, party_b, module) in self.active

    def partners(self, party: str, module: str | None = None) -> set[str]:
        return {b for a, b, m in self.active if a == party and (module is None or m == module)}


def is_custom_module(module: str) -> bool:
    """A module id of the custom-module form (not an OCPI module): whether the hub routes it is the operator's call
    (AgreementBook.custom_modules)."""
    return module not in FUNCTIONAL_MODULES and CUSTOM_MODULE_ID.fullmatch(module) is not None


def _both_ways(pairs) -> frozenset[tuple[str, str, str]]:
    found = set()
    for party_a, party_b, modules in pairs:
        for module in modules:
            found.add((party_a, party_b, module))
            found.add((party_b, party_a, module))
    return frozenset(found)

"""Agreements between parties: who may exchange which modules. The functions work on a store (the CLI uses them
as they are); AgreementService also has the running hub reload them at once (the admin API and dashboard).

The YAML routing config (`export_yaml`, `import_yaml`) holds the agreements and, per platform, the quirk profile the
hub reads it with (`platforms:`, found by party on import; its name and version are informative)."""

from __future__ import annotations

import dataclasses
import uuid

import msgspec
import yaml

from hub.ocpi.timeutil import now_ocpi
from hub.platforms.parties import OnboardingError, PartyRef, parse_party
from hub.platforms.quirk_profiles import QuirkProfileError, QuirkProfiles, check_profile, profile_of
from hub.platforms.rate_limit_overrides import RATE_CLASSES, LimitError, PlatformLimits, check_limits
from hub.platforms.routing_state import RoutingState
from routing.model import FUNCTIONAL_MODULES, is_custom_module
from storage.errors import AgreementExists, ConcurrentUpdate, NotFound
from storage.models import Agreement, AgreementState, Platform
from storage.ports import Store

EXPORT_HEADER = (
    "# ocpi-hub routing config: the agreements, and per platform (found by its parties) the quirk profile the hub\n"
    "# reads it with. A platform's name and version are informative: importing sets only its quirks.\n"
)


class AgreementError(OnboardingError):
    """`field`: the input at fault (parties or modules); `conflict`: the parties already have an agreement."""

    def __init__(self, message: str, field: str = "parties", conflict: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.conflict = conflict


def pair_of(first: PartyRef, second: PartyRef) -> tuple[str, str]:
    a, b = sorted((str(first), str(second)))
    if a == b:
        raise AgreementError("an agreement needs two different parties")
    return a, b


def check_modules(modules: list[str] | tuple[str, ...]) -> list[str]:
    """None given: every OCPI module (never a custom one: those are named, as OCPI asks). A custom module id may
    be agreed before the operator enables it (custom_modules); it is routed once enabled."""
    if not modules:
        return list(FUNCTIONAL_MODULES)
    unknown = sorted(
        module for module in set(modules) if module not in FUNCTIONAL_MODULES and not is_custom_module(module)
    )
    if unknown:
        raise AgreementError(
            f"unknown module(s) {', '.join(unknown)}; modules are: {', '.join(FUNCTIONAL_MODULES)}, or a custom "
            "module id such as nltnm-parking",
            "modules",
        )
    return sorted(set(modules))


def check_durable(durable: list[str] | tuple[str, ...], modules: list[str]) -> list[str]:
    """The modules whose pushes the hub delivers durably: some of the agreement's own."""
    outside = sorted(set(durable) - set(modules))
    if outside:
        raise AgreementError(
            f"durable delivery for {', '.join(outside)}, which the agreement does not cover ({', '.join(modules)})",
            "durable",
        )
    return sorted(set(durable))


async def add(
    store: Store,
    first: PartyRef,
    second: PartyRef,
    modules: list[str],
    state: AgreementState = AgreementState.ACTIVE,
    durable: list[str] | tuple[str, ...] = (),
) -> Agreement:
    party_a, party_b = pair_of(first, second)
    timestamp = now_ocpi()
    covered = check_modules(modules)
    agreement = Agreement(
        id=uuid.uuid4().hex[:12],
        party_a=party_a,
        party_b=party_b,
        modules=covered,
        durable=check_durable(durable, covered),
        state=state,
        created_at=timestamp,
        updated_at=timestamp,
    )
    try:
        return await store.agreements.create(agreement)
    except AgreementExists as error:
        raise AgreementError(
            f"{party_a} and {party_b} already have agreement {error.existing_id}; change that one", conflict=True
        ) from error


async def find(store: Store, reference: str) -> Agreement:
    """By id, or by `PARTY,PARTY`."""
    if "," in reference:
        first, second = (parse_party(text) for text in reference.split(",", 1))
        pair = pair_of(first, second)
        for agreement in await store.agreements.list_all():
            if (agreement.party_a, agreement.party_b) == pair:
                return agreement
        raise AgreementError(f"no agreement between {pair[0]} and {pair[1]}")
    agreement = await store.agreements.get(reference)
    if agreement is None:
        raise AgreementError(f"no agreement {reference}")
    return agreement


async def set_state(store: Store, reference: str, state: AgreementState) -> Agreement:
    for _ in range(5):
        agreement = await find(store, reference)
        try:
            return await store.agreements.save(msgspec.structs.replace(agreement, state=state, updated_at=now_ocpi()))
        except ConcurrentUpdate:
            continue
    raise AgreementError("the agreement kept changing; try again")


async def remove(store: Store, reference: str) -> Agreement:
    agreement = await find(store, reference)
    await store.agreements.delete(agreement.id)
    return agreement


def export_yaml(agreements: list[Agreement], platforms: list[Platform] | tuple[Platform, ...] = ()) -> str:
    document = {
        "agreements": [
            {
                "parties": [a.party_a, a.party_b],
                "modules": a.modules,
                "state": a.state.value,
                **({"durable": a.durable} if a.durable else {}),
            }
            for a in agreements
        ],
        "platforms": [
            {
                "parties": p.party_keys,
                "name": p.name,
                "version": p.version,
                "quirks": profile_of(p),
                **({"rate_limits": dict(p.rate_limits)} if p.rate_limits else {}),
            }
            for p in platforms
            if p.parties
        ],
    }
    return EXPORT_HEADER + yaml.safe_dump(document, sort_keys=False)


@dataclasses.dataclass(frozen=True)
class ImportResult:
    """What an import changed: agreements created, updated and removed; platforms given another quirk profile."""

    created: int = 0
    updated: int = 0
    removed: int = 0
    profiles_changed: int = 0
    limits_changed: int = 0


async def import_yaml(
    store: Store,
    text: str,
    replace: bool = False,
    profiles: QuirkProfiles | None = None,
    by: str = "import",
    limits: PlatformLimits | None = None,
) -> ImportResult:
    """Create or update the agreements a YAML export lists; with `replace`, remove the ones it does not list; set
    the quirk profiles its `platforms:` lists. The whole file is checked first (a bad agreement, an unknown profile,
    a party no platform on the hub holds: nothing is changed), then the agreements are applied as one change, then
    the profiles. `profiles`: how to set them (the running hub's, so its directory has them at once)."""
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise AgreementError(f"not valid YAML: {error}") from error
    entries = document.get("agreements") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise AgreementError("expected a mapping with a list under `agreements:`")
    wanted: dict[tuple[str, str], tuple[list[str], AgreementState, list[str]]] = {}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("parties"), list) or len(entry["parties"]) != 2:
            raise AgreementError(f"agreement #{number}: needs `parties: [CC:PID:ROLE, CC:PID:ROLE]`")
        pair = pair_of(*(parse_party(str(p)) for p in entry["parties"]))
        listed = entry.get("modules") or []
        if not isinstance(listed, list) or not all(isinstance(module, str) for module in listed):
            raise AgreementError(f"agreement #{number}: `modules` must be a list of module names", "modules")
        modules = check_modules(listed)
        try:
            state = AgreementState(str(entry.get("state", "ACTIVE")).upper())
        except ValueError as error:
            raise AgreementError(f"agreement #{number}: state must be PROPOSED, ACTIVE or SUSPENDED") from error
        if pair in wanted:
            raise AgreementError(f"agreement #{number}: {pair[0]} and {pair[1]} are listed twice")
        listed_durable = entry.get("durable") or []
        if not isinstance(listed_durable, list) or not all(isinstance(module, str) for module in listed_durable):
            raise AgreementError(f"agreement #{number}: `durable` must be a list of module names", "durable")
        try:
            durable = check_durable(listed_durable, modules)
        except AgreementError as error:
            raise AgreementError(f"agreement #{number}: {error}", "durable") from error
        wanted[pair] = (modules, state, durable)
    quirks = await _wanted_profiles(store, document.get("platforms"))
    wanted_limits = await _wanted_limits(store, document.get("platforms"))
    existing = {(a.party_a, a.party_b): a for a in await store.agreements.list_all()}
    timestamp = now_ocpi()
    creates, saves, deletes = [], [], []
    for pair, (modules, state, durable) in wanted.items():
        current = existing.get(pair)
        if current is None:
            creates.append(
                Agreement(
                    id=uuid.uuid4().hex[:12],
                    party_a=pair[0],
                    party_b=pair[1],
                    modules=modules,
                    durable=durable,
                    state=state,
                    created_at=timestamp,
                    updated_at=timestamp,
                )
            )
        elif current.modules != modules or current.state is not state or current.durable != durable:
            saves.append(
                msgspec.structs.replace(current, modules=modules, state=state, durable=durable, updated_at=timestamp)
            )
    if replace:
        deletes = [agreement for pair, agreement in existing.items() if pair not in wanted]
    try:
        await store.agreements.apply(creates, saves, deletes)
    except (ConcurrentUpdate, AgreementExists, NotFound) as error:
        raise AgreementError(
            "the agreements changed while importing; nothing was changed: import the file again", conflict=True
        ) from error
    changed = await _set_profiles(profiles or QuirkProfiles.on_store(store), quirks, by)
    limits_changed = await _set_limits(limits or PlatformLimits.on_store(store), wanted_limits, by)
    return ImportResult(len(creates), len(saves), len(deletes), changed, limits_changed)


async def _wanted_profiles(store: Store, entries: object) -> dict[str, tuple[str, str]]:
    """The `platforms:` section checked: platform id -> (the profile's name, the parties the file names it by).
    Every listed party must be held by a platform on the hub, and the parties of one entry by the same one."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise AgreementError("`platforms:` must be a list of {parties: [CC:PID:ROLE, ...], quirks: PROFILE}")
    wanted: dict[str, tuple[str, str]] = {}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("parties"), list) or not entry["parties"]:
            raise AgreementError(f"platform #{number}: needs `parties: [CC:PID:ROLE, ...]`")
        if "quirks" not in entry:
            continue  # nothing to set
        try:
            profile = check_profile(str(entry["quirks"]))
            parties = [parse_party(str(text)) for text in entry["parties"]]
        except OnboardingError as error:
            raise AgreementError(f"platform #{number}: {error}", "platforms") from error
        named = ", ".join(str(party) for party in parties)
        held = set()
        for party in parties:
            platform = await store.platforms.find_by_party(party.country_code, party.party_id, party.role)
            if platform is None:
                raise AgreementError(
                    f"platform #{number}: no platform on this hub holds {party}; invite it first, or leave it out"
                )
            held.add(platform.id)
        if len(held) > 1:
            raise AgreementError(f"platform #{number}: {named} belong to {len(held)} different platforms")
        (platform_id,) = held
        if platform_id in wanted and wanted[platform_id][0] != profile:
            raise AgreementError(f"platform #{number}: {named} is listed before with another quirk profile")
        wanted[platform_id] = (profile, named)
    return wanted


async def _wanted_limits(store: Store, entries: object) -> dict[str, tuple[dict[str, int | None], str]]:
    """The `rate_limits:` of the `platforms:` section checked (after _wanted_profiles checked the entries): platform
    id -> (the limits, the parties the file names it by). A platform the file lists without `rate_limits:` keeps
    its own."""
    wanted: dict[str, tuple[dict[str, int | None], str]] = {}
    for number, entry in enumerate(entries or [], 1):
        if "rate_limits" not in entry:
            continue
        given = entry["rate_limits"] or {}
        if not isinstance(given, dict):
            raise AgreementError(f"platform #{number}: `rate_limits` must be a mapping like {{pushes: 600}}")
        try:
            checked = check_limits(given)
            parties = [parse_party(str(text)) for text in entry["parties"]]
        except OnboardingError as error:
            raise AgreementError(f"platform #{number}: {error}", "platforms") from error
        platform = await store.platforms.find_by_party(parties[0].country_code, parties[0].party_id, parties[0].role)
        if platform is None:
            raise AgreementError(f"platform #{number}: no platform on this hub holds {parties[0]}")
        # What the file lists is the whole of the platform's own limits: the classes it leaves out are the hub's.
        complete = {name: checked.get(name) for name in RATE_CLASSES}
        wanted[platform.id] = (complete, ", ".join(str(party) for party in parties))
    return wanted


async def _set_limits(limits: PlatformLimits, wanted: dict[str, tuple[dict[str, int | None], str]], by: str) -> int:
    changed = 0
    for platform_id, (platform_limits, named) in wanted.items():
        try:
            change = await limits.set(platform_id, platform_limits, by)
        except LimitError as error:
            raise AgreementError(
                f"the agreements were imported, but not the rate limits of {named}: {error}", conflict=True
            ) from error
        changed += change.changed
    return changed


async def _set_profiles(profiles: QuirkProfiles, wanted: dict[str, tuple[str, str]], by: str) -> int:
    """Set the checked profiles; how many platforms got another one."""
    changed = 0
    for platform_id, (profile, named) in wanted.items():
        try:
            change = await profiles.set(platform_id, profile, by)
        except QuirkProfileError as error:
            raise AgreementError(
                f"the agreements were imported, but not the quirk profile of {named}: {error}", conflict=True
            ) from error
        changed += change.changed
    return changed


class AgreementService:
    def __init__(self, store: Store, routing: RoutingState) -> None:
        self._store = store
        self._routing = routing

    async def add(
        self,
        first: PartyRef,
        second: PartyRef,
        modules: list[str],
        state: AgreementState,
        durable: list[str] | tuple[str, ...] = (),
    ) -> Agreement:
        agreement = await add(self._store, first, second, modules, state, durable)
        await self._routing.refresh_agreements()
        return agreement

    async def set_state(self, reference: str, state: AgreementState) -> Agreement:
        agreement = await set_state(self._store, reference, state)
        await self._routing.refresh_agreements()
        return agreement

    async def change(self, agreement: Agreement, **changes) -> Agreement:
        changed = await self._store.agreements.save(msgspec.structs.replace(agreement, **changes))
        await self._routing.refresh_agreements()
        return changed

    async def remove(self, reference: str) -> Agreement:
        agreement = await remove(self._store, reference)
        await self._routing.refresh_agreements()
        return agreement

    async def delete(self, agreement_id: str) -> bool:
        deleted = await self._store.agreements.delete(agreement_id)
        await self._routing.refresh_agreements()
        return deleted

    async def import_yaml(
        self,
        text: str,
        replace: bool,
        profiles: QuirkProfiles | None = None,
        by: str = "import",
        limits: PlatformLimits | None = None,
    ) -> ImportResult:
        result = await import_yaml(self._store, text, replace, profiles, by, limits)
        await self._routing.refresh_agreements()
        return result

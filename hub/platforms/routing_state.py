"""What the routing core decides on, kept current: the PartyTable built from the in-memory directory of platforms,
and the AgreementBook built from the agreements in storage. Each is rebuilt only when what it is built from changed."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from hub.ocpi.versions import HUB_VERSION
from hub.platforms.directory import Directory
from routing.model import AgreementBook, PartyEntry, PartyTable
from routing.visibility import visible_to
from storage.models import AgreementState, ConnectionStatus, Party, Platform, PlatformState
from storage.ports import Store

log = structlog.get_logger("hub.routing_state")


def build_party_table(directory: Directory) -> PartyTable:
    parties = []
    endpoints = {}
    for platform in directory.platforms():
        registered = platform.state is PlatformState.REGISTERED
        version = platform.version or HUB_VERSION
        for party in platform.parties:
            connected = registered and party.status is ConnectionStatus.CONNECTED
            parties.append(PartyEntry(party.country_code, party.party_id, party.role, platform.id, connected, version))
        endpoints[platform.id] = {(e.identifier, e.role): e.url for e in platform.endpoints}
    return PartyTable(tuple(parties), endpoints)


class RoutingState:
    def __init__(
        self, directory: Directory, store: Store, open_policy: bool, custom_modules: tuple[str, ...] = ()
    ) -> None:
        self._directory = directory
        self._store = store
        self._open_policy = open_policy
        self._custom_modules = frozenset(custom_modules)
        self._parties: PartyTable | None = None
        self._built_at_generation = -1
        self._agreements = AgreementBook(frozenset(), open_policy, self._custom_modules)
        self._agreements_version: int | None = None

    @property
    def parties(self) -> PartyTable:
        if self._parties is None or self._built_at_generation != self._directory.generation:
            self._built_at_generation = self._directory.generation
            self._parties = build_party_table(self._directory)
        return self._parties

    @property
    def agreements(self) -> AgreementBook:
        return self._agreements

    async def refresh_agreements(self, force: bool = False) -> None:
        """Reload agreements when their version in the store moved (CLI, admin API or another process changed them)."""
        version = await self._store.agreements.version()
        if version == self._agreements_version and not force:
            return
        agreements = await self._store.agreements.list_all()
        active = [a for a in agreements if a.state is AgreementState.ACTIVE]
        pairs = [(a.party_a, a.party_b, a.modules) for a in active]
        durable = [(a.party_a, a.party_b, a.durable) for a in active if a.durable]
        self._agreements = AgreementBook.from_pairs(pairs, self._open_policy, self._custom_modules, durable)
        self._agreements_version = version
        log.info("agreements loaded", active=len(pairs), total=len(agreements))

    def visibility(self, viewer: Platform) -> Callable[[Party], bool]:
        """Which parties `viewer` sees in HubClientInfo (routing.visibility)."""
        visible = visible_to(self._agreements, viewer.party_keys)
        return lambda party: visible(party.key)

    def custom_modules_for(self, platform: Platform) -> list[str]:
        """The enabled custom modules an agreement of one of the platform's parties names: the only custom module ids
        the hub shows it (OCPI: send them only to parties that agreed to use them)."""
        book = self._agreements
        return sorted(
            module for module in book.custom_modules if any(book.partners(own, module) for own in platform.party_keys)
        )

"""The routing core's view of the hub: a RoutingDirectory built from the in-memory platform directory, and the
AgreementBook built from the agreements in storage. Both are rebuilt only when what they are built from changed."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from hub.directory import Directory
from routing.model import AgreementBook, PartyEntry, RoutingDirectory
from storage.models import AgreementState, ConnectionStatus, Party, Platform, PlatformState
from storage.ports import Store

log = structlog.get_logger("hub.routing_view")


def build_routing_directory(directory: Directory) -> RoutingDirectory:
    parties = []
    endpoints = {}
    for platform in directory.platforms():
        registered = platform.state is PlatformState.REGISTERED
        for party in platform.parties:
            connected = registered and party.status is ConnectionStatus.CONNECTED
            parties.append(PartyEntry(party.country_code, party.party_id, party.role, platform.id, connected))
        endpoints[platform.id] = {(e.identifier, e.role): e.url for e in platform.endpoints}
    return RoutingDirectory(tuple(parties), endpoints)


class RoutingView:
    def __init__(self, directory: Directory, store: Store, open_policy: bool) -> None:
        self._directory = directory
        self._store = store
        self._open_policy = open_policy
        self._routing_directory: RoutingDirectory | None = None
        self._built_at_generation = -1
        self._agreements = AgreementBook(frozenset(), open_policy)
        self._agreements_version: int | None = None

    @property
    def directory(self) -> RoutingDirectory:
        if self._routing_directory is None or self._built_at_generation != self._directory.generation:
            self._built_at_generation = self._directory.generation
            self._routing_directory = build_routing_directory(self._directory)
        return self._routing_directory

    @property
    def agreements(self) -> AgreementBook:
        return self._agreements

    async def refresh_agreements(self, force: bool = False) -> None:
        """Reload agreements when their version in the store moved (CLI, admin API or another process changed them)."""
        version = await self._store.agreements.version()
        if version == self._agreements_version and not force:
            return
        agreements = await self._store.agreements.list_all()
        pairs = [(a.party_a, a.party_b, a.modules) for a in agreements if a.state is AgreementState.ACTIVE]
        self._agreements = AgreementBook.from_pairs(pairs, self._open_policy)
        self._agreements_version = version
        log.info("agreements loaded", active=len(pairs), total=len(agreements))


def visibility(agreements: AgreementBook, viewer: Platform) -> Callable[[Party], bool]:
    """Which parties a platform sees in HubClientInfo (GET and pushes): those its own parties have an active
    agreement with, for any module; under the open routing policy, everyone. Partners without an agreement are
    hidden rather than shown as PLANNED: the hub does not advertise parties a platform cannot reach."""
    if agreements.open_policy:
        return lambda party: True
    partners: set[str] = set()
    for own in viewer.parties:
        partners |= agreements.partners(own.key)
    return lambda party: party.key in partners

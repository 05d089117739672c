"""An agreement that shows a party to a platform, or hides it, is pushed as ClientInfo at once (OCPI 2.2.1 and 2.3.0
HubClientInfo, push model): the party's current status when it becomes visible, SUSPENDED when it is hidden, to every
platform that implements the hubclientinfo receiver. Without this, a platform would only learn on its next GET."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec
import structlog

from hub.platforms.clientinfo import ClientInfoNotifier
from hub.platforms.directory import Directory
from hub.platforms.routing_state import RoutingState
from routing.model import AgreementBook
from routing.visibility import visible_to
from storage.models import ConnectionStatus, Party, Platform

log = structlog.get_logger("hub.visibility_pushes")


class VisibilityPushes:
    def __init__(
        self,
        directory: Directory,
        routing: RoutingState,
        notifier: ClientInfoNotifier,
        may_push: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """`may_push`: whether this process is the one that pushes (the job's lease; every process remembers)."""
        self._directory = directory
        self._routing = routing
        self._notifier = notifier
        self._may_push = may_push
        self._book: AgreementBook | None = None

    async def check(self) -> None:
        """Compare the agreements in force with those seen last time (the first call only remembers them)."""
        book = self._routing.agreements
        previous, self._book = self._book, book
        if previous is None or previous is book:
            return
        if self._may_push is not None and not await self._may_push():
            return
        shown, hidden = visibility_changes(previous, book, self._directory.registered_platforms())
        for viewer, party in shown:
            self._notifier.tell(viewer, party)
        for viewer, party in hidden:
            self._notifier.tell(viewer, msgspec.structs.replace(party, status=ConnectionStatus.SUSPENDED))
        if shown or hidden:
            log.info("agreements changed what platforms see", shown=len(shown), hidden=len(hidden))


def visibility_changes(
    before: AgreementBook, after: AgreementBook, platforms: list[Platform]
) -> tuple[list[tuple[Platform, Party]], list[tuple[Platform, Party]]]:
    """(viewer, party) pairs newly visible and newly hidden. Only the platforms hosting a party of a changed pair are
    looked at, so a change costs what it touches, not platforms times parties."""
    if before.open_policy or after.open_policy:
        return [], []
    old_pairs = {(a, b) for a, b, _ in before.active}
    new_pairs = {(a, b) for a, b, _ in after.active}
    changed = old_pairs ^ new_pairs
    if not changed:
        return [], []
    host: dict[str, Platform] = {}
    party_of: dict[str, Party] = {}
    for platform in platforms:
        for party in platform.parties:
            host[party.key] = platform
            party_of[party.key] = party
    touched: dict[str, set[str]] = {}  # viewer platform id -> party keys whose visibility may have changed
    for viewer_key, seen_key in changed:
        viewer = host.get(viewer_key)
        if viewer is not None and seen_key in party_of and host[seen_key].id != viewer.id:
            touched.setdefault(viewer.id, set()).add(seen_key)
    shown: list[tuple[Platform, Party]] = []
    hidden: list[tuple[Platform, Party]] = []
    by_id = {platform.id: platform for platform in platforms}
    for viewer_id, keys in touched.items():
        viewer = by_id[viewer_id]
        saw = visible_to(before, viewer.party_keys)
        sees = visible_to(after, viewer.party_keys)
        for key in sorted(keys):
            if sees(key) and not saw(key):
                shown.append((viewer, party_of[key]))
            elif saw(key) and not sees(key):
                hidden.append((viewer, party_of[key]))
    return shown, hidden

"""Which parties are reachable through the hub for a platform: the CONNECTED or OFFLINE parties of the other
registered platforms that its own parties have an agreement with (routing.visibility; everyone under the open
policy). OCPI 2.3.0 credentials list them in `roles`."""

from __future__ import annotations

from hub.platforms.directory import Directory
from hub.platforms.routing_state import RoutingState
from storage.models import ConnectionStatus, Party, Platform

# A party that is OFFLINE for a while is still one the platform reaches through the hub (HubClientInfo tells it the
# status): counting only CONNECTED ones would rotate credentials each time a partner's link flaps.
REACHABLE = (ConnectionStatus.CONNECTED, ConnectionStatus.OFFLINE)


class Reachability:
    def __init__(self, directory: Directory, routing: RoutingState) -> None:
        self._directory = directory
        self._routing = routing

    def parties_for(self, platform: Platform) -> list[Party]:
        """In a stable order (by party key), so an unchanged set reads the same."""
        visible = self._routing.visibility(platform)
        found = [
            party
            for other in self._directory.registered_platforms()
            if other.id != platform.id
            for party in other.parties
            if party.status in REACHABLE and visible(party)
        ]
        return sorted(found, key=lambda party: party.key)

    def state(self) -> tuple[int, object]:
        """What the reachable sets are computed from: while it stays the same, so do they."""
        return self._directory.generation, self._routing.agreements

    def keys_for(self, platform: Platform) -> list[str]:
        return [party.key for party in self.parties_for(platform)]

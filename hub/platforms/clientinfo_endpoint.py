"""HubClientInfo sender interface: GET the ClientInfo of every party on the hub the caller may see (other than its
own), paginated."""

from __future__ import annotations

from aiohttp import web

from hub.ocpi.envelope import ocpi_response
from hub.ocpi.pagination import page_headers, read_page
from hub.platforms.authentication import Authenticator
from hub.platforms.clientinfo import client_info
from hub.platforms.directory import Directory
from hub.platforms.routing_state import RoutingState
from storage.models import PlatformState

MAX_PAGE_SIZE = 500


class ClientInfoEndpoint:
    def __init__(self, authenticate: Authenticator, directory: Directory, routing: RoutingState, base_url: str) -> None:
        self._authenticate = authenticate
        self._directory = directory
        self._routing = routing
        self._base_url = base_url

    async def get(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request)
        page = read_page(request, MAX_PAGE_SIZE)
        visible = self._routing.visibility(caller.platform)
        listed = [
            (party.last_updated, platform.seq, party.key, party)
            for platform in self._directory.platforms()
            if platform.id != caller.platform.id and platform.state is not PlatformState.CONNECTING
            for party in platform.parties
            if party.last_updated and visible(party) and page.admits(party.last_updated)
        ]
        # Stable order across pages: oldest change first; equal times in the order the store took the changes.
        listed.sort(key=lambda entry: entry[:3])
        parties = [entry[3] for entry in listed]
        selected = parties[page.offset : page.offset + page.limit]
        headers = page_headers(request, self._base_url, page, len(parties), MAX_PAGE_SIZE)
        return ocpi_response([client_info(p) for p in selected], headers=headers)

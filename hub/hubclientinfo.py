"""HubClientInfo sender interface: GET the ClientInfo of every party on the hub (other than the caller's own)."""

from __future__ import annotations

from aiohttp import web

from hub.clientinfo_push import client_info
from hub.context import HUB_CONTEXT
from hub.edge import authenticate
from hub.envelope import ocpi_response
from hub.pagination import page_headers, read_page
from hub.routing_view import visibility
from storage.models import PlatformState

MAX_PAGE_SIZE = 500


async def get_client_info(request: web.Request) -> web.Response:
    caller = await authenticate(request)
    context = request.app[HUB_CONTEXT]
    page = read_page(request, MAX_PAGE_SIZE)
    visible = visibility(context.routing.agreements, caller.platform)
    listed = [
        (party.last_updated, platform.seq, party.key, party)
        for platform in context.directory.platforms()
        if platform.id != caller.platform.id and platform.state is not PlatformState.CONNECTING
        for party in platform.parties
        if party.last_updated and visible(party) and page.admits(party.last_updated)
    ]
    # Stable order across pages: oldest change first; equal times in the order the store took the changes.
    listed.sort(key=lambda entry: entry[:3])
    parties = [entry[3] for entry in listed]
    selected = parties[page.offset : page.offset + page.limit]
    headers = page_headers(request, context.settings.base_url, page, len(parties), MAX_PAGE_SIZE)
    return ocpi_response([client_info(p) for p in selected], headers=headers)

"""Calls to the hub URLs that stand in for platforms' own URLs (stand_ins): a CPO POSTing a command result, a CPO
GETting a CDR by its Location, a requester following a Link to the next page. Only the platform the URL was handed
to may call it; the call goes to the original URL with the recipient's token, as one leg (legs). Every answer is
recorded (trail), refusals included."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from hub.ocpi.bodies import check_json
from hub.ocpi.errors import OcpiError
from hub.platforms.authentication import Authenticator
from hub.platforms.directory import Directory
from hub.relay.guard import answered
from hub.relay.legs import Leg, Legs
from hub.relay.stand_ins import Conversation
from hub.relay.trail import Trail, Trails
from hub.relay.transport import routing_headers
from routing.model import PartyId
from routing.status import Status
from storage.models import PlatformState
from storage.ports import CallbackStore

METHODS = {"response_url": "POST", "location": "GET", "link": "GET"}


class StandInCalls:
    def __init__(
        self,
        authenticate: Authenticator,
        trails: Trails,
        callbacks: CallbackStore,
        directory: Directory,
        legs: Legs,
        timeout_for: Callable[[str], float],
    ) -> None:
        self._authenticate = authenticate
        self._trails = trails
        self._callbacks = callbacks
        self._directory = directory
        self._legs = legs
        self._timeout_for = timeout_for

    async def call(self, request: web.Request) -> web.StreamResponse:
        caller = await self._authenticate(request)
        trail = self._trails.for_request(request, caller.platform.id, "", "CALLBACK")  # its module: the mapping's
        return await answered(trail, request, self._call(request, caller.platform.id, trail))

    async def _call(self, request: web.Request, caller_id: str, trail: Trail) -> web.StreamResponse:
        mapping = await self._callbacks.get(request.match_info["mapping_id"], time.time())
        if mapping is None or mapping.caller_platform_id != caller_id:
            raise OcpiError(Status.UNKNOWN_CALLBACK, "unknown or expired hub URL", 404)
        trail.module = mapping.module
        to = PartyId(*mapping.to_party.split(":"))
        from_ = PartyId(*mapping.from_party.split(":"))
        trail.to = to
        if request.method != METHODS[mapping.kind]:
            raise OcpiError(
                Status.CLIENT_ERROR, f"use {METHODS[mapping.kind]} on this URL", 405, {"Allow": METHODS[mapping.kind]}
            )
        recipient = self._directory.get(mapping.recipient_platform_id)
        if recipient is None or recipient.state is not PlatformState.REGISTERED:
            raise OcpiError(Status.NOT_CONNECTED, "the receiver is no longer connected to the hub")
        body = await request.read()
        trail.request_bytes = len(body)
        if body:
            check_json(body)
        leg = Leg(
            receiver_platform_id=mapping.recipient_platform_id,
            receiver="the receiver",
            method=request.method,
            url=mapping.target_url,
            headers=routing_headers(to, from_),
            body=body,
            timeout_seconds=self._timeout_for(mapping.module),
            correlation_id=trail.correlation_id,
            module=mapping.module,
            segments=[],
            # A next page's Link leads on, for the same caller.
            answer_conversation=Conversation(
                mapping.caller_platform_id, mapping.recipient_platform_id, mapping.module, from_, to
            ),
        )
        delivered = await self._legs.deliver(leg)
        trail.done(
            to_party=mapping.to_party,
            from_party=mapping.from_party,
            http_status=delivered.http_status,
            status_code=delivered.status_code,
            outcome="forwarded",
            response_bytes=len(delivered.body),
            receiver_platform=mapping.recipient_platform_id,
            status_message=delivered.status_message,
            downstream_request_id=delivered.downstream_request_id,
            downstream_http_status=delivered.downstream_http_status,
            downstream_status_code=delivered.downstream_status_code,
        )
        return web.Response(status=delivered.http_status, body=delivered.body, headers=delivered.headers)

"""Calls to the hub URLs that stand in for platforms' own URLs (stand_ins): a CPO POSTing a command result, a CPO
GETting a CDR by its Location, a requester following a Link to the next page. Only the platform the URL was handed
to may call it; the call goes to the original URL with the recipient's token, as one leg (legs), translated when
caller and recipient speak different versions. Every answer is recorded (trail), refusals included."""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson
from aiohttp import web

from hub.ocpi.bodies import check_json
from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import HUB_VERSION
from hub.platforms.authentication import Authenticator
from hub.platforms.directory import Directory
from hub.relay.guard import answered
from hub.relay.legs import Leg, Legs
from hub.relay.stand_ins import Conversation
from hub.relay.trail import Trail, Trails
from hub.relay.translator import Translator
from hub.relay.transport import routing_headers
from routing.decide import HEADERLESS_VERSIONS
from routing.model import SENDER, PartyId
from routing.status import Status
from storage.models import PlatformState
from storage.ports import CallbackStore
from translation.kinds import answer_kind

METHODS = {"response_url": "POST", "location": "GET", "link": "GET"}
# What a result posted to a response_url is, by module (charging profiles' results exist only in 2.2.1).
RESULT_KINDS = {"commands": "command_result"}


def answer_kind_of(kind: str, module: str) -> str | None:
    """What the answer to a call holds: a result's answer nothing, a CDR's Location a CDR, a Link the module's list."""
    if kind == "response_url":
        return None
    return "cdr" if kind == "location" else answer_kind(module, SENDER, "GET", [])


class StandInCalls:
    def __init__(
        self,
        authenticate: Authenticator,
        trails: Trails,
        callbacks: CallbackStore,
        directory: Directory,
        legs: Legs,
        timeout_for: Callable[[str], float],
        translator: Translator,
    ) -> None:
        self._translator = translator
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
        caller = self._directory.get(caller_id)
        caller_version = (caller.version if caller else None) or HUB_VERSION
        recipient_version = recipient.version or HUB_VERSION
        trail.version = caller_version
        if body:
            check_json(body)
            kind = RESULT_KINDS.get(mapping.module) if mapping.kind == "response_url" else None
            if kind is not None and caller_version != recipient_version:
                translated = await self._translator.convert(
                    kind, orjson.loads(body), caller_version, recipient_version, quirks=caller.quirks if caller else ""
                )
                if translated.refused:
                    raise OcpiError(Status.INVALID_PARAMETERS, f"the result cannot be read: {translated.refused}")
                body = orjson.dumps(translated.body)
                trail.translated(caller_version, recipient_version, translated.lost, "request")
        leg = Leg(
            receiver_platform_id=mapping.recipient_platform_id,
            receiver="the receiver",
            method=request.method,
            url=mapping.target_url,
            headers={} if recipient_version in HEADERLESS_VERSIONS else routing_headers(to, from_),
            body=body,
            timeout_seconds=self._timeout_for(mapping.module),
            correlation_id=trail.correlation_id,
            module=mapping.module,
            segments=[],
            # A next page's Link leads on, for the same caller.
            answer_conversation=Conversation(
                mapping.caller_platform_id, mapping.recipient_platform_id, mapping.module, from_, to
            ),
            answer_version=caller_version,
        )
        delivered = await self._legs.deliver(leg)
        answer = delivered.body
        if caller_version != recipient_version:
            answer, lost = await self._translator.answer(
                answer,
                answer_kind_of(mapping.kind, mapping.module),
                recipient_version,
                caller_version,
                owner=(to.country_code, to.party_id),
                quirks=recipient.quirks,
                only_for=from_ if recipient_version in HEADERLESS_VERSIONS else None,
            )
            trail.translated(recipient_version, caller_version, lost, "answer")
        trail.done(
            to_party=mapping.to_party,
            from_party=mapping.from_party,
            http_status=delivered.http_status,
            status_code=delivered.status_code,
            outcome="forwarded",
            response_bytes=len(answer),
            receiver_platform=mapping.recipient_platform_id,
            status_message=delivered.status_message,
            downstream_request_id=delivered.downstream_request_id,
            downstream_http_status=delivered.downstream_http_status,
            downstream_status_code=delivered.downstream_status_code,
        )
        return web.Response(status=delivered.http_status, body=answer, headers=delivered.headers)

"""Functional modules through the hub: every request to `/ocpi/2.2.1/{sender|receiver}/{module}/...` is
authenticated, read into a routing request (reading), decided by `routing.decide` (pure), and carried out:
forwarded to one party (Forwarding, below), broadcast, answered from the hub's store (GET All), or refused. Every
answer is recorded once (trail), whatever happened (guard)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from hub.ocpi.errors import OcpiError
from hub.platforms.authentication import Authenticator
from hub.platforms.routing_state import RoutingState
from hub.relay.broadcast import Broadcaster
from hub.relay.get_all import GetAllAnswer
from hub.relay.guard import answered
from hub.relay.hints import HintBook, Learning
from hub.relay.legs import Leg, Legs
from hub.relay.reading import ReadRequest, read_request
from hub.relay.stand_ins import Conversation, StandIns
from hub.relay.trail import Trail, Trails
from hub.relay.transport import ROUTING_HEADERS, routing_headers
from routing.decide import decide, prepare
from routing.decision import Broadcast, Facts, Forward, GetAll, Lookup, Reject
from routing.model import PartyId
from storage.ports import ObjectStore


class FactFinder:
    """The storage facts open routing asks for (routing.decide.prepare): the owners of an object, a hint."""

    def __init__(self, objects: ObjectStore, hints: HintBook) -> None:
        self._objects = objects
        self._hints = hints

    async def find(self, lookup: Lookup | None) -> Facts:
        if lookup is None:
            return Facts()
        if lookup.kind == "owners":
            owners = await self._objects.owners_of(lookup.module_or_hint, lookup.key)
            return Facts(owners=tuple(PartyId(cc, pid) for cc, pid in owners))
        hint = await self._hints.get(lookup.module_or_hint, lookup.key)
        return Facts() if hint is None else Facts(hint_cpo=hint.cpo, hint_emsp=hint.emsp)


class Forwarding:
    """A Forward decision carried out: the requester's URLs replaced by stand-ins, one leg to the receiver, what
    open routing learns from an accepted answer, the answer relayed and recorded."""

    def __init__(
        self, legs: Legs, stand_ins: StandIns, learning: Learning, timeout_for: Callable[[str], float]
    ) -> None:
        self._legs = legs
        self._stand_ins = stand_ins
        self._learning = learning
        self._timeout_for = timeout_for

    async def forward(
        self, request: web.Request, read: ReadRequest, decision: Forward, trail: Trail
    ) -> web.StreamResponse:
        routed = read.routed
        sender, target = decision.sender, decision.target
        if decision.set_to_headers:
            headers = routing_headers(target.id, sender.id)
        else:
            headers = {name: request.headers[name] for name in ROUTING_HEADERS if name in request.headers}
            if routed.from_ is None:
                headers.update(routing_headers(target.id, sender.id))
        # Stand-ins in the request are called by the receiver, for the requester; those in the answer by the
        # requester, for the receiver.
        towards_requester = Conversation(target.platform_id, sender.platform_id, routed.module, target.id, sender.id)
        body, query = await self._stand_ins.in_request(
            decision.stand_ins, read.body, read.document, request.query_string, towards_requester
        )
        leg = Leg(
            receiver_platform_id=target.platform_id,
            receiver=str(target.id),
            method=request.method,
            url=f"{decision.url}?{query}" if query else decision.url,
            headers=headers,
            body=body,
            timeout_seconds=self._timeout_for(decision.timeout),
            correlation_id=trail.correlation_id,
            module=routed.module,
            segments=routed.segments,
            answer_conversation=Conversation(
                sender.platform_id, target.platform_id, routed.module, sender.id, target.id
            ),
            location_stand_in=decision.location_stand_in,
        )
        delivered = await self._legs.deliver(leg)
        if delivered.accepted and decision.learn:
            await self._learning.learn(decision.learn)
        trail.done(
            to_party=str(target.id),
            from_party=str(sender.id),
            http_status=delivered.http_status,
            status_code=delivered.status_code,
            outcome="forwarded",
            response_bytes=len(delivered.body),
            receiver_platform=target.platform_id,
            status_message=delivered.status_message,
            downstream_request_id=delivered.downstream_request_id,
            downstream_http_status=delivered.downstream_http_status,
            downstream_status_code=delivered.downstream_status_code,
        )
        return web.Response(status=delivered.http_status, body=delivered.body, headers=delivered.headers)


class Relay:
    def __init__(
        self,
        authenticate: Authenticator,
        trails: Trails,
        routing: RoutingState,
        hub_party: PartyId,
        facts: FactFinder,
        forwarding: Forwarding,
        broadcaster: Broadcaster,
        get_all: GetAllAnswer,
    ) -> None:
        self._authenticate = authenticate
        self._trails = trails
        self._routing = routing
        self._hub_party = hub_party
        self._facts = facts
        self._forwarding = forwarding
        self._broadcaster = broadcaster
        self._get_all = get_all

    async def route(self, request: web.Request) -> web.StreamResponse:
        caller = await self._authenticate(request)
        match = request.match_info
        trail = self._trails.for_request(request, caller.platform.id, match["module"], match["interface"].upper())
        return await answered(trail, request, self._route(request, caller.platform.id, trail))

    async def _route(self, request: web.Request, platform_id: str, trail: Trail) -> web.StreamResponse:
        read = await read_request(request, platform_id, trail.module, trail.interface, self._hub_party)
        routed = read.routed
        trail.request_bytes, trail.to, trail.routed = len(read.body), routed.to, routed
        parties = self._routing.parties
        sender, lookup = prepare(routed, parties)
        facts = await self._facts.find(lookup)
        decision = decide(routed, parties, self._routing.agreements, self._hub_party, facts, sender)
        match decision:
            case Forward():
                return await self._forwarding.forward(request, read, decision, trail)
            case Broadcast():
                return await self._broadcaster.carry_out(
                    routed, decision, read.body, read.document, request.query_string, request.query.get("type"), trail
                )
            case GetAll():
                return await self._get_all.answer(request, decision, trail)
            case Reject():
                http_status = None if decision.http_status == 200 else decision.http_status
                raise OcpiError(decision.status, decision.message, http_status)
        raise AssertionError(f"unknown decision {decision!r}")

"""Functional modules through the hub: every request to `/ocpi/2.2.1/{sender|receiver}/{module}/...` is
authenticated, read into a routing request (reading), decided by `routing.decide` (pure), and carried out:
forwarded to one party (Forwarding, below), broadcast, answered from the hub's store (GET All), or refused. Every
answer is recorded once (trail), whatever happened (guard)."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from aiohttp import web

from hub.ocpi.envelope import envelope_bytes
from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import HUB_VERSION, V211, V230, interface_of, version_root
from hub.platforms.authentication import Authenticator
from hub.platforms.directory import Directory
from hub.platforms.routing_state import RoutingState
from hub.relay.broadcast import Broadcaster
from hub.relay.durable_delivery import DurableDelivery
from hub.relay.get_all import GetAllAnswer
from hub.relay.guard import answered
from hub.relay.hints import HintBook, Learning
from hub.relay.legs import Leg, Legs
from hub.relay.object_copies import ObjectCopies
from hub.relay.reading import Origin, ReadRequest, read_request
from hub.relay.stand_ins import Conversation, StandIns
from hub.relay.trail import Trail, Trails
from hub.relay.translator import Translator
from hub.relay.transport import ROUTING_HEADERS, routing_headers
from hub.traffic.rate_limits import RateLimiter, rate_class
from routing.decide import HEADERLESS_VERSIONS, decide, prepare
from routing.decision import Broadcast, Facts, Forward, GetAll, Lookup, Reject
from routing.model import FUNCTIONAL_MODULES, RECEIVER, SENDER, PartyId
from routing.status import Status
from storage.models import Platform
from storage.ports import ObjectStore
from translation.kinds import answer_kind


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


V230_ROOT = version_root(V230) + "/"
# Answers that hold one object whatever the path: a command's CommandResponse, an authorization's AuthorizationInfo.
ONE_OBJECT_ANSWERS = ("command_response", "authorization_info")


class Forwarding:
    """A Forward decision carried out: the requester's URLs replaced by stand-ins, the body in the receiver's
    version, one leg to the receiver, what open routing learns from an accepted answer, the answer relayed (in the
    requester's version) and recorded."""

    def __init__(
        self,
        legs: Legs,
        stand_ins: StandIns,
        learning: Learning,
        timeout_for: Callable[[str], float],
        translator: Translator,
        directory: Directory,
        copies: ObjectCopies,
        durable: DurableDelivery,
    ) -> None:
        self._durable = durable
        self._legs = legs
        self._stand_ins = stand_ins
        self._learning = learning
        self._timeout_for = timeout_for
        self._translator = translator
        self._directory = directory
        self._copies = copies

    async def forward(
        self, request: web.Request, read: ReadRequest, decision: Forward, trail: Trail
    ) -> web.StreamResponse:
        routed, payload = read.routed, read.payload
        sender, target = decision.sender, decision.target
        receiver_quirks = ""
        if target.version != payload.version:  # only a translation reads the receiver's quirk profile
            receiver = self._directory.get(target.platform_id)
            receiver_quirks = receiver.quirks if receiver else ""
        body, lost = await self._translator.body_for(payload, target.version, receiver_quirks)
        # Custom modules cross versions as they are: nothing of theirs is translated, so nothing is recorded as such.
        bridged = target.version != payload.version and routed.module in FUNCTIONAL_MODULES
        if bridged:
            trail.translated(payload.version, target.version, lost, "request")
        if target.version in HEADERLESS_VERSIONS:
            headers = {}
        elif decision.set_to_headers:
            headers = routing_headers(target.id, sender.id)
        else:
            headers = {name: request.headers[name] for name in ROUTING_HEADERS if name in request.headers}
            if routed.from_ is None:
                headers.update(routing_headers(target.id, sender.id))
        # Stand-ins in the request are called by the receiver, for the requester; those in the answer by the
        # requester, for the receiver.
        towards_requester = Conversation(target.platform_id, sender.platform_id, routed.module, target.id, sender.id)
        body, query = await self._stand_ins.in_request(
            decision.stand_ins, body, read.document, request.query_string, towards_requester
        )
        if decision.keep_copy:
            document = read.document
            if document is None:
                document = orjson.loads(payload.canonical if payload.canonical is not None else payload.raw)
            await self._copies.keep_for(routed, sender, target, document, payload.document_version)
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
            answer_version=payload.version,
        )
        if decision.durable:
            key = decision.object_key + (trail.request_id if decision.object_key.endswith("|") else "")
            if await self._durable.held_behind(key):
                return await self._kept(leg, key, decision, trail, "")
            try:
                delivered = await self._legs.deliver(leg)
            except OcpiError as error:
                if not self._durable.worth_keeping(error):
                    raise
                return await self._kept(leg, key, decision, trail, error.message)
        else:
            delivered = await self._legs.deliver(leg)
        if delivered.accepted and decision.learn:
            await self._learning.learn(decision.learn)
        answer = delivered.body
        if bridged:
            answer = await self._answer_in_requesters_version(
                request, read, decision, delivered.body, receiver_quirks, trail
            )
        trail.done(
            to_party=str(target.id),
            from_party=str(sender.id),
            http_status=delivered.http_status,
            status_code=delivered.status_code,
            outcome="forwarded",
            response_bytes=len(answer),
            receiver_platform=target.platform_id,
            status_message=delivered.status_message,
            downstream_request_id=delivered.downstream_request_id,
            downstream_http_status=delivered.downstream_http_status,
            downstream_status_code=delivered.downstream_status_code,
        )
        return web.Response(status=delivered.http_status, body=answer, headers=delivered.headers)

    async def _kept(self, leg: Leg, key: str, decision: Forward, trail: Trail, why: str) -> web.StreamResponse:
        """Durable delivery took the push over: the sender is told it is accepted and pending (resending it would
        make a duplicate)."""
        sender, target = decision.sender, decision.target
        queued = await self._durable.take_over(leg, key, str(sender.id), sender.platform_id, trail.request_id, why)
        if decision.learn:
            await self._learning.learn(decision.learn)  # the hub answers for the receiver now
        reason = f"{target.id} did not take it ({why})" if why else f"an earlier push of it to {target.id} is waiting"
        message = f"accepted by the hub for durable delivery: {reason}; the hub delivers it (delivery {queued.id})"
        trail.done(
            to_party=str(target.id),
            from_party=str(sender.id),
            http_status=200,
            status_code=1000,
            outcome="queued",
            receiver_platform=target.platform_id,
            status_message=message,
        )
        response = web.Response(body=envelope_bytes(1000, message), content_type="application/json")
        response.headers.update(routing_headers(sender.id, target.id))
        if leg.module == "cdrs" and leg.method == "POST":
            response.headers["Location"] = self._stand_ins.url_of(queued.id)  # resolves once it is delivered
        return response

    async def _answer_in_requesters_version(
        self, request: web.Request, read: ReadRequest, decision: Forward, body: bytes, quirks: str, trail: Trail
    ) -> bytes:
        routed, target, sender = read.routed, decision.target, decision.sender
        segments = routed.segments
        authorize = None
        if decision.timeout == "authorize" and segments:
            authorize = (segments[0], request.query.get("type"))
        owned_in_path = routed.interface == RECEIVER and len(segments) >= 2
        owner = (segments[0], segments[1]) if owned_in_path else (target.country_code, target.party_id)
        kind = answer_kind(routed.module, routed.interface, routed.method, segments)
        one_object = kind in ONE_OBJECT_ANSWERS or (
            routed.method == "GET" and len(segments) > (2 if routed.interface == RECEIVER else 0)
        )
        answer, lost = await self._translator.answer(
            body,
            kind,
            target.version,
            read.payload.version,
            owner=owner,
            quirks=quirks,
            one_object=one_object,
            authorize=authorize,
            only_for=sender.id if target.version in HEADERLESS_VERSIONS else None,
        )
        trail.translated(target.version, read.payload.version, lost, "answer")
        return answer


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
        translator: Translator,
        limiter: RateLimiter,
    ) -> None:
        self._limiter = limiter
        self._authenticate = authenticate
        self._trails = trails
        self._routing = routing
        self._hub_party = hub_party
        self._facts = facts
        self._forwarding = forwarding
        self._broadcaster = broadcaster
        self._get_all = get_all
        self._translator = translator

    async def route(self, request: web.Request) -> web.StreamResponse:
        """`/ocpi/2.2.1/{sender|receiver}/{module}/...` and `/ocpi/2.3.0/{sender|receiver}/{module}/...`"""
        caller = await self._authenticate(request)
        platform = caller.platform
        match = request.match_info
        version = V230 if request.path.startswith(V230_ROOT) else HUB_VERSION
        trail = self._trails.for_request(request, platform.id, match["module"], match["interface"].upper())
        trail.version = version
        route = self._route(request, Origin(platform.id, version), trail, platform)
        return await answered(trail, request, route)

    async def route_211(self, request: web.Request) -> web.StreamResponse:
        """`/ocpi/2.1.1/{module}/...`: 2.1.1 endpoints name no interface; which one the caller means follows from
        its one party's role (a CPO calls the hub as an eMSP, an eMSP calls it as a CPO)."""
        caller = await self._authenticate(request)
        platform = caller.platform
        module = request.match_info["module"]
        party = platform.parties[0] if platform.parties else None
        role = party.role if party else "EMSP"
        interface = RECEIVER if interface_of(module, role) == SENDER else SENDER
        trail = self._trails.for_request(request, platform.id, module, interface)
        trail.version = V211
        origin = Origin(platform.id, V211, (party.country_code, party.party_id) if party else None, platform.quirks)
        return await answered(trail, request, self._route(request, origin, trail, platform))

    async def _route(
        self, request: web.Request, origin: Origin, trail: Trail, platform: Platform
    ) -> web.StreamResponse:
        registered = platform.version or HUB_VERSION
        if registered != origin.version:
            raise OcpiError(
                Status.CLIENT_ERROR,
                f"your platform is registered with OCPI {registered}: call the hub's {registered} endpoints",
                404,
            )
        refusal = self._limiter.admit(platform, rate_class(trail.module, request.method, request.match_info["rest"]))
        if refusal is not None:
            raise OcpiError(
                Status.RATE_LIMITED,
                f"rate limit: your platform may send {refusal.limit} {refusal.rate_class} requests a minute; "
                f"retry after {refusal.retry_after_seconds} s",
                429,
                {"Retry-After": str(refusal.retry_after_seconds)},
                outcome="rate-limited",
            )
        read = await read_request(request, origin, trail.module, trail.interface, self._hub_party, self._translator)
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
                    routed, decision, read.payload, request.query_string, request.query.get("type"), trail
                )
            case GetAll():
                return await self._get_all.answer(request, decision, trail, origin.version)
            case Reject():
                http_status = None if decision.http_status == 200 else decision.http_status
                raise OcpiError(decision.status, decision.message, http_status)
        raise AssertionError(f"unknown decision {decision!r}")

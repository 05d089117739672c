"""Functional modules through the hub: every request to `/ocpi/2.2.1/{sender|receiver}/{module}/...` is read into a
routing request, decided by `routing.decide` (pure), and carried out here: forwarded to one party, broadcast,
answered from the hub's store (GET All), or refused with an OCPI status."""

from __future__ import annotations

import contextlib
import time
from typing import Any
from urllib.parse import parse_qsl

import orjson
import structlog
from aiohttp import web
from multidict import CIMultiDict

from hub import hub_urls
from hub.broadcasting import carry_out_broadcast, get_all
from hub.context import HUB_CONTEXT, HubContext
from hub.directory import Caller
from hub.edge import authenticate, check_json
from hub.envelope import (
    CLIENT_ERROR,
    INVALID_PARAMETERS,
    JSON_CONTENT_TYPE,
    SERVER_ERROR,
    OcpiError,
    envelope_bytes,
)
from hub.forwarder import (
    ROUTING_HEADERS,
    BareAnswer,
    ForwardFailed,
    Relayed,
    answer_headers,
    bare_answer,
    read_envelope,
    routing_headers,
    send,
)
from hub.timeutil import parse_datetime
from hub.trail import Trail
from routing.decide import decide, hint_key, lookup_needed, resolve_sender
from routing.decision import Broadcast, Facts, Forward, GetAll, Lookup, Reject
from routing.model import PartyId, Status
from routing.request import ContentKeys, RoutingRequest, content_keys, unsafe_segment
from storage.models import RoutingHint

log = structlog.get_logger("hub.routing")


async def route(request: web.Request) -> web.StreamResponse:
    caller = await authenticate(request)
    context = request.app[HUB_CONTEXT]
    trail = Trail(context, request, caller, request.match_info["module"], request.match_info["interface"].upper())
    try:
        return await _route(context, request, caller, trail)
    except OcpiError as error:
        return trail.refuse(error.status_code, error.message, error.http_status, headers=error.headers)
    except web.HTTPRequestEntityTooLarge:
        return trail.refuse(CLIENT_ERROR, "request body too large", 413)
    except Exception:
        log.exception("unhandled error", path=request.path, method=request.method, request_id=trail.request_id)
        return trail.refuse(SERVER_ERROR, "internal hub error; the request was not processed", 500)


async def _route(context: HubContext, request: web.Request, caller: Caller, trail: Trail) -> web.StreamResponse:
    module, interface = trail.module, trail.interface
    if request.method not in ROUTED_METHODS:
        raise OcpiError(2000, f"{request.method} is not an OCPI method", 405, {"Allow": ", ".join(ROUTED_METHODS)})
    path = _raw_suffix(request, module, interface)
    body = await request.read()
    trail.request_bytes = len(body)
    if body:
        check_json(body)
    to, from_ = _routing_parties(request)
    trail.to = to
    if to is None:
        keys = content_keys(module, interface, request.method, path, body, request.query.get("type"))
    else:
        keys = ContentKeys()
    routed = RoutingRequest(caller.platform.id, module, interface, request.method, path, to, from_, keys)
    trail.routed = routed
    directory = context.routing.directory
    sender = resolve_sender(routed, directory)
    facts = await _facts(context, lookup_needed(routed, sender))
    decision = decide(routed, directory, context.routing.agreements, context.hub_party, facts, sender)
    match decision:
        case Forward():
            return await _forward(context, request, routed, decision, body, trail)
        case Broadcast():
            return await carry_out_broadcast(context, request, routed, decision, body, trail)
        case GetAll():
            return await get_all(context, request, decision, trail)
        case Reject():
            return trail.refuse(decision.status, decision.message, decision.http_status)


ROUTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _raw_suffix(request: web.Request, module: str, interface: str) -> str:
    """The path after the module's base URL, as sent (percent-encoded), checked to be safe to append to the
    receiver's endpoint URL."""
    raw = request.rel_url.raw_path
    base = f"/ocpi/2.2.1/{interface.lower()}/{module}"
    if not raw.startswith(base):
        raise OcpiError(2000, "no such OCPI endpoint on this hub", 404)
    suffix = raw[len(base) :]
    unsafe = unsafe_segment(suffix)
    if unsafe is not None:
        raise OcpiError(
            INVALID_PARAMETERS,
            f"path segment {unsafe!r} is not allowed: no '..', no encoded '/', '?', '#' or '%', no control "
            "characters, UTF-8 only",
        )
    return suffix


def _routing_parties(request: web.Request) -> tuple[PartyId | None, PartyId | None]:
    headers = request.headers
    return _pair(headers, "to"), _pair(headers, "from")


def _pair(headers, direction: str) -> PartyId | None:
    country_code = headers.get(f"OCPI-{direction}-country-code")
    party_id = headers.get(f"OCPI-{direction}-party-id")
    if country_code is None and party_id is None:
        return None
    if not country_code or not party_id:
        raise OcpiError(
            INVALID_PARAMETERS,
            f"OCPI-{direction}-country-code and OCPI-{direction}-party-id come together: send both or neither",
        )
    if (
        not (country_code + party_id).isascii()
        or len(country_code) != 2
        or not country_code.isalpha()
        or (len(party_id) != 3 or not party_id.isalnum())
    ):
        raise OcpiError(
            INVALID_PARAMETERS, f"OCPI-{direction} must be a 2-letter country code and 3-character party id"
        )
    return PartyId.of(country_code, party_id)


async def _facts(context: HubContext, lookup: Lookup | None) -> Facts:
    if lookup is None:
        return Facts()
    if lookup.kind == "owners":
        owners = await context.store.objects.owners_of(lookup.module_or_hint, lookup.key)
        return Facts(owners=tuple(PartyId(cc, pid) for cc, pid in owners))
    hint = await context.hints.get(lookup.module_or_hint, lookup.key)
    return Facts() if hint is None else Facts(hint_cpo=hint.cpo, hint_emsp=hint.emsp)


async def _forward(
    context: HubContext, request: web.Request, routed: RoutingRequest, decision: Forward, body: bytes, trail: Trail
) -> web.StreamResponse:
    settings = context.settings
    target_platform = context.directory.get(decision.target.platform_id)
    token = context.peer_token(target_platform) if target_platform else None
    if token is None:
        return trail.refuse(Status.NOT_CONNECTED, f"receiver {decision.target.id} is not connected to the hub")
    if decision.set_to_headers:
        headers = routing_headers(decision.target.id, decision.sender.id)
    else:
        headers = {name: request.headers[name] for name in ROUTING_HEADERS if name in request.headers}
        if routed.from_ is None:
            headers.update(routing_headers(decision.target.id, decision.sender.id))
    query = request.query_string
    document = _document(body) if routed.module in ("commands", "chargingprofiles") else None
    body, query = await _stand_in_response_urls(context, routed, decision, body, document, query)
    url = f"{decision.url}?{query}" if query else decision.url
    is_authorization = routed.module == "tokens" and routed.path.rstrip("/").endswith("/authorize")
    timeout = settings.timeout_for(routed.module, authorization=is_authorization)
    try:
        relayed = await send(
            context.client.session,
            request.method,
            url,
            token=token,
            encoding=target_platform.auth_encoding,
            correlation_id=trail.correlation_id,
            headers=headers,
            body=body,
            timeout_seconds=timeout,
            slots=context.slots,
        )
    except ForwardFailed as failure:
        outcome = "timeout" if failure.status is Status.TIMEOUT else "unreachable"
        return trail.refuse(
            failure.status,
            f"{decision.target.id}: {failure.message}",
            outcome=outcome,
            receiver_platform=decision.target.platform_id,
            downstream_request_id=failure.request_id,
        )
    bare = bare_answer(relayed, routed.module, request.method, routed.segments)
    if bare is not None:
        return _relay_bare(trail, decision, relayed, bare)
    response_headers = answer_headers(relayed)
    answered = read_envelope(relayed.body)
    status_code = answered.status_code
    await _stand_in_response_headers(context, routed, decision, relayed, response_headers)
    if 200 <= relayed.status < 300 and status_code is not None and 1000 <= status_code < 2000:
        await _remember(context, routed, decision, document)
    trail.done(
        to_party=str(decision.target.id),
        http_status=relayed.status,
        status_code=status_code,
        outcome="forwarded",
        response_bytes=len(relayed.body),
        relayed=relayed,
        from_party=str(decision.sender.id),
        receiver_platform=decision.target.platform_id,
        status_message=answered.message,
        downstream_status_code=status_code,
    )
    return web.Response(status=relayed.status, body=relayed.body, headers=response_headers)


def _relay_bare(trail: Trail, decision: Forward, relayed: Relayed, bare: BareAnswer) -> web.Response:
    """A receiver's answer without an envelope: its 4xx relayed with the OCPI code it stands for, anything else a
    hub error (see forwarder.bare_answer)."""
    message = f"{decision.target.id} {bare.message}"
    if not bare.relayed:
        return trail.refuse(bare.status, message, downstream_request_id=relayed.request_id)
    body = envelope_bytes(int(bare.status), message)
    trail.done(
        to_party=str(decision.target.id),
        http_status=bare.http_status,
        status_code=int(bare.status),
        outcome="forwarded",
        response_bytes=len(body),
        relayed=relayed,
        from_party=str(decision.sender.id),
        receiver_platform=decision.target.platform_id,
        status_message=message,
    )
    response = web.Response(body=body, status=bare.http_status, content_type=JSON_CONTENT_TYPE)
    response.ocpi_status_code = int(bare.status)  # type: ignore[attr-defined]
    return response


def _document(body: bytes) -> dict[str, Any] | None:
    if not body:
        return None
    document = orjson.loads(body)
    return document if isinstance(document, dict) else None


async def _stand_in_response_urls(
    context: HubContext, routed: RoutingRequest, decision: Forward, body: bytes, document, query: str
) -> tuple[bytes, str]:
    """Commands and charging profiles carry a `response_url` on the requester's server, which the receiver can
    neither call with its credentials nor perhaps reach: hand it a hub URL that leads back."""
    module = routed.module
    if module not in ("commands", "chargingprofiles"):
        return body, query
    common = {
        "caller_platform_id": decision.target.platform_id,
        "recipient_platform_id": decision.sender.platform_id,
        "module": module,
        "from_party": decision.target.id,
        "to_party": decision.sender.id,
    }
    if document is not None and isinstance(document.get("response_url"), str) and routed.method in ("POST", "PUT"):
        original = _own_url(context, document["response_url"], decision.sender.platform_id)
        hub_url = await hub_urls.stand_in(
            context,
            kind="response_url",
            target_url=original,
            ttl_seconds=_result_ttl(context, routed, document),
            **common,
        )
        body = hub_urls.replace_response_url(body, hub_url)
    if module == "chargingprofiles" and "response_url=" in query:
        original = next((v for k, v in _query_pairs(query) if k == "response_url"), None)
        if original:
            hub_url = await hub_urls.stand_in(
                context,
                kind="response_url",
                target_url=_own_url(context, original, decision.sender.platform_id),
                ttl_seconds=context.settings.command_result_ttl_seconds,
                **common,
            )
            query = hub_urls.replace_query_value(query, "response_url", hub_url)
    return body, query


def _own_url(context: HubContext, url: str, platform_id: str) -> str:
    if context.settings.stand_in_own_hosts_only and not hub_urls.on_platform_host(
        url, context.directory.get(platform_id)
    ):
        raise OcpiError(
            INVALID_PARAMETERS,
            f"response_url {url!r} is not on your platform's registered hosts (those of your OCPI endpoints)",
        )
    return url


def _query_pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def _result_ttl(context: HubContext, routed: RoutingRequest, document: dict[str, Any]) -> float:
    """A reservation's results (including a later CANCELED_RESERVATION) may come until it expires."""
    ttl = context.settings.command_result_ttl_seconds
    if routed.keys.command == "RESERVE_NOW" or routed.path.strip("/") == "RESERVE_NOW":
        expiry = document.get("expiry_date")
        if isinstance(expiry, str):
            with contextlib.suppress(ValueError):
                ttl += max(0.0, parse_datetime(expiry).timestamp() - time.time())
    return ttl


async def _stand_in_response_headers(
    context: HubContext, routed: RoutingRequest, decision: Forward, relayed: Relayed, headers: CIMultiDict
) -> None:
    common = {
        "caller_platform_id": decision.sender.platform_id,
        "recipient_platform_id": decision.target.platform_id,
        "module": routed.module,
        "from_party": decision.sender.id,
        "to_party": decision.target.id,
    }
    link = await hub_urls.stand_in_next_page(context, relayed.headers.get("Link"), answered_url=decision.url, **common)
    if link:
        headers["Link"] = link
    location = hub_urls.receivers_url(
        context, relayed.headers.get("Location"), decision.url, decision.target.platform_id
    )
    if location and routed.module == "cdrs":
        hub_url = await hub_urls.stand_in(
            context,
            kind="location",
            target_url=location,
            ttl_seconds=context.settings.cdr_location_ttl_days * 86400,
            **common,
        )
        headers["Location"] = hub_url


async def _remember(context: HubContext, routed: RoutingRequest, decision: Forward, document) -> None:
    """What open routing learns from traffic the receiver accepted: which CPO and eMSP a session or reservation is
    between, kept under each of the two parties (ids are unique only within one CPO)."""
    now = time.time()
    settings = context.settings
    if routed.module == "sessions" and routed.interface == "RECEIVER" and routed.method == "PUT":
        segments = routed.segments
        if len(segments) >= 3:
            expires_at = now + settings.session_hint_ttl_days * 86400
            cpo, emsp = decision.sender.key, decision.target.key
            for party in (cpo, emsp):
                await _hint(context, "session", hint_key(party, segments[2]), cpo, emsp, expires_at)
    if routed.module == "commands" and routed.path.strip("/") == "RESERVE_NOW" and document:
        reservation_id = document.get("reservation_id")
        if isinstance(reservation_id, str):
            expires_at = now + _result_ttl(context, routed, document)
            cpo, emsp = decision.target.key, decision.sender.key
            await _hint(context, "reservation", hint_key(emsp, reservation_id), cpo, emsp, expires_at)


async def _hint(context: HubContext, kind: str, key: str, cpo: str, emsp: str, expires_at: float) -> None:
    """Keep a hint; if the same key already leads to another pair of parties, keep it as ambiguous (routes nothing)."""
    existing = await context.hints.get(kind, key)
    if existing is None or (existing.cpo, existing.emsp) != (cpo, emsp):
        existing = await context.hints.stored(kind, key)  # another process may have written it meanwhile
    if existing is not None and (existing.cpo, existing.emsp) != (cpo, emsp):
        cpo = emsp = ""
        log.warning("routing hint is ambiguous; open routing will ask for OCPI-to", kind=kind, key=key)
    hint = RoutingHint(kind=kind, key=key, cpo=cpo, emsp=emsp, expires_at=expires_at)
    await context.hints.put(hint, ttl_seconds=expires_at - time.time())

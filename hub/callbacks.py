"""Calls to the hub URLs that stand in for platforms' own URLs (see hub_urls): a CPO POSTing a command result, a
CPO GETting a CDR by its Location, a requester following a Link to the next page. Only the platform the URL was
handed to may call it; the call goes to the original URL with the recipient's token. Every answer is recorded in
the message log, refusals included."""

from __future__ import annotations

import time

import structlog
from aiohttp import web

from hub import hub_urls
from hub.context import HUB_CONTEXT, HubContext
from hub.edge import authenticate, check_json
from hub.envelope import CLIENT_ERROR, JSON_CONTENT_TYPE, SERVER_ERROR, OcpiError, envelope_bytes
from hub.forwarder import ForwardFailed, answer_headers, bare_answer, read_envelope, routing_headers, send
from hub.trail import Trail
from routing.model import PartyId, Status
from storage.models import CallbackMapping, PlatformState

log = structlog.get_logger("hub.callbacks")

METHODS = {"response_url": "POST", "location": "GET", "link": "GET"}


async def call_back(request: web.Request) -> web.StreamResponse:
    caller = await authenticate(request)
    context = request.app[HUB_CONTEXT]
    trail = Trail(context, request, caller, "", "CALLBACK")
    try:
        return await _call_back(context, request, caller.platform.id, trail)
    except OcpiError as error:
        return trail.refuse(error.status_code, error.message, error.http_status, headers=error.headers)
    except web.HTTPRequestEntityTooLarge:
        return trail.refuse(CLIENT_ERROR, "request body too large", 413)
    except Exception:
        log.exception("unhandled error", path=request.path, method=request.method, request_id=trail.request_id)
        return trail.refuse(SERVER_ERROR, "internal hub error; the request was not processed", 500)


async def _call_back(context: HubContext, request: web.Request, caller_id: str, trail: Trail) -> web.StreamResponse:
    mapping = await context.store.callbacks.get(request.match_info["mapping_id"], time.time())
    if mapping is None or mapping.caller_platform_id != caller_id:
        raise OcpiError(int(Status.UNKNOWN_CALLBACK), "unknown or expired hub URL", 404)
    trail.module = mapping.module
    to = PartyId(*mapping.to_party.split(":"))
    from_ = PartyId(*mapping.from_party.split(":"))
    trail.to = to
    if request.method != METHODS[mapping.kind]:
        raise OcpiError(2000, f"use {METHODS[mapping.kind]} on this URL", 405, {"Allow": METHODS[mapping.kind]})
    recipient = context.directory.get(mapping.recipient_platform_id)
    token = context.peer_token(recipient) if recipient and recipient.state is PlatformState.REGISTERED else None
    if token is None:
        raise OcpiError(int(Status.NOT_CONNECTED), "the receiver is no longer connected to the hub")
    body = await request.read()
    trail.request_bytes = len(body)
    if body:
        check_json(body)
    try:
        relayed = await send(
            context.client.session,
            request.method,
            mapping.target_url,
            token=token,
            encoding=recipient.auth_encoding,
            correlation_id=trail.correlation_id,
            headers=routing_headers(to, from_),
            body=body,
            timeout_seconds=context.settings.timeout_for(mapping.module),
            slots=context.slots,
        )
    except ForwardFailed as failure:
        outcome = "timeout" if failure.status is Status.TIMEOUT else "unreachable"
        return trail.refuse(
            failure.status,
            f"the receiver: {failure.message}",
            outcome=outcome,
            receiver_platform=mapping.recipient_platform_id,
            downstream_request_id=failure.request_id,
        )
    bare = bare_answer(relayed, mapping.module, request.method, [])
    if bare is not None:
        if not bare.relayed:
            return trail.refuse(bare.status, f"the receiver {bare.message}", downstream_request_id=relayed.request_id)
        body = envelope_bytes(int(bare.status), f"the receiver {bare.message}")
        trail.done(
            to_party=mapping.to_party,
            from_party=mapping.from_party,
            http_status=bare.http_status,
            status_code=int(bare.status),
            outcome="forwarded",
            response_bytes=len(body),
            relayed=relayed,
            receiver_platform=mapping.recipient_platform_id,
            status_message=f"the receiver {bare.message}",
        )
        return web.Response(body=body, status=bare.http_status, content_type=JSON_CONTENT_TYPE)
    headers = answer_headers(relayed)
    link = await _next_page(context, relayed.headers.get("Link"), mapping, from_, to)
    if link:
        headers["Link"] = link
    answered = read_envelope(relayed.body)
    trail.done(
        to_party=mapping.to_party,
        from_party=mapping.from_party,
        http_status=relayed.status,
        status_code=answered.status_code,
        outcome="forwarded",
        response_bytes=len(relayed.body),
        relayed=relayed,
        receiver_platform=mapping.recipient_platform_id,
        status_message=answered.message,
        downstream_status_code=answered.status_code,
    )
    return web.Response(status=relayed.status, body=relayed.body, headers=headers)


async def _next_page(
    context: HubContext, link: str | None, mapping: CallbackMapping, from_: PartyId, to: PartyId
) -> str | None:
    return await hub_urls.stand_in_next_page(
        context,
        link,
        answered_url=mapping.target_url,
        caller_platform_id=mapping.caller_platform_id,
        recipient_platform_id=mapping.recipient_platform_id,
        module=mapping.module,
        from_party=from_,
        to_party=to,
    )

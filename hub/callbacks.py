"""Calls to the hub URLs that stand in for platforms' own URLs (see hub_urls): a CPO POSTing a command result, a
CPO GETting a CDR by its Location, a requester following a Link to the next page. Only the platform the URL was
handed to may call it; the call goes to the original URL with the recipient's token."""

from __future__ import annotations

import time

from aiohttp import web

from hub import hub_urls
from hub.context import HUB_CONTEXT
from hub.edge import authenticate, check_json, request_ids
from hub.envelope import OcpiError
from hub.forwarder import ForwardFailed, answer_headers, not_an_envelope, routing_headers, send
from routing.model import PartyId, Status
from storage.models import MessageRecord, PlatformState

METHODS = {"response_url": "POST", "location": "GET", "link": "GET"}


async def call_back(request: web.Request) -> web.StreamResponse:
    caller = await authenticate(request)
    context = request.app[HUB_CONTEXT]
    started = time.perf_counter()
    mapping = await context.store.callbacks.get(request.match_info["mapping_id"], time.time())
    if mapping is None or mapping.caller_platform_id != caller.platform.id:
        raise OcpiError(int(Status.UNKNOWN_CALLBACK), "unknown or expired hub URL", 404)
    if request.method != METHODS[mapping.kind]:
        raise OcpiError(2000, f"use {METHODS[mapping.kind]} on this URL", 405, {"Allow": METHODS[mapping.kind]})
    recipient = context.directory.get(mapping.recipient_platform_id)
    token = context.peer_token(recipient) if recipient and recipient.state is PlatformState.REGISTERED else None
    if token is None:
        raise OcpiError(
            int(Status.NOT_CONNECTED),
            "the receiver is no longer connected to the hub",
            context.settings.hub_error_http_status,
        )
    body = await request.read()
    if body:
        check_json(body)
    to = PartyId(*mapping.to_party.split(":"))
    from_ = PartyId(*mapping.from_party.split(":"))
    request_id, correlation_id = request_ids(request)
    try:
        relayed = await send(
            context.client.session,
            request.method,
            mapping.target_url,
            token=token,
            encoding=recipient.auth_encoding,
            correlation_id=correlation_id,
            headers=routing_headers(to, from_),
            body=body,
            timeout_seconds=context.settings.timeout_for(mapping.module),
        )
    except ForwardFailed as failure:
        raise OcpiError(int(failure.status), failure.message, context.settings.hub_error_http_status) from failure
    refusal = not_an_envelope(relayed)
    if refusal is not None:
        status, reason = refusal
        raise OcpiError(int(status), f"the receiver {reason}", context.settings.hub_error_http_status)
    headers = answer_headers(relayed)
    link = await hub_urls.stand_in_next_page(
        context,
        relayed.headers.get("Link"),
        answered_url=mapping.target_url,
        caller_platform_id=mapping.caller_platform_id,
        recipient_platform_id=mapping.recipient_platform_id,
        module=mapping.module,
        from_party=from_,
        to_party=to,
    )
    if link:
        headers["Link"] = link
    context.messages.record(
        MessageRecord(
            at=time.time(),
            request_id=request_id,
            correlation_id=correlation_id,
            platform_id=caller.platform.id,
            from_party=mapping.from_party,
            to_party=mapping.to_party,
            module=mapping.module,
            interface="CALLBACK",
            method=request.method,
            path=request.path,
            http_status=relayed.status,
            status_code=None,
            downstream_http_status=relayed.status,
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            request_bytes=len(body),
            response_bytes=len(relayed.body),
            outcome="forwarded",
        )
    )
    return web.Response(status=relayed.status, body=relayed.body, headers=headers)

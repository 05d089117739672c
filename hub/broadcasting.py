"""Broadcast push and GET All via the hub. The hub answers the broadcaster itself, keeps the latest copy of each
broadcast object (applying PATCHes at Location, EVSE or Connector level), and fans the push out to every receiver
the routing core chose, with FROM = hub and the owner's ids left in the URL. Receivers' errors are logged and
recorded, never sent back to the broadcaster."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import orjson
import structlog
from aiohttp import web

from hub.context import HubContext
from hub.edge import request_ids
from hub.envelope import JSON_CONTENT_TYPE, SUCCESS, envelope_bytes
from hub.forwarder import ForwardFailed, routing_headers, send
from hub.pagination import page_headers, read_page
from routing.decision import Broadcast, GetAll
from routing.model import PartyEntry, Status
from routing.object_merge import merge_push, sort_key
from routing.request import RoutingRequest
from storage.models import MessageRecord, StoredObject

if TYPE_CHECKING:
    from hub.functional import _Trail

log = structlog.get_logger("hub.broadcast")

MAX_CONCURRENT_FAN_OUT = 64
GET_ALL_PAGE_SIZE = 1000


async def carry_out_broadcast(
    context: HubContext, request: web.Request, routed: RoutingRequest, decision: Broadcast, body: bytes, trail: _Trail
) -> web.Response:
    segments = routed.segments
    if len(segments) < 3 or (segments[0].upper(), segments[1].upper()) != (
        decision.sender.country_code,
        decision.sender.party_id,
    ):
        return trail.refuse(
            Status.INVALID_PARAMETERS,
            f"a broadcast push must name its owner in the URL: /{decision.sender.country_code}/"
            f"{decision.sender.party_id}/<id>",
        )
    await _keep_copy(context, routed, decision.sender, body)
    answer = envelope_bytes(SUCCESS)
    trail.done(
        to_party="*",
        http_status=200,
        status_code=SUCCESS,
        outcome="broadcast",
        response_bytes=len(answer),
        recipients=len(decision.recipients),
        from_party=str(decision.sender.id),
    )
    _, correlation_id = request_ids(request)
    context.background(_fan_out(context, request.method, request.query_string, body, decision, routed, correlation_id))
    response = web.Response(body=answer, content_type=JSON_CONTENT_TYPE)
    response.headers.update(routing_headers(decision.sender.id, context.hub_party))
    return response


async def _keep_copy(context: HubContext, routed: RoutingRequest, sender: PartyEntry, body: bytes) -> None:
    if routed.method not in ("PUT", "PATCH") or not body:
        return
    document = orjson.loads(body)
    if not isinstance(document, dict):
        return
    levels = routed.segments[2:]
    module = routed.module
    stored = await context.store.objects.get(module, sender.country_code, sender.party_id, levels[0])
    previous = orjson.loads(stored.body) if stored else None
    merged = merge_push(module, routed.method, previous, levels, document)
    if merged is None:
        log.info("broadcast not kept: nothing to apply it to", module=module, path=routed.path)
        return
    last_updated = merged.get("last_updated") if isinstance(merged.get("last_updated"), str) else ""
    await context.store.objects.put(
        StoredObject(
            module=module,
            country_code=sender.country_code,
            party_id=sender.party_id,
            object_id=levels[0],
            last_updated=last_updated,
            sort_key=sort_key(last_updated),
            body=orjson.dumps(merged),
        )
    )


async def _fan_out(
    context: HubContext,
    method: str,
    query: str,
    body: bytes,
    decision: Broadcast,
    routed: RoutingRequest,
    correlation_id: str,
) -> None:
    limit = asyncio.Semaphore(MAX_CONCURRENT_FAN_OUT)

    async def deliver(party: PartyEntry, url: str) -> None:
        platform = context.directory.get(party.platform_id)
        token = context.peer_token(platform) if platform else None
        started = time.time()
        outcome, status, relayed_status = "broadcast-leg", None, None
        if token is None:
            outcome = "unreachable"
        else:
            async with limit:
                try:
                    relayed = await send(
                        context.client.session,
                        method,
                        f"{url}?{query}" if query else url,
                        token=token,
                        encoding=platform.auth_encoding,
                        correlation_id=correlation_id,
                        headers=routing_headers(party.id, context.hub_party),
                        body=body,
                        timeout_seconds=context.settings.timeout_for(routed.module),
                    )
                    relayed_status = relayed.status
                    status = _status_code(relayed.body)
                    if not 200 <= relayed.status < 300 or (status is not None and status >= 2000):
                        log.warning(
                            "broadcast receiver refused",
                            receiver=party.key,
                            http_status=relayed.status,
                            status_code=status,
                            path=routed.path,
                        )
                except ForwardFailed as failure:
                    outcome = "timeout" if failure.status is Status.TIMEOUT else "unreachable"
                    log.warning("broadcast receiver failed", receiver=party.key, reason=failure.message)
        context.messages.record(
            MessageRecord(
                at=started,
                request_id="",
                correlation_id=correlation_id,
                platform_id=party.platform_id,
                from_party=str(context.hub_party),
                to_party=str(party.id),
                module=routed.module,
                interface=routed.interface,
                method=method,
                path=url,
                http_status=relayed_status or 0,
                status_code=status,
                downstream_http_status=relayed_status,
                downstream_status_code=status,
                latency_ms=round((time.time() - started) * 1000, 2),
                request_bytes=len(body),
                outcome=outcome,
            )
        )

    await asyncio.gather(*(deliver(party, url) for party, url in decision.recipients))


def _status_code(body: bytes) -> int | None:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    value = document.get("status_code") if isinstance(document, dict) else None
    return value if isinstance(value, int) else None


async def get_all(context: HubContext, request: web.Request, decision: GetAll, trail: _Trail) -> web.Response:
    page = read_page(request, GET_ALL_PAGE_SIZE)
    objects, total = await context.store.objects.page(
        decision.module,
        [(owner.country_code, owner.party_id) for owner in decision.owners],
        _key(page.date_from),
        _key(page.date_to),
        page.offset,
        page.limit,
    )
    body = envelope_bytes(SUCCESS, data=[orjson.Fragment(stored.body) for stored in objects])
    headers = page_headers(request, context.settings.base_url, page, total, GET_ALL_PAGE_SIZE)
    headers.update(routing_headers(decision.sender.id, context.hub_party))
    trail.done(
        to_party=str(context.hub_party),
        http_status=200,
        status_code=SUCCESS,
        outcome="answered",
        response_bytes=len(body),
        from_party=str(decision.sender.id),
    )
    return web.Response(body=body, content_type=JSON_CONTENT_TYPE, headers=headers)


def _key(moment) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

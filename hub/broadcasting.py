"""Broadcast push and GET All via the hub. The hub answers the broadcaster itself, keeps the latest copy of each
broadcast object (applying PATCHes at Location, EVSE or Connector level; a tariff's DELETE removes it), and fans the
push out to every receiver
the routing core chose, with FROM = hub and the owner's ids left in the URL. Receivers' errors are logged and
recorded, never sent back to the broadcaster."""

from __future__ import annotations

import asyncio
import weakref

import orjson
import structlog
from aiohttp import web

from hub.context import HubContext
from hub.edge import request_ids
from hub.envelope import JSON_CONTENT_TYPE, SUCCESS, envelope_bytes
from hub.fan_out import Delivery
from hub.forwarder import routing_headers
from hub.pagination import page_headers, read_page
from hub.trail import Trail
from routing.decide import token_object_id
from routing.decision import Broadcast, GetAll
from routing.model import PartyEntry, Status
from routing.object_merge import merge_push, sort_key
from routing.request import RoutingRequest
from storage.models import StoredObject

log = structlog.get_logger("hub.broadcast")

GET_ALL_PAGE_SIZE = 1000


async def carry_out_broadcast(
    context: HubContext, request: web.Request, routed: RoutingRequest, decision: Broadcast, body: bytes, trail: Trail
) -> web.Response:
    if len(routed.segments) < 3:
        return trail.refuse(
            Status.INVALID_PARAMETERS, "a broadcast push names one object: /{country_code}/{party_id}/{id}"
        )
    refusal = await _keep_copy(context, request, routed, decision.sender, body)
    if refusal is not None:
        return trail.refuse(Status.INVALID_PARAMETERS, refusal)
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
    query = f"?{request.query_string}" if request.query_string else ""
    object_key = "/".join(routed.segments[:3])
    context.fan_out.submit(
        [
            Delivery(
                party,
                url + query,
                request.method,
                body,
                routed.module,
                routed.interface,
                object_key,
                correlation_id,
                trail.request_id,
                request.path,
            )
            for party, url in decision.recipients
        ]
    )
    response = web.Response(body=answer, content_type=JSON_CONTENT_TYPE)
    response.headers.update(routing_headers(decision.sender.id, context.hub_party))
    return response


IDENTITY_FIELD = {"locations": "id", "tariffs": "id", "tokens": "uid"}
CHILD_IDENTITY_FIELD = ("uid", "id")  # an EVSE's, then a Connector's
_object_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


async def _keep_copy(
    context: HubContext, request: web.Request, routed: RoutingRequest, sender: PartyEntry, body: bytes
) -> str | None:
    """Update the hub's copy of the broadcast object. Returns why the push is refused, or None. A push the hub
    cannot apply to its copy (a PATCH of an object it never saw, a malformed one) is still fanned out."""
    if routed.method == "DELETE":
        object_id = routed.segments[2]
        deleted = await context.store.objects.delete(routed.module, sender.country_code, sender.party_id, object_id)
        if not deleted:
            log.info("broadcast DELETE of an object the hub has no copy of", module=routed.module, path=routed.path)
        return None
    if routed.method not in ("PUT", "PATCH") or not body:
        return None
    document = orjson.loads(body)
    if not isinstance(document, dict):
        return "the body must be a JSON object"
    module, levels = routed.module, routed.segments[2:]
    mismatch = _identity_mismatch(module, sender, levels, document)
    if mismatch:
        return mismatch
    object_id = levels[0]
    if module == "tokens":
        object_id = token_object_id(object_id, request.query.get("type") or document.get("type"))
    key = f"{module}|{sender.country_code}|{sender.party_id}|{object_id}"
    lock = _object_locks.get(key)
    if lock is None:
        lock = _object_locks[key] = asyncio.Lock()
    async with lock:
        try:
            await _merge_and_store(context, routed, sender, levels, object_id, document)
        except (TypeError, ValueError, OverflowError, AttributeError) as error:
            log.warning("broadcast not kept: cannot apply it", module=module, path=routed.path, error=str(error))
    return None


def _identity_mismatch(module: str, sender: PartyEntry, levels: list[str], document: dict) -> str | None:
    """The body may not name another owner or object than its URL (else the hub's copy would be another's)."""
    if len(levels) == 1:
        expected = {"country_code": sender.country_code, "party_id": sender.party_id, IDENTITY_FIELD[module]: levels[0]}
    else:
        expected = {CHILD_IDENTITY_FIELD[len(levels) - 2]: levels[-1]}
    for field, value in expected.items():
        given = document.get(field)
        if given is not None and str(given).upper() != value.upper():
            return f"the body's {field} {given!r} does not match the URL's {value!r}"
    return None


async def _merge_and_store(
    context: HubContext, routed: RoutingRequest, sender: PartyEntry, levels: list[str], object_id: str, document: dict
) -> None:
    module = routed.module
    stored = await context.store.objects.get(module, sender.country_code, sender.party_id, object_id)
    previous = orjson.loads(stored.body) if stored else None
    if stored is not None and routed.method == "PUT" and len(levels) == 1:
        incoming = sort_key(str(document.get("last_updated", "")))
        if incoming and stored.sort_key and incoming < stored.sort_key:
            log.info("broadcast not kept: older than the hub's copy", module=module, path=routed.path)
            return
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
            object_id=object_id,
            last_updated=last_updated,
            sort_key=sort_key(last_updated),
            body=orjson.dumps(merged),
        )
    )


async def get_all(context: HubContext, request: web.Request, decision: GetAll, trail: Trail) -> web.Response:
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

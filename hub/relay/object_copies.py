"""The hub's copy of each broadcast location, tariff and token, for GET All: a PUT replaces it (unless older than
the copy), a PATCH is applied at Location, EVSE or Connector level (routing.object_merge), a tariff's DELETE removes
it. Pushes for one object are applied one at a time, in the order they came."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import orjson
import structlog

from routing.datetimes import sort_key
from routing.decide import token_object_id
from routing.model import PartyEntry
from routing.object_merge import identity_mismatch, merge_push
from routing.request import RoutingRequest
from storage.models import StoredObject
from storage.ports import ObjectStore

log = structlog.get_logger("hub.broadcast")


class ObjectCopies:
    def __init__(self, objects: ObjectStore) -> None:
        self._objects = objects
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def keep(
        self, routed: RoutingRequest, sender: PartyEntry, document: Any, token_type: str | None
    ) -> str | None:
        """Update the copy of the object the push names. Returns why the push is refused, or None. A push the hub
        cannot apply to its copy (a PATCH of an object it never saw) is still fanned out."""
        module, levels = routed.module, routed.segments[2:]
        if routed.method == "DELETE":
            if not await self._objects.delete(module, sender.country_code, sender.party_id, levels[0]):
                log.info("broadcast DELETE of an object the hub has no copy of", module=module, path=routed.path)
            return None
        if routed.method not in ("PUT", "PATCH") or document is None:
            return None
        if not isinstance(document, dict):
            return "the body must be a JSON object"
        mismatch = identity_mismatch(module, sender.country_code, sender.party_id, levels, document)
        if mismatch:
            return mismatch
        object_id = levels[0]
        if module == "tokens":
            object_id = token_object_id(object_id, token_type or document.get("type"))
        key = f"{module}|{sender.country_code}|{sender.party_id}|{object_id}"
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            await self._merge_and_store(routed, sender, levels, object_id, document)
        return None

    async def _merge_and_store(
        self, routed: RoutingRequest, sender: PartyEntry, levels: list[str], object_id: str, document: dict
    ) -> None:
        module = routed.module
        stored = await self._objects.get(module, sender.country_code, sender.party_id, object_id)
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
        await self._objects.put(
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

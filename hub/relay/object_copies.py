"""The hub's copy of each broadcast location, tariff and token, for GET All: a PUT replaces it (unless older than
the copy), a PATCH is applied at Location, EVSE or Connector level (routing.object_merge), a tariff's DELETE removes
it. Pushes for one object are applied one at a time, in the order they came. Also the sessions and CDRs passed to
parties that cannot ask one CPO for them (2.1.1: no routing headers), kept the same way, found by recipient."""

from __future__ import annotations

import asyncio
import dataclasses
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
from translation import Context, translate

log = structlog.get_logger("hub.broadcast")


@dataclasses.dataclass(frozen=True, slots=True)
class Kept:
    refusal: str | None = None  # why the push is refused
    copy: dict | None = None  # the hub's copy after the push


COPY_KINDS = {"locations": "location", "tariffs": "tariff", "tokens": "token", "sessions": "session", "cdrs": "cdr"}


def in_version(module: str, copy: dict, source: str, target: str, owner: PartyEntry) -> dict | None:
    """The hub's copy in the version a push for it came in (its owner moved to another version): what the push is
    applied to. None when it cannot be given in that version (the push then applies to nothing)."""
    context = Context(owner_country_code=owner.country_code, owner_party_id=owner.party_id)
    translated = translate(COPY_KINDS[module], copy, source, target, context)
    return None if translated.refused else translated.body


class ObjectCopies:
    def __init__(self, objects: ObjectStore) -> None:
        self._objects = objects
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def keep(
        self,
        routed: RoutingRequest,
        sender: PartyEntry,
        document: Any,
        token_type: str | None,
        version: str = "2.2.1",
    ) -> Kept:
        """Update the copy of the object the push names. Returns why the push is refused, or the copy as it is
        now (None when the hub has none: a PATCH of an object it never saw is still fanned out)."""
        module, levels = routed.module, routed.segments[2:]
        if routed.method == "DELETE":
            if not await self._objects.delete(module, sender.country_code, sender.party_id, levels[0]):
                log.info("broadcast DELETE of an object the hub has no copy of", module=module, path=routed.path)
            return Kept()
        if routed.method not in ("PUT", "PATCH") or document is None:
            return Kept()
        if not isinstance(document, dict):
            return Kept(refusal="the body must be a JSON object")
        mismatch = identity_mismatch(module, sender.country_code, sender.party_id, levels, document)
        if mismatch:
            return Kept(refusal=mismatch)
        object_id = levels[0]
        if module == "tokens":
            object_id = token_object_id(object_id, token_type or document.get("type"))
        async with self._lock(f"{module}|{sender.country_code}|{sender.party_id}|{object_id}"):
            merged = await self._merge_and_store(routed, routed.method, sender, levels, object_id, document, version)
            return Kept(copy=merged)

    async def keep_for(
        self, routed: RoutingRequest, sender: PartyEntry, recipient: PartyEntry, document: Any, version: str = "2.2.1"
    ) -> None:
        """Keep the session or CDR a CPO passes to `recipient` (routing.decision.Forward.keep_copy), in 2.2.1 form,
        with the recipient as its alt_key: that party's list GETs are answered from these copies."""
        if not isinstance(document, dict):
            return
        if routed.module == "cdrs":  # a CDR is POSTed once, whole
            object_id, method = document.get("id"), "PUT"
        else:
            object_id, method = (routed.segments[2] if len(routed.segments) >= 3 else None), routed.method
        if not isinstance(object_id, str) or not object_id:
            return
        key = f"{routed.module}|{sender.country_code}|{sender.party_id}|{object_id}"
        async with self._lock(key):
            await self._merge_and_store(
                routed, method, sender, [object_id], object_id, document, version, str(recipient.id)
            )

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def _merge_and_store(
        self,
        routed: RoutingRequest,
        method: str,
        sender: PartyEntry,
        levels: list[str],
        object_id: str,
        document: dict,
        version: str,
        recipient: str = "",
    ) -> dict | None:
        module = routed.module
        stored = await self._objects.get(module, sender.country_code, sender.party_id, object_id)
        previous = orjson.loads(stored.body) if stored else None
        if stored is not None and stored.version != version and previous is not None:
            previous = in_version(module, previous, stored.version, version, sender)
        if stored is not None and method == "PUT" and len(levels) == 1:
            incoming = sort_key(str(document.get("last_updated", "")))
            if incoming and stored.sort_key and incoming < stored.sort_key:
                log.info("copy not kept: older than the hub's", module=module, path=routed.path)
                return previous
        merged = merge_push(module, method, previous, levels, document)
        if merged is None:
            log.info("copy not kept: nothing to apply it to", module=module, path=routed.path)
            return None
        last_updated = merged.get("last_updated") if isinstance(merged.get("last_updated"), str) else ""
        contract_id = merged.get("contract_id") if module == "tokens" else None
        await self._objects.put(
            StoredObject(
                module=module,
                country_code=sender.country_code,
                party_id=sender.party_id,
                object_id=object_id,
                last_updated=last_updated,
                sort_key=sort_key(last_updated),
                body=orjson.dumps(merged),
                # Sessions and CDRs from 2.1.1 CPOs name their token by contract id only; a session or CDR kept
                # for its recipient is found by the recipient.
                alt_key=contract_id.upper() if isinstance(contract_id, str) else recipient,
                version=version,
            )
        )
        return merged

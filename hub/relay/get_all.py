"""GET All via the hub: the hub answers a list GET from its copies of the broadcast objects of every owner the
requester has an agreement with (the routing core chose them), paginated; for a 2.1.1 eMSP also its sessions and
CDRs, from the copies kept of those passed to it. Copies are 2.2.1: translated for a requester of another version."""

from __future__ import annotations

import orjson
from aiohttp import web

from hub.ocpi.envelope import JSON_CONTENT_TYPE, envelope_bytes
from hub.ocpi.pagination import page_headers, read_page
from hub.ocpi.versions import HUB_VERSION
from hub.relay.trail import Trail
from hub.relay.translator import Translator
from hub.relay.transport import routing_headers
from routing.decision import GetAll
from routing.model import SENDER, PartyId
from routing.status import Status
from storage.ports import ObjectStore
from translation.kinds import answer_kind

PAGE_SIZE = 1000


class GetAllAnswer:
    def __init__(self, objects: ObjectStore, base_url: str, hub_party: PartyId, translator: Translator) -> None:
        self._objects = objects
        self._base_url = base_url
        self._hub_party = hub_party
        self._translator = translator

    async def answer(
        self, request: web.Request, decision: GetAll, trail: Trail, version: str = HUB_VERSION
    ) -> web.Response:
        """`version`: the requester's; the copies are kept in 2.2.1 form."""
        page = read_page(request, PAGE_SIZE)
        objects, total = await self._objects.page(
            decision.module,
            [(owner.country_code, owner.party_id) for owner in decision.owners],
            _key(page.date_from),
            _key(page.date_to),
            page.offset,
            page.limit,
            alt_key=None if decision.recipient is None else str(decision.recipient),
        )
        if all(stored.version == version for stored in objects):
            data: list = [orjson.Fragment(stored.body) for stored in objects]
        else:
            data = await self._in_version(decision.module, objects, version, trail)
        body = envelope_bytes(Status.SUCCESS, data=data)
        headers = page_headers(request, self._base_url, page, total, PAGE_SIZE)
        headers.update(routing_headers(decision.sender.id, self._hub_party))
        trail.done(
            to_party=str(self._hub_party),
            http_status=200,
            status_code=Status.SUCCESS,
            outcome="answered",
            response_bytes=len(body),
            from_party=str(decision.sender.id),
        )
        return web.Response(body=body, content_type=JSON_CONTENT_TYPE, headers=headers)

    async def _in_version(self, module: str, objects: list, version: str, trail: Trail) -> list:
        """The copies in the requester's version, in their order; one that cannot be given in it is left out (and
        recorded)."""
        kind = answer_kind(module, SENDER, "GET", [])
        data: list = []
        for index, stored in enumerate(objects):
            if stored.version == version:
                data.append(orjson.Fragment(stored.body))
                continue
            translated = await self._translator.convert(kind, orjson.loads(stored.body), stored.version, version)
            if translated.refused:
                trail.translated(stored.version, version, (f"[{index}] ({translated.refused})",), "answer")
                continue
            data.append(translated.body)
            trail.translated(stored.version, version, tuple(f"[{index}].{path}" for path in translated.lost), "answer")
        return data


def _key(moment) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

"""Broadcast push: the hub answers the broadcaster itself, keeps its copy of the object (object_copies), and fans
the push out to every receiver the routing core chose (fan_out), with FROM = hub and the owner's ids left in the
URL, in each receiver's version. Receivers' errors are recorded, never sent back to the broadcaster."""

from __future__ import annotations

import dataclasses

import orjson
from aiohttp import web

from hub.ocpi.envelope import JSON_CONTENT_TYPE, envelope_bytes
from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import HUB_VERSION
from hub.platforms.directory import Directory
from hub.relay.fan_out import Delivery, FanOut
from hub.relay.object_copies import Kept, ObjectCopies
from hub.relay.payload import Payload
from hub.relay.trail import Trail
from hub.relay.translator import Translator, tariff_patch_becomes_put
from hub.relay.transport import routing_headers
from routing.decision import Broadcast
from routing.model import PartyId
from routing.request import RoutingRequest
from routing.status import Status


class Broadcaster:
    def __init__(
        self, copies: ObjectCopies, fan_out: FanOut, hub_party: PartyId, translator: Translator, directory: Directory
    ) -> None:
        self._directory = directory
        self._copies = copies
        self._fan_out = fan_out
        self._hub_party = hub_party
        self._translator = translator

    async def carry_out(
        self,
        routed: RoutingRequest,
        decision: Broadcast,
        payload: Payload,
        query: str,
        token_type: str | None,
        trail: Trail,
    ) -> web.Response:
        kept = await self._copies.keep(routed, decision.sender, payload.document, token_type, payload.document_version)
        if kept.refusal is not None:
            raise OcpiError(Status.INVALID_PARAMETERS, kept.refusal)
        answer = envelope_bytes(Status.SUCCESS)
        trail.done(
            to_party="*",
            http_status=200,
            status_code=Status.SUCCESS,
            outcome="broadcast",
            response_bytes=len(answer),
            recipients=len(decision.recipients),
            from_party=str(decision.sender.id),
        )
        suffix = f"?{query}" if query else ""
        bodies: dict[tuple[str, str], Versioned] = {}
        deliveries = []
        for party, url in decision.recipients:
            platform = self._directory.get(party.platform_id)
            shape = (party.version, platform.quirks if platform else "")
            versioned = bodies.get(shape)
            if versioned is None:
                versioned = bodies[shape] = await self._in_version(routed, payload, kept, *shape)
            deliveries.append(
                Delivery(
                    party,
                    url + suffix,
                    versioned.method,
                    versioned.body,
                    routed.module,
                    routed.interface,
                    decision.object_key,
                    trail.correlation_id,
                    trail.request_id,
                    trail.path,
                    translation=f"{payload.version}>{party.version}" if party.version != payload.version else "",
                    lost=versioned.lost,
                    refused=versioned.refused,
                )
            )
        self._fan_out.submit(deliveries)
        response = web.Response(body=answer, content_type=JSON_CONTENT_TYPE)
        response.headers.update(routing_headers(decision.sender.id, self._hub_party))
        return response

    async def _in_version(
        self, routed: RoutingRequest, payload: Payload, kept: Kept, version: str, receiver_quirks: str
    ) -> Versioned:
        """The push as receivers speaking `version` get it. A tariff PATCH from 2.1.1 reaches 2.2.1 receivers
        (whose tariffs module has no PATCH) as a PUT of the hub's copy."""
        method = routed.method
        if version != payload.version and tariff_patch_becomes_put(routed.module, method, version):
            if kept.copy is None:
                return Versioned(
                    method,
                    b"",
                    refused=f"cannot be given in OCPI {version}: the hub has no copy of the tariff to send whole",
                )
            method, payload = "PUT", Payload(HUB_VERSION, orjson.dumps(kept.copy), "tariff", False, kept.copy)
        try:
            body, lost = await self._translator.body_for(payload, version, receiver_quirks)
        except OcpiError as error:
            return Versioned(method, b"", refused=error.message)
        return Versioned(method, body, lost)


@dataclasses.dataclass(frozen=True, slots=True)
class Versioned:
    method: str
    body: bytes
    lost: tuple[str, ...] = ()
    refused: str | None = None  # why receivers of this version are not sent the push

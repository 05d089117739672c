"""Broadcast push: the hub answers the broadcaster itself, keeps its copy of the object (object_copies), and fans
the push out to every receiver the routing core chose (fan_out), with FROM = hub and the owner's ids left in the
URL. Receivers' errors are recorded, never sent back to the broadcaster."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub.ocpi.envelope import JSON_CONTENT_TYPE, envelope_bytes
from hub.ocpi.errors import OcpiError
from hub.relay.fan_out import Delivery, FanOut
from hub.relay.object_copies import ObjectCopies
from hub.relay.trail import Trail
from hub.relay.transport import routing_headers
from routing.decision import Broadcast
from routing.model import PartyId
from routing.request import RoutingRequest
from routing.status import Status


class Broadcaster:
    def __init__(self, copies: ObjectCopies, fan_out: FanOut, hub_party: PartyId) -> None:
        self._copies = copies
        self._fan_out = fan_out
        self._hub_party = hub_party

    async def carry_out(
        self,
        routed: RoutingRequest,
        decision: Broadcast,
        body: bytes,
        document: Any,
        query: str,
        token_type: str | None,
        trail: Trail,
    ) -> web.Response:
        refusal = await self._copies.keep(routed, decision.sender, document, token_type)
        if refusal is not None:
            raise OcpiError(Status.INVALID_PARAMETERS, refusal)
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
        self._fan_out.submit(
            [
                Delivery(
                    party,
                    url + suffix,
                    routed.method,
                    body,
                    routed.module,
                    routed.interface,
                    decision.object_key,
                    trail.correlation_id,
                    trail.request_id,
                    trail.path,
                )
                for party, url in decision.recipients
            ]
        )
        response = web.Response(body=answer, content_type=JSON_CONTENT_TYPE)
        response.headers.update(routing_headers(decision.sender.id, self._hub_party))
        return response

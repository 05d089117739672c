"""One leg of a message: the hub sends a request to one receiver and reads what came back. The one forwarding
function for every leg (a directed request, a stand-in URL's call, a broadcast delivery): the receiver's token,
the transport, the check that the answer is OCPI (or what it stands for when it is not), and the stand-ins for
the URLs in the answer (`Link`, a CDR's `Location`)."""

from __future__ import annotations

import dataclasses

import aiohttp
from multidict import CIMultiDict

from hub.ocpi.envelope import JSON_CONTENT_TYPE, envelope_bytes
from hub.ocpi.errors import OcpiError, status_for_version
from hub.platforms.directory import Directory
from hub.platforms.peer_tokens import PeerTokens
from hub.relay.answers import read_answer
from hub.relay.stand_ins import Conversation, StandIns
from hub.relay.transport import ForwardFailed, ReceiverSlots, send
from hub.traffic.breakers import ReceiverBreakers
from routing.status import Status


@dataclasses.dataclass(slots=True)
class Leg:
    receiver_platform_id: str
    receiver: str  # how messages name the receiver: its party (NL:CPA), or "the receiver"
    method: str
    url: str  # with the query string
    headers: dict[str, str]  # routing headers
    body: bytes
    timeout_seconds: float
    correlation_id: str
    module: str
    segments: list[str]  # the path's, for what a bare 404 stands for
    # Stand-ins for the URLs in the answer: who will call them, for whom. None: the answer's URLs are dropped.
    answer_conversation: Conversation | None = None
    location_stand_in: bool = False
    answer_version: str = "2.2.1"  # the requester's: what the hub answers in place of a receiver's bare answer
    location_mapping_id: str | None = None  # the id the Location's stand-in must have (handed out already)


@dataclasses.dataclass(slots=True)
class Delivered:
    """What the requester gets, and what the message log records of the receiver's answer."""

    http_status: int
    body: bytes
    headers: CIMultiDict[str]
    status_code: int | None
    status_message: str
    downstream_request_id: str
    downstream_http_status: int
    downstream_status_code: int | None

    @property
    def accepted(self) -> bool:
        return 200 <= self.http_status < 300 and self.status_code is not None and 1000 <= self.status_code < 2000


class Legs:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        slots: ReceiverSlots,
        directory: Directory,
        peer_tokens: PeerTokens,
        stand_ins: StandIns,
        breakers: ReceiverBreakers,
    ) -> None:
        self._breakers = breakers
        self._session = session
        self._slots = slots
        self._directory = directory
        self._peer_tokens = peer_tokens
        self._stand_ins = stand_ins

    async def deliver(self, leg: Leg) -> Delivered:
        """Raises OcpiError (with its outcome for the message log) when the receiver cannot be asked, did not
        answer, or answered with something the requester cannot use (its refusal of the hub's token, a 5xx page)."""
        platform = self._directory.get(leg.receiver_platform_id)
        token = self._peer_tokens.token_for(platform) if platform else None
        if platform is None or token is None:
            raise OcpiError(Status.NOT_CONNECTED, f"receiver {leg.receiver} is not connected to the hub")
        refusal = self._breakers.refusal(leg.receiver_platform_id)
        if refusal is not None:
            raise OcpiError(
                Status.NOT_CONNECTED,
                f"{leg.receiver}: {refusal}",
                outcome="failing-fast",
                receiver_platform=leg.receiver_platform_id,
            )
        try:
            relayed = await send(
                self._session,
                leg.method,
                leg.url,
                token=token,
                encoding=platform.auth_encoding,
                correlation_id=leg.correlation_id,
                headers=leg.headers,
                body=leg.body,
                timeout_seconds=leg.timeout_seconds,
                slots=self._slots,
            )
        except ForwardFailed as failure:
            self._breakers.failed(leg.receiver_platform_id, failure.message)
            raise OcpiError(
                failure.status,
                f"{leg.receiver}: {failure.message}",
                outcome="timeout" if failure.status is Status.TIMEOUT else "unreachable",
                receiver_platform=leg.receiver_platform_id,
                downstream_request_id=failure.request_id,
            ) from failure
        self._breakers.succeeded(leg.receiver_platform_id)
        read = read_answer(relayed, leg.module, leg.method, leg.segments)
        bare = read.bare
        if bare is not None:
            message = f"{leg.receiver} {bare.message}"
            if not bare.relayed:
                raise OcpiError(
                    bare.status,
                    message,
                    downstream_request_id=relayed.request_id,
                    downstream_http_status=relayed.status,
                )
            status_code, answered_message = status_for_version(int(bare.status), message, leg.answer_version)
            return Delivered(
                http_status=bare.http_status,
                body=envelope_bytes(status_code, answered_message),
                headers=CIMultiDict({"Content-Type": JSON_CONTENT_TYPE}),
                status_code=status_code,
                status_message=message,
                downstream_request_id=relayed.request_id,
                downstream_http_status=relayed.status,
                downstream_status_code=None,
            )
        headers = read.headers
        conversation = leg.answer_conversation
        if conversation is not None:
            link = await self._stand_ins.next_page(relayed.headers.get("Link"), leg.url, conversation)
            if link:
                headers["Link"] = link
            if leg.location_stand_in:
                location = await self._stand_ins.location(
                    relayed.headers.get("Location"), leg.url, conversation, leg.location_mapping_id
                )
                if location:
                    headers["Location"] = location
        answered = read.envelope
        return Delivered(
            http_status=relayed.status,
            body=relayed.body,
            headers=headers,
            status_code=answered.status_code,
            status_message=answered.message,
            downstream_request_id=relayed.request_id,
            downstream_http_status=relayed.status,
            downstream_status_code=answered.status_code,
        )

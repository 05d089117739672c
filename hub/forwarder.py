"""Sending a routed request to its receiver: pooled keep-alive connections, a new X-Request-ID, the caller's
X-Correlation-ID, routing headers, the receiver's token. The body goes as the bytes it came in."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import uuid

import aiohttp
import orjson
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from hub.envelope import JSON_CONTENT_TYPE
from hub.tokens import authorization_header
from routing.model import PartyId, Status
from storage.models import AuthEncoding

ROUTING_HEADERS = ("OCPI-to-country-code", "OCPI-to-party-id", "OCPI-from-country-code", "OCPI-from-party-id")
# Response headers relayed to the requester besides the routing headers (Link and Location after rewriting).
RELAYED_HEADERS = ("X-Total-Count", "X-Limit")


class ForwardFailed(Exception):
    """`request_id`: the X-Request-ID the request went out with, if it went out."""

    def __init__(self, status: Status, message: str, request_id: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.request_id = request_id


@dataclasses.dataclass
class Relayed:
    status: int
    body: bytes
    headers: CIMultiDictProxy[str]
    latency_ms: float
    request_id: str


_ids = random.Random()  # noqa: S311 (seeded from os.urandom; ids must be unique, not secret)


def new_request_id() -> str:
    """A random (version 4) UUID: X-Request-IDs need to be unique, not secret."""
    return str(uuid.UUID(int=_ids.getrandbits(128), version=4))


def routing_headers(to: PartyId, from_: PartyId) -> dict[str, str]:
    return {
        "OCPI-to-country-code": to.country_code,
        "OCPI-to-party-id": to.party_id,
        "OCPI-from-country-code": from_.country_code,
        "OCPI-from-party-id": from_.party_id,
    }


class ReceiverSlots:
    """At most `limit` requests in flight to one receiver (scheme, host and port) at once; the others wait for a
    slot within their own time limit. Counted here rather than in aiohttp's pool so that a request that waited its
    whole time for a slot is told apart from one the receiver did not answer."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots: dict[tuple[str, str, int | None], asyncio.Semaphore] = {}

    def for_url(self, url: URL) -> asyncio.Semaphore:
        origin = (url.scheme, url.host or "", url.port)
        slot = self._slots.get(origin)
        if slot is None:
            slot = self._slots[origin] = asyncio.Semaphore(self.limit)
        return slot


NO_CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=None, sock_read=None, sock_connect=None)


async def send(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    token: str,
    encoding: AuthEncoding,
    correlation_id: str,
    headers: dict[str, str],
    body: bytes | None,
    timeout_seconds: float,
    slots: ReceiverSlots,
    max_answer_bytes: int = 64 * 1024 * 1024,
) -> Relayed:
    """One request to a receiver, answered within `timeout_seconds` to the millisecond (the time waiting for a
    connection slot included), or ForwardFailed saying which of the two took the time."""
    request_id = new_request_id()
    sent = {
        "Authorization": authorization_header(token, encoding),
        "X-Request-ID": request_id,
        "X-Correlation-ID": correlation_id,
        **headers,
    }
    if body:
        sent["Content-Type"] = JSON_CONTENT_TYPE
    loop = asyncio.get_running_loop()
    started = loop.time()
    target = URL(url)
    slot = slots.for_url(target)
    in_flight = False
    try:
        async with asyncio.timeout_at(started + timeout_seconds), slot:
            in_flight = True
            async with session.request(
                method,
                target,
                data=body or None,
                headers=sent,
                timeout=NO_CLIENT_TIMEOUT,
                allow_redirects=False,
            ) as response:
                content = await _read_at_most(response, max_answer_bytes, request_id)
                return Relayed(response.status, content, response.headers, (loop.time() - started) * 1000, request_id)
    except TimeoutError as error:
        if not in_flight:
            raise ForwardFailed(
                Status.TIMEOUT,
                f"not sent: all {slots.limit} connections to the receiver stayed busy for {timeout_seconds:g} s "
                "(max_connections_per_receiver)",
            ) from error
        raise ForwardFailed(
            Status.TIMEOUT, f"the receiver did not answer within {timeout_seconds:g} s", request_id
        ) from error
    except (aiohttp.ClientError, OSError) as error:
        raise ForwardFailed(
            Status.NOT_CONNECTED, f"cannot reach the receiver: {type(error).__name__}", request_id
        ) from error


async def _read_at_most(response: aiohttp.ClientResponse, limit: int, request_id: str) -> bytes:
    too_large = f"the receiver's answer is larger than {limit} bytes"
    if response.content_length is not None and response.content_length > limit:
        raise ForwardFailed(Status.HUB_ERROR, too_large, request_id)
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise ForwardFailed(Status.HUB_ERROR, too_large, request_id)
        chunks.append(chunk)
    return b"".join(chunks)


PARSE_LIMIT = 65536  # answers larger than this are not parsed just to log their status code


@dataclasses.dataclass(frozen=True)
class EnvelopeFacts:
    """What the hub reads from an answer's envelope: its status code and message (None and "" when unknown)."""

    status_code: int | None
    message: str = ""


def read_envelope(body: bytes) -> EnvelopeFacts:
    """The `status_code` and `status_message` of an OCPI answer, for logs and decisions."""
    if not body or len(body) > PARSE_LIMIT:
        return EnvelopeFacts(None)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return EnvelopeFacts(None)
    if not isinstance(document, dict):
        return EnvelopeFacts(None)
    code, message = document.get("status_code"), document.get("status_message")
    return EnvelopeFacts(
        code if isinstance(code, int) else None, message[:MAX_MESSAGE] if isinstance(message, str) else ""
    )


MAX_MESSAGE = 500  # characters of a receiver's status_message kept in the message log


def envelope_status(body: bytes) -> int | None:
    """The `status_code` of an OCPI answer, for logs and decisions; None when unknown or not an envelope."""
    return read_envelope(body).status_code


def is_envelope(body: bytes) -> bool:
    if len(body) > PARSE_LIMIT:
        return body.lstrip()[:1] == b"{" and b'"status_code"' in body
    return envelope_status(body) is not None


def answer_headers(relayed: Relayed) -> CIMultiDict[str]:
    """The headers the requester gets with a relayed answer: JSON, and the receiver's routing and pagination
    headers (Link and Location are replaced by stand-ins where needed)."""
    headers = CIMultiDict({"Content-Type": JSON_CONTENT_TYPE})
    for name in (*ROUTING_HEADERS, *RELAYED_HEADERS):
        if name in relayed.headers:
            headers[name] = relayed.headers[name]
    return headers


@dataclasses.dataclass(frozen=True)
class BareAnswer:
    """A receiver's answer that is not an OCPI envelope, and how the hub answers in its place."""

    http_status: int
    status: Status | int
    message: str
    relayed: bool  # the receiver's HTTP status goes back to the requester (else the hub's own error)


def bare_answer(relayed: Relayed, module: str, method: str, segments: list[str]) -> BareAnswer | None:
    """None if the answer is an OCPI envelope. Otherwise: a receiver's 401/403 means it refused the hub's own
    credentials (4003; relayed as it is, it would look like the requester's token failing); any other 4xx is the
    receiver's answer about the request, relayed with its HTTP status and the OCPI code it stands for (2004 for an
    unknown token in real-time authorization or a tokens GET, 2003 for a GET of an unknown object, else 2001);
    anything else (a proxy's 502 page, an empty 200) is a hub error, 4000."""
    if is_envelope(relayed.body):
        return None
    status = relayed.status
    if status in (401, 403):
        return BareAnswer(0, Status.NOT_CONNECTED, f"refused the hub's credentials (HTTP {status})", False)
    if 400 <= status < 500:
        code = Status.INVALID_PARAMETERS
        if status == 404:
            authorize = module == "tokens" and segments[-1:] == ["authorize"]
            if authorize or (module == "tokens" and method == "GET" and segments):
                code = UNKNOWN_TOKEN
            elif method == "GET" and segments:
                code = UNKNOWN_OBJECT
        return BareAnswer(status, code, f"answered HTTP {status} without an OCPI response envelope", True)
    return BareAnswer(0, Status.HUB_ERROR, f"answered HTTP {status} without an OCPI response envelope", False)


UNKNOWN_OBJECT = 2003  # OCPI 2.2.1: unknown Location; the closest code for any object the receiver does not know
UNKNOWN_TOKEN = 2004

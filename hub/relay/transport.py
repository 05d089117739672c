"""Sending one request to a receiver: pooled keep-alive connections, at most `max_connections_per_receiver` in
flight to one receiver, a new X-Request-ID, the caller's X-Correlation-ID, routing headers, the receiver's token,
a time limit to the millisecond. The body goes as the bytes it came in."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import uuid

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from hub.ocpi.envelope import JSON_CONTENT_TYPE
from hub.ocpi.tokens import authorization_header
from routing.model import PartyId
from routing.status import Status
from storage.models import AuthEncoding

ROUTING_HEADERS = ("OCPI-to-country-code", "OCPI-to-party-id", "OCPI-from-country-code", "OCPI-from-party-id")


class ForwardFailed(Exception):
    """`request_id`: the X-Request-ID the request went out with, if it went out."""

    def __init__(self, status: Status, message: str, request_id: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.request_id = request_id


@dataclasses.dataclass
class Relayed:
    """The receiver's answer, as it came."""

    status: int
    body: bytes
    headers: CIMultiDictProxy[str]
    request_id: str  # the X-Request-ID it was sent with


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
                return Relayed(response.status, content, response.headers, request_id)
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
    if response.content_length is not None:
        if response.content_length > limit:
            raise ForwardFailed(Status.HUB_ERROR, too_large, request_id)
        return await response.read()  # aiohttp reads no more than the length it was told
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise ForwardFailed(Status.HUB_ERROR, too_large, request_id)
        chunks.append(chunk)
    return b"".join(chunks)

"""Sending a routed request to its receiver: pooled keep-alive connections, a new X-Request-ID, the caller's
X-Correlation-ID, routing headers, the receiver's token. The body goes as the bytes it came in."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
import uuid

import aiohttp
import orjson
from multidict import CIMultiDict, CIMultiDictProxy

from hub.envelope import JSON_CONTENT_TYPE
from hub.tokens import authorization_header
from routing.model import PartyId, Status
from storage.models import AuthEncoding

ROUTING_HEADERS = ("OCPI-to-country-code", "OCPI-to-party-id", "OCPI-from-country-code", "OCPI-from-party-id")
# Response headers relayed to the requester besides the routing headers (Link and Location after rewriting).
RELAYED_HEADERS = ("X-Total-Count", "X-Limit")


class ForwardFailed(Exception):
    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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
    max_answer_bytes: int = 64 * 1024 * 1024,
) -> Relayed:
    request_id = new_request_id()
    sent = {
        "Authorization": authorization_header(token, encoding),
        "X-Request-ID": request_id,
        "X-Correlation-ID": correlation_id,
        **headers,
    }
    if body:
        sent["Content-Type"] = JSON_CONTENT_TYPE
    started = time.perf_counter()
    try:
        async with session.request(
            method,
            url,
            data=body or None,
            headers=sent,
            timeout=aiohttp.ClientTimeout(total=timeout_seconds),
            allow_redirects=False,
        ) as response:
            content = await _read_at_most(response, max_answer_bytes)
            return Relayed(
                response.status, content, response.headers, (time.perf_counter() - started) * 1000, request_id
            )
    except TimeoutError as error:
        raise ForwardFailed(Status.TIMEOUT, f"the receiver did not answer within {timeout_seconds:g} s") from error
    except (aiohttp.ClientError, OSError, ValueError) as error:
        if isinstance(error, asyncio.CancelledError):
            raise
        raise ForwardFailed(Status.NOT_CONNECTED, f"cannot reach the receiver: {type(error).__name__}") from error


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes:
    if response.content_length is not None and response.content_length > limit:
        raise ForwardFailed(Status.HUB_ERROR, f"the receiver's answer is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise ForwardFailed(Status.HUB_ERROR, f"the receiver's answer is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


PARSE_LIMIT = 65536  # answers larger than this are not parsed just to log their status code


def envelope_status(body: bytes) -> int | None:
    """The `status_code` of an OCPI answer, for logs and decisions; None when unknown or not an envelope."""
    if not body or len(body) > PARSE_LIMIT:
        return None
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    value = document.get("status_code") if isinstance(document, dict) else None
    return value if isinstance(value, int) else None


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


def not_an_envelope(relayed: Relayed) -> tuple[Status, str] | None:
    """Why a receiver's answer cannot be relayed as OCPI (a proxy's error page, an empty body), or None. Relayed
    as it is, a receiver's 401 would look like the requester's own token failing."""
    if is_envelope(relayed.body):
        return None
    if relayed.status in (401, 403):
        return Status.NOT_CONNECTED, f"refused the hub's credentials (HTTP {relayed.status})"
    return Status.HUB_ERROR, f"answered HTTP {relayed.status} without an OCPI response envelope"

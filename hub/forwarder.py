"""Sending a routed request to its receiver: pooled keep-alive connections, a new X-Request-ID, the caller's
X-Correlation-ID, routing headers, the receiver's token. The body goes as the bytes it came in."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid

import aiohttp
from multidict import CIMultiDictProxy

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
) -> Relayed:
    request_id = str(uuid.uuid4())
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
            content = await response.read()
            return Relayed(
                response.status, content, response.headers, (time.perf_counter() - started) * 1000, request_id
            )
    except TimeoutError as error:
        raise ForwardFailed(Status.TIMEOUT, f"the receiver did not answer within {timeout_seconds:g} s") from error
    except (aiohttp.ClientError, OSError, ValueError) as error:
        if isinstance(error, asyncio.CancelledError):
            raise
        raise ForwardFailed(Status.NOT_CONNECTED, f"cannot reach the receiver: {type(error).__name__}") from error

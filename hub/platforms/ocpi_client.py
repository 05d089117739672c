"""Outbound OCPI calls the hub makes for itself (credentials callbacks, HubClientInfo pushes, still-alive probes):
one pooled aiohttp session, fresh X-Request-ID per request, the caller's X-Correlation-ID, the token in the form the
peer reads."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import uuid
from typing import Any

import aiohttp
import orjson
import structlog

from hub.ocpi.envelope import JSON_CONTENT_TYPE
from hub.ocpi.tokens import authorization_header
from storage.models import AuthEncoding

log = structlog.get_logger("hub.ocpi_client")


class CallFailed(Exception):
    """The peer could not be reached, did not answer in time, or did not answer with an OCPI envelope."""


@dataclasses.dataclass
class Reply:
    http_status: int
    status_code: int | None
    data: Any
    message: str | None
    encoding: AuthEncoding  # the token encoding the peer accepted

    @property
    def ok(self) -> bool:
        return 200 <= self.http_status < 300 and self.status_code is not None and 1000 <= self.status_code < 2000


class OcpiClient:
    def __init__(self, session: aiohttp.ClientSession, timeout_seconds: float) -> None:
        self._session = session
        # ceil_threshold: aiohttp rounds limits above 5 s up to the next whole second unless told otherwise.
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds, ceil_threshold=math.inf)

    @property
    def session(self) -> aiohttp.ClientSession:
        return self._session

    async def call(
        self,
        method: str,
        url: str,
        token: str,
        encoding: AuthEncoding,
        body: Any = None,
        correlation_id: str | None = None,
        try_other_encoding: bool = False,
    ) -> Reply:
        """One OCPI request. With `try_other_encoding`, a 401 is retried once with the other token encoding: the
        spec's own advice for peers that read the token plain (2.1.1, many 2.2) or Base64 (2.2.1)."""
        reply = await self._call_once(method, url, token, encoding, body, correlation_id)
        if reply.http_status == 401 and try_other_encoding:
            other = AuthEncoding.PLAIN if encoding is AuthEncoding.BASE64 else AuthEncoding.BASE64
            retry = await self._call_once(method, url, token, other, body, correlation_id)
            if retry.http_status != 401:
                return retry
        return reply

    async def _call_once(
        self, method: str, url: str, token: str, encoding: AuthEncoding, body: Any, correlation_id: str | None
    ) -> Reply:
        headers = {
            "Authorization": authorization_header(token, encoding),
            "X-Request-ID": str(uuid.uuid4()),
            "X-Correlation-ID": correlation_id or str(uuid.uuid4()),
            "Accept": JSON_CONTENT_TYPE,
        }
        payload = None
        if body is not None:
            headers["Content-Type"] = JSON_CONTENT_TYPE
            payload = orjson.dumps(body)
        try:
            async with self._session.request(
                method, url, data=payload, headers=headers, timeout=self._timeout, allow_redirects=True
            ) as response:
                raw = await response.read()
                status = response.status
        except TimeoutError as error:
            raise CallFailed(f"{method} {url}: no answer within {self._timeout.total:g} s") from error
        except (aiohttp.ClientError, asyncio.CancelledError, OSError, ValueError) as error:
            if isinstance(error, asyncio.CancelledError):
                raise
            raise CallFailed(f"{method} {url}: {type(error).__name__}: {error}") from error
        return _reply(method, url, status, raw, encoding)


def _reply(method: str, url: str, status: int, raw: bytes, encoding: AuthEncoding) -> Reply:
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if status >= 400:  # a proxy's or framework's error page: the HTTP status says enough
            return Reply(status, None, None, None, encoding)
        raise CallFailed(f"{method} {url}: HTTP {status}, body is not JSON") from error
    if not isinstance(document, dict):
        if status >= 400:
            return Reply(status, None, None, None, encoding)
        raise CallFailed(f"{method} {url}: HTTP {status}, body is not an OCPI response envelope")
    status_code = document.get("status_code")
    if not isinstance(status_code, int):
        status_code = None
    message = document.get("status_message")
    return Reply(status, status_code, document.get("data"), message if isinstance(message, str) else None, encoding)

"""The OCPI response envelope, status codes, and the one exception handlers raise to answer with an error."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from hub.timeutil import now_ocpi

SUCCESS = 1000
CLIENT_ERROR = 2000
INVALID_PARAMETERS = 2001
NOT_ENOUGH_INFORMATION = 2002
SERVER_ERROR = 3000
UNABLE_TO_USE_CLIENT_API = 3001
UNSUPPORTED_VERSION = 3002
NO_MATCHING_ENDPOINTS = 3003
HUB_ERROR = 4000
UNKNOWN_RECEIVER = 4001
HUB_TIMEOUT = 4002
HUB_CONNECTION_PROBLEM = 4003

JSON_CONTENT_TYPE = "application/json"


class OcpiError(Exception):
    """Raise anywhere under a handler; the edge turns it into an envelope with this status code and HTTP status."""

    def __init__(
        self, status_code: int, message: str, http_status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.http_status = http_status
        self.headers = headers or {}


def envelope_bytes(status_code: int, message: str | None = None, data: Any = None) -> bytes:
    body: dict[str, Any] = {}
    if data is not None:
        body["data"] = data
    body["status_code"] = status_code
    if message:
        body["status_message"] = message
    body["timestamp"] = now_ocpi()
    return orjson.dumps(body)


def ocpi_response(
    data: Any = None,
    *,
    status_code: int = SUCCESS,
    message: str | None = None,
    http_status: int = 200,
    headers: dict[str, str] | None = None,
) -> web.Response:
    return web.Response(
        body=envelope_bytes(status_code, message, data),
        status=http_status,
        content_type=JSON_CONTENT_TYPE,
        headers=headers,
    )

"""The OCPI response envelope."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from hub.ocpi.timeutil import now_ocpi
from routing.status import Status

JSON_CONTENT_TYPE = "application/json"


def envelope_bytes(status_code: int, message: str | None = None, data: Any = None) -> bytes:
    body: dict[str, Any] = {}
    if data is not None:
        body["data"] = data
    body["status_code"] = int(status_code)
    if message:
        body["status_message"] = message
    body["timestamp"] = now_ocpi()
    return orjson.dumps(body)


def ocpi_response(
    data: Any = None,
    *,
    status_code: int = Status.SUCCESS,
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

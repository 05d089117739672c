"""The OCPI edge: every response is an OCPI envelope that echoes X-Request-ID and X-Correlation-ID, whatever went
wrong (unknown path, wrong method, bad JSON, bad token, oversized body, a bug). Also authentication and body reading
for handlers."""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson
import structlog
from aiohttp import web

from hub.context import HUB_CONTEXT
from hub.directory import Caller
from hub.envelope import CLIENT_ERROR, INVALID_PARAMETERS, JSON_CONTENT_TYPE, SERVER_ERROR, OcpiError, envelope_bytes
from hub.token_rotation import retire_previous_token

log = structlog.get_logger("hub.edge")

REQUEST_ID = web.RequestKey("request_id", str)
CORRELATION_ID = web.RequestKey("correlation_id", str)

HTTP_MESSAGES = {
    404: "no such OCPI endpoint on this hub",
    405: "method not allowed on this endpoint",
    413: "request body too large",
}


def request_ids(request: web.Request) -> tuple[str, str]:
    return request[REQUEST_ID], request[CORRELATION_ID]


NOT_OCPI = ("/admin", "/metrics", "/health")
# OCPI's ids are UUIDs (36 characters) in practice; longer ones are cut, in the echo, the log and the message log.
MAX_ID_LENGTH = 128


@web.middleware
async def ocpi_edge(request: web.Request, handler) -> web.StreamResponse:
    if request.path.startswith(NOT_OCPI):
        return await handler(request)
    request_id = request.headers.get("X-Request-ID", "")[:MAX_ID_LENGTH] or str(uuid.uuid4())
    correlation_id = request.headers.get("X-Correlation-ID", "")[:MAX_ID_LENGTH] or request_id
    request[REQUEST_ID] = request_id
    request[CORRELATION_ID] = correlation_id
    started = time.perf_counter()
    try:
        response = await handler(request)
    except OcpiError as error:
        response = _error_response(error.http_status, error.status_code, error.message, error.headers)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
        message = HTTP_MESSAGES.get(error.status, error.reason)
        response = _error_response(error.status, CLIENT_ERROR, message, headers)
    except Exception:
        log.exception("unhandled error", path=request.path, method=request.method, request_id=request_id)
        response = _error_response(500, SERVER_ERROR, "internal hub error; the request was not processed", None)
    response.headers["X-Request-ID"] = request_id
    response.headers["X-Correlation-ID"] = correlation_id
    if response.status >= 400 or _status_code(response) != 1000:
        log.info(
            "ocpi request answered with an error",
            method=request.method,
            path=request.path,
            http_status=response.status,
            status_code=_status_code(response),
            request_id=request_id,
            correlation_id=correlation_id,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
    return response


def _status_code(response: web.StreamResponse) -> int | None:
    return getattr(response, "ocpi_status_code", 1000)


def _error_response(http_status: int, status_code: int, message: str, headers: dict[str, str] | None) -> web.Response:
    response = web.Response(
        body=envelope_bytes(status_code, message), status=http_status, content_type=JSON_CONTENT_TYPE, headers=headers
    )
    response.ocpi_status_code = status_code  # type: ignore[attr-defined]
    return response


async def authenticate(request: web.Request, *, registration_token_allowed: bool = False) -> Caller:
    """The platform behind the request's token. A Token A (or the token of a registration in progress) is only good
    for versions and credentials; elsewhere, as for a missing or unknown token, the answer is HTTP 401."""
    context = request.app[HUB_CONTEXT]
    authorization = request.headers.get("Authorization")
    if not authorization:
        raise OcpiError(CLIENT_ERROR, "missing Authorization header (expected: Token <base64 token>)", 401)
    caller = await context.directory.authenticate(authorization)
    if caller is None:
        raise OcpiError(CLIENT_ERROR, "unknown or invalid credentials token", 401)
    if not caller.registered and not registration_token_allowed:
        raise OcpiError(CLIENT_ERROR, "this token is only valid for versions and credentials until registration", 401)
    context.liveness.saw(caller.platform.id)
    if caller.supersedes_retiring_token:
        await retire_previous_token(context, caller.platform)
    return caller


async def read_json(request: web.Request) -> Any:
    """The request body as JSON. Not JSON: HTTP 400. Too large: HTTP 413 (aiohttp enforces `client_max_size`)."""
    raw = await request.read()
    if not raw:
        raise OcpiError(INVALID_PARAMETERS, "request body is empty; a JSON object is required", 400)
    return check_json(raw)


def check_json(body: bytes) -> Any:
    """A request body parsed as JSON; not JSON is an HTTP 400 envelope."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise OcpiError(CLIENT_ERROR, f"request body is not valid JSON: {error}", 400) from error

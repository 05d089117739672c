"""The OCPI edge: every response is an OCPI envelope that echoes X-Request-ID and X-Correlation-ID, whatever went
wrong (unknown path, wrong method, bad JSON, bad token, oversized body, a bug)."""

from __future__ import annotations

import time
import uuid

import structlog
from aiohttp import web

from hub.ocpi.errors import OcpiError, error_response
from routing.status import Status

log = structlog.get_logger("hub.edge")

REQUEST_ID = web.RequestKey("request_id", str)
CORRELATION_ID = web.RequestKey("correlation_id", str)
# OCPI's ids are UUIDs (36 characters) in practice; longer ones are cut, in the echo, the log and the message log.
MAX_ID_LENGTH = 128

HTTP_MESSAGES = {
    404: "no such OCPI endpoint on this hub",
    405: "method not allowed on this endpoint",
    413: "request body too large",
}
NOT_OCPI = ("/admin", "/metrics", "/health")


def request_ids(request: web.Request) -> tuple[str, str]:
    return request[REQUEST_ID], request[CORRELATION_ID]


def ocpi_edge(hub_error_http_status: int):
    """The middleware, with the operator's HTTP status for the hub's own 4xxx errors."""

    @web.middleware
    async def edge(request: web.Request, handler) -> web.StreamResponse:
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
            response = error_response(error, hub_error_http_status)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
            message = HTTP_MESSAGES.get(error.status, error.reason)
            response = error_response(OcpiError(Status.CLIENT_ERROR, message, error.status, headers), 200)
        except Exception:
            log.exception("unhandled error", path=request.path, method=request.method, request_id=request_id)
            response = internal_error_response()
        response.headers["X-Request-ID"] = request_id
        response.headers["X-Correlation-ID"] = correlation_id
        status_code = getattr(response, "ocpi_status_code", Status.SUCCESS)
        if response.status >= 400 or status_code != Status.SUCCESS:
            log.info(
                "ocpi request answered with an error",
                method=request.method,
                path=request.path,
                http_status=response.status,
                status_code=status_code,
                request_id=request_id,
                correlation_id=correlation_id,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )
        return response

    return edge


INTERNAL_ERROR = "internal hub error; the request was not processed"


def internal_error_response() -> web.Response:
    return error_response(OcpiError(Status.SERVER_ERROR, INTERNAL_ERROR, 500), 200)

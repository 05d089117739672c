"""Every way an answer on a functional module or a stand-in URL can fail, turned into a recorded refusal: the hub's
refusals (OcpiError, raised anywhere below), an oversized body, and bugs (logged with their trace; the caller gets
HTTP 500 and status 3000, never the trace)."""

from __future__ import annotations

from collections.abc import Awaitable

import structlog
from aiohttp import web

from hub.ocpi.edge import INTERNAL_ERROR
from hub.ocpi.errors import OcpiError
from hub.relay.trail import Trail
from routing.status import Status

log = structlog.get_logger("hub.routing")


async def answered(trail: Trail, request: web.Request, work: Awaitable[web.StreamResponse]) -> web.StreamResponse:
    """The answer `work` gives; on a failure, the recorded refusal."""
    try:
        return await work
    except OcpiError as error:
        return trail.refuse(error)
    except web.HTTPRequestEntityTooLarge:
        return trail.refuse(OcpiError(Status.CLIENT_ERROR, "request body too large", 413))
    except Exception:
        log.exception("unhandled error", path=request.path, method=request.method, request_id=trail.request_id)
        return trail.refuse(OcpiError(Status.SERVER_ERROR, INTERNAL_ERROR, 500))

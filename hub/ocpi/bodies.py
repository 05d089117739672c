"""Request bodies: checked to be JSON once, and parsed into objects only where something reads them."""

from __future__ import annotations

from typing import Any

import msgspec
import orjson
from aiohttp import web

from hub.ocpi.errors import OcpiError
from routing.status import Status


class _AnyObject(msgspec.Struct):
    """Decoding into a struct without fields checks a JSON object's syntax and skips every value unbuilt."""


_object_checker = msgspec.json.Decoder(_AnyObject)


def check_json(body: bytes) -> None:
    """Raises an HTTP 400 envelope unless `body` is JSON in UTF-8; builds nothing for a JSON object (nearly every
    body). The skipping decoder checks the syntax but not the bytes inside strings, hence the UTF-8 check."""
    try:
        _object_checker.decode(body)
        body.decode("utf-8")
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
        parse_json(body)  # not an object, or not JSON: the full parser decides, in its own words


def parse_json(body: bytes) -> Any:
    """A request body parsed as JSON; not JSON is an HTTP 400 envelope."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise OcpiError(Status.CLIENT_ERROR, f"request body is not valid JSON: {error}", 400) from error


async def read_json(request: web.Request) -> Any:
    """The request body as JSON. Not JSON: HTTP 400. Too large: HTTP 413 (aiohttp enforces `client_max_size`)."""
    raw = await request.read()
    if not raw:
        raise OcpiError(Status.INVALID_PARAMETERS, "request body is empty; a JSON object is required", 400)
    return parse_json(raw)

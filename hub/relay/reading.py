"""Reading a request to a functional module into what the routing core decides on: the path after the module's
base URL (as sent, checked to be safe to append to a receiver's endpoint), the routing headers, and the body,
checked to be JSON once and parsed only when something will read its content (routing.request.document_needed)."""

from __future__ import annotations

import dataclasses
from typing import Any

from aiohttp import web

from hub.ocpi.bodies import check_json, parse_json
from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import version_root
from routing.model import PartyId
from routing.request import ContentKeys, ResultUrls, RoutingRequest, describe, first_look
from routing.status import Status

ROUTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
NOTHING_SAID, NO_RESULT_URLS = ContentKeys(), ResultUrls()


@dataclasses.dataclass(frozen=True)
class ReadRequest:
    routed: RoutingRequest
    body: bytes
    document: Any  # the body parsed, when something reads it; else None


async def read_request(
    request: web.Request, platform_id: str, module: str, interface: str, hub_party: PartyId
) -> ReadRequest:
    if request.method not in ROUTED_METHODS:
        raise OcpiError(
            Status.CLIENT_ERROR, f"{request.method} is not an OCPI method", 405, {"Allow": ", ".join(ROUTED_METHODS)}
        )
    path = raw_suffix(request, module, interface)
    try:
        to, from_ = routing_parties(request)
        header_error = None
    except OcpiError as error:  # answered after a path that is not safe, or a body that is not JSON (HTTP 400)
        to = from_ = None
        header_error = error
    look = first_look(module, interface, request.method, path, to is None or to == hub_party)
    if look.unsafe_segment is not None:
        raise OcpiError(
            Status.INVALID_PARAMETERS,
            f"path segment {look.unsafe_segment!r} is not allowed: no '..', no encoded '/', '?', '#' or '%', no "
            "control characters, UTF-8 only",
        )
    body = await request.read()
    document = None
    if body:
        if look.document_needed:
            document = parse_json(body)
        else:
            check_json(body)
    if header_error is not None:
        raise header_error
    method = request.method
    if to is None or document is not None:  # open routing, or a body something reads
        keys, urls = describe(
            module,
            interface,
            method,
            path,
            document,
            request.query.get("type"),
            "response_url=" in request.query_string,
        )
    else:
        keys, urls = NOTHING_SAID, NO_RESULT_URLS
    routed = RoutingRequest(platform_id, module, interface, method, path, to, from_, keys, urls)
    return ReadRequest(routed, body, document)


def raw_suffix(request: web.Request, module: str, interface: str) -> str:
    """The path after the module's base URL, as sent (percent-encoded): what is appended to the receiver's
    endpoint URL (once routing.request.first_look found it safe)."""
    raw = request.rel_url.raw_path
    base = f"{version_root()}/{interface.lower()}/{module}"
    if not raw.startswith(base):
        raise OcpiError(Status.CLIENT_ERROR, "no such OCPI endpoint on this hub", 404)
    return raw[len(base) :]


def routing_parties(request: web.Request) -> tuple[PartyId | None, PartyId | None]:
    headers = request.headers
    return _pair(headers, "to"), _pair(headers, "from")


def _pair(headers, direction: str) -> PartyId | None:
    country_code = headers.get(f"OCPI-{direction}-country-code")
    party_id = headers.get(f"OCPI-{direction}-party-id")
    if country_code is None and party_id is None:
        return None
    if not country_code or not party_id:
        raise OcpiError(
            Status.INVALID_PARAMETERS,
            f"OCPI-{direction}-country-code and OCPI-{direction}-party-id come together: send both or neither",
        )
    if (
        not (country_code + party_id).isascii()
        or len(country_code) != 2
        or not country_code.isalpha()
        or (len(party_id) != 3 or not party_id.isalnum())
    ):
        raise OcpiError(
            Status.INVALID_PARAMETERS, f"OCPI-{direction} must be a 2-letter country code and 3-character party id"
        )
    return PartyId(country_code.upper(), party_id.upper())

"""Reading a request to a functional module into what the routing core decides on: the path after the module's
base URL (as sent, checked to be safe to append to a receiver's endpoint), the routing headers, and the body,
checked to be JSON once and parsed only when something will read its content (routing.request.document_needed)."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from aiohttp import web

from hub.ocpi.bodies import check_json, parse_json
from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import HUB_VERSION, version_root
from hub.relay.payload import Payload
from hub.relay.translator import Translator
from routing.decide import HEADERLESS_VERSIONS
from routing.model import PartyId
from routing.request import ContentKeys, ResultUrls, RoutingRequest, describe, first_look, split_path
from routing.status import Status
from translation.kinds import request_kind

ROUTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
NOTHING_SAID, NO_RESULT_URLS = ContentKeys(), ResultUrls()


@dataclasses.dataclass(frozen=True)
class ReadRequest:
    routed: RoutingRequest
    payload: Payload
    body: bytes  # as sent
    document: Any  # the body parsed (in 2.2.1 form), when something reads it; else None


@dataclasses.dataclass(frozen=True, slots=True)
class Origin:
    """Who sent the request, as reading it needs: the platform, the version it speaks, and for a version without
    roles in its endpoints (2.1.1) its one party and the quirk profile its messages are read with."""

    platform_id: str
    version: str = HUB_VERSION
    party: tuple[str, str] | None = None
    quirks: str = ""


async def read_request(
    request: web.Request,
    origin: Origin,
    module: str,
    interface: str,
    hub_party: PartyId,
    translator: Translator | None = None,
) -> ReadRequest:
    """`translator`: reads the body of a caller whose version has no routing headers (2.1.1) into its 2.2.1 form
    (what the routing core decides on). A 2.2.1 or 2.3.0 caller's body is read as sent: the routing core reads the
    same fields in both."""
    if request.method not in ROUTED_METHODS:
        raise OcpiError(
            Status.CLIENT_ERROR, f"{request.method} is not an OCPI method", 405, {"Allow": ", ".join(ROUTED_METHODS)}
        )
    if origin.version in HEADERLESS_VERSIONS:
        return await _read_translated(request, origin, module, interface, translator)
    platform_id = origin.platform_id
    path = raw_suffix(request, module, interface, origin.version)
    try:
        to, from_ = routing_parties(request)
        header_error = None
    except OcpiError as error:  # answered after a path that is not safe, or a body that is not JSON (HTTP 400)
        to = from_ = None
        header_error = error
    look = first_look(module, interface, request.method, path, to is None or to == hub_party)
    if look.unsafe_segment is not None:
        raise _unsafe(look.unsafe_segment)
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
    kind, partial = request_kind(module, interface, method, routed.segments)
    # The body as sent is the 2.2.1 form for a 2.2.1 sender; a 2.3.0 one's is translated when a receiver needs it.
    canonical = body if origin.version == HUB_VERSION else None
    return ReadRequest(routed, Payload(origin.version, body, kind, partial, document, canonical), body, document)


async def _read_translated(
    request: web.Request, origin: Origin, module: str, interface: str, translator: Translator | None
) -> ReadRequest:
    """A request from a platform speaking a version without routing headers (2.1.1): its body read into the 2.2.1
    form the routing core decides on (and the hub keeps its copies in). Routing headers, if it sent any, are not
    read: the hub knows the one party it speaks for."""
    method = request.method
    # The hub's 2.1.1 module URLs end with a slash (clients append ids to them as they are): a path is the same
    # with or without one at either end, and goes on without the one at the end.
    path = raw_suffix(request, module, None, origin.version).rstrip("/")
    look = first_look(module, interface, method, path, True)
    if look.unsafe_segment is not None:
        raise _unsafe(look.unsafe_segment)
    body = await request.read()
    segments = split_path(path)
    kind, partial = request_kind(module, interface, method, segments)
    original = parse_json(body) if body else None
    payload = Payload(origin.version, body, kind, partial, original)
    if kind is not None and original is not None and translator is not None:
        translated = await translator.convert(
            kind,
            original,
            origin.version,
            HUB_VERSION,
            partial=partial,
            owner=origin.party,
            quirks=origin.quirks,
            one_object=True,
            object_id=segments[2] if interface == "RECEIVER" and len(segments) >= 3 else None,
        )
        if translated.refused:
            raise OcpiError(
                Status.INVALID_PARAMETERS, f"the {kind.replace('_', ' ')} cannot be read: {translated.refused}"
            )
        payload.document, payload.lost = translated.body, translated.lost
        payload.canonical = orjson.dumps(translated.body)
    keys, urls = describe(
        module,
        interface,
        method,
        path,
        payload.document,
        request.query.get("type"),
        "response_url=" in request.query_string,
    )
    routed = RoutingRequest(origin.platform_id, module, interface, method, path, None, None, keys, urls)
    return ReadRequest(routed, payload, body, payload.document)


def _unsafe(segment: str) -> OcpiError:
    return OcpiError(
        Status.INVALID_PARAMETERS,
        f"path segment {segment!r} is not allowed: no '..', no encoded '/', '?', '#' or '%', no control characters, "
        "UTF-8 only",
    )


def raw_suffix(request: web.Request, module: str, interface: str | None, version: str = HUB_VERSION) -> str:
    """The path after the module's base URL, as sent (percent-encoded): what is appended to the receiver's
    endpoint URL (once routing.request.first_look found it safe). `interface`: None for a version whose module
    URLs name none (2.1.1)."""
    raw = request.rel_url.raw_path
    base = f"{version_root(version)}/{interface.lower()}/{module}" if interface else f"{version_root(version)}/{module}"
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

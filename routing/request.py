"""A request as the routing core sees it, and what its path and body say about where it belongs."""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from routing.model import BROADCAST_MODULES, SENDER, PartyId


@dataclasses.dataclass(frozen=True)
class ContentKeys:
    """What the request's path, query and body say: where it belongs (open routing reads these only without TO
    headers) and which of the requester's URLs the receiver must get a stand-in for."""

    cdr_token_party: PartyId | None = None  # sessions PUT, cdrs POST: the eMSP of the token
    session_id: str | None = None
    location_id: str | None = None
    token_uid: str | None = None
    token_type: str | None = None  # the `type` query parameter of a tokens request
    reservation_id: str | None = None
    command: str | None = None
    object_id: str | None = None  # Sender interface GET of one object


@dataclasses.dataclass(frozen=True)
class ResultUrls:
    """Where the request carries a URL of the requester's for asynchronous results (commands, charging profiles),
    which the receiver must get a stand-in for."""

    in_body: bool = False  # a top-level `response_url` string in the body
    in_query: bool = False  # a `response_url` query parameter (charging profiles GET)
    until: str | None = None  # RESERVE_NOW's expiry_date: results may come until then


@dataclasses.dataclass(frozen=True)
class RoutingRequest:
    platform_id: str  # the authenticated platform
    module: str
    interface: str  # the hub interface called: SENDER | RECEIVER
    method: str
    path: str  # after the module's base URL, still percent-encoded as received: "" or "/..."
    to: PartyId | None
    from_: PartyId | None
    keys: ContentKeys = ContentKeys()
    result_urls: ResultUrls = ResultUrls()
    segments: list[str] = dataclasses.field(init=False, compare=False, repr=False)  # the path's, decoded

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", split_path(self.path))

    @property
    def is_push(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")


FORBIDDEN_IN_SEGMENTS = ("/", "?", "#", "\\", "%")
# RFC 3986 pchar without percent-encodings: a segment of only these is what it says.
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@]*")


def split_path(path: str) -> list[str]:
    """The decoded segments of a percent-encoded path suffix."""
    return [unquote(segment) for segment in path.split("/") if segment]


def unsafe_segment(path: str) -> str | None:
    """A segment that could climb out of the receiver's endpoint or change the URL's meaning once a server decodes
    it, once or twice (`..`, an encoded `/`, `?` or `#`, a `%` left after decoding, as in `%252e%252e`), or that
    no OCPI id holds (control characters, bytes that are not UTF-8, overlong forms such as `%c0%ae` among them);
    None if the path is safe to append to an endpoint URL."""
    for segment in path.split("/"):
        if _PLAIN_SEGMENT.fullmatch(segment) and segment not in (".", ".."):
            continue  # nothing encoded, nothing to decode: the common case, checked at C speed
        try:
            decoded = unquote_to_bytes(segment).decode("utf-8")
        except UnicodeDecodeError:
            return segment
        if decoded in (".", "..") or any(character in decoded for character in FORBIDDEN_IN_SEGMENTS):
            return segment
        if any(_is_control(character) for character in decoded):
            return segment
    return None


def _is_control(character: str) -> bool:
    code = ord(character)
    return code < 0x20 or 0x7F <= code <= 0x9F


# Modules whose pushes carry a response_url the receiver must get a stand-in for.
RESPONSE_URL_MODULES = ("commands", "chargingprofiles")
# Pushes whose body open routing reads (the token's eMSP, the location, the session, the reservation).
ROUTED_BY_BODY = ("sessions", "cdrs", "commands")


@dataclasses.dataclass(frozen=True)
class FirstLook:
    """What the hub must know of a request before it reads the body."""

    unsafe_segment: str | None  # see unsafe_segment: the request is refused
    document_needed: bool  # see document_needed


def first_look(module: str, interface: str, method: str, path: str, to_hub_or_nobody: bool) -> FirstLook:
    return FirstLook(unsafe_segment(path), document_needed(module, interface, method, to_hub_or_nobody))


def document_needed(module: str, interface: str, method: str, to_hub_or_nobody: bool) -> bool:
    """Whether anything will read the body's content: the broadcast store (a push of a location, tariff or token
    addressed to the hub or to nobody), stand-ins for a response_url, open routing by body. Everything else passes
    as the bytes it came in, only checked to be JSON."""
    if method not in ("POST", "PUT", "PATCH"):
        return False
    if module in RESPONSE_URL_MODULES:
        return True
    if module in BROADCAST_MODULES and interface != SENDER and to_hub_or_nobody:
        return True
    return module in ROUTED_BY_BODY and method in ("POST", "PUT") and to_hub_or_nobody


def content_keys(
    module: str, interface: str, method: str, path: str, document: Any, token_type: str | None = None
) -> ContentKeys:
    """The routing-relevant keys of a request, from its path and (where one was parsed) its body document."""
    segments = split_path(path)
    body = document if isinstance(document, dict) and method in ("POST", "PUT") else {}
    token_party = None
    cdr_token = body.get("cdr_token") if module in ("sessions", "cdrs") else None
    if isinstance(cdr_token, dict):
        country_code, party_id = cdr_token.get("country_code"), cdr_token.get("party_id")
        if isinstance(country_code, str) and isinstance(party_id, str) and country_code and party_id:
            token_party = PartyId.of(country_code, party_id)
    session_id = _text(body, "session_id") if module in ("sessions", "cdrs", "commands") else None
    token_uid = None
    object_id = None
    command = None
    if module == "sessions" and interface == "RECEIVER" and len(segments) >= 3:
        session_id = segments[2]
    elif (module == "sessions" and segments[-1:] == ["charging_preferences"]) or (
        module == "chargingprofiles" and interface == "RECEIVER" and segments
    ):
        session_id = segments[0]
    elif module == "tokens" and interface == "SENDER" and len(segments) >= 2 and segments[-1] == "authorize":
        token_uid = segments[0]
    elif module == "commands" and segments:
        command = segments[0]
    if module in ("locations", "tariffs") and interface == "SENDER" and segments:
        object_id = segments[0]
    in_commands = module in ("commands", "sessions", "cdrs")
    return ContentKeys(
        cdr_token_party=token_party,
        session_id=session_id,
        location_id=_text(body, "location_id") if in_commands else None,
        token_uid=token_uid,
        token_type=token_type if token_uid else None,
        reservation_id=_text(body, "reservation_id") if in_commands else None,
        command=command,
        object_id=object_id,
    )


def describe(
    module: str,
    interface: str,
    method: str,
    path: str,
    document: Any,
    token_type: str | None,
    response_url_in_query: bool,
) -> tuple[ContentKeys, ResultUrls]:
    """What the request says about where it belongs, and which URLs of the requester's it carries."""
    return (
        content_keys(module, interface, method, path, document, token_type),
        result_urls(module, method, path, document, response_url_in_query),
    )


def result_urls(module: str, method: str, path: str, document: Any, response_url_in_query: bool) -> ResultUrls:
    if module not in RESPONSE_URL_MODULES:
        return ResultUrls()
    body = document if isinstance(document, dict) and method in ("POST", "PUT") else {}
    reserve_now = module == "commands" and split_path(path)[:1] == ["RESERVE_NOW"]
    return ResultUrls(
        in_body=isinstance(body.get("response_url"), str),
        in_query=module == "chargingprofiles" and response_url_in_query,
        until=_text(body, "expiry_date") if reserve_now else None,
    )


def _text(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    return value if isinstance(value, str) else None

"""A request as the routing core sees it, and the content keys open routing may route on."""

from __future__ import annotations

import dataclasses
from urllib.parse import unquote, unquote_to_bytes

import msgspec

from routing.model import PartyId


@dataclasses.dataclass(frozen=True)
class ContentKeys:
    """What the request's path and body say about where it belongs (only read when there are no TO headers)."""

    cdr_token_party: PartyId | None = None  # sessions PUT, cdrs POST: the eMSP of the token
    session_id: str | None = None
    location_id: str | None = None
    token_uid: str | None = None
    token_type: str | None = None  # the `type` query parameter of a tokens request
    reservation_id: str | None = None
    command: str | None = None
    object_id: str | None = None  # Sender interface GET of one object


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

    @property
    def segments(self) -> list[str]:
        return split_path(self.path)

    @property
    def is_push(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")


FORBIDDEN_IN_SEGMENTS = ("/", "?", "#", "\\", "%")


def split_path(path: str) -> list[str]:
    """The decoded segments of a percent-encoded path suffix."""
    return [unquote(segment) for segment in path.split("/") if segment]


def unsafe_segment(path: str) -> str | None:
    """A segment that could climb out of the receiver's endpoint or change the URL's meaning once a server decodes
    it, once or twice (`..`, an encoded `/`, `?` or `#`, a `%` left after decoding, as in `%252e%252e`), or that
    no OCPI id holds (control characters, bytes that are not UTF-8, overlong forms such as `%c0%ae` among them);
    None if the path is safe to append to an endpoint URL."""
    for segment in path.split("/"):
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


class _Token(msgspec.Struct):
    country_code: str = ""
    party_id: str = ""


class _Body(msgspec.Struct):
    """The few fields open routing reads; everything else in the body is ignored (and relayed untouched)."""

    cdr_token: _Token | None = None
    location_id: str | None = None
    session_id: str | None = None
    reservation_id: str | None = None


_decoder = msgspec.json.Decoder(_Body)


def content_keys(
    module: str, interface: str, method: str, path: str, body: bytes | None, token_type: str | None = None
) -> ContentKeys:
    """Read the routing-relevant keys of a request from its path and, where open routing needs it, its body."""
    segments = split_path(path)
    parsed = _Body()
    if body and method in ("POST", "PUT") and module in ("sessions", "cdrs", "commands"):
        try:
            parsed = _decoder.decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError):
            parsed = _Body()
    token_party = None
    if parsed.cdr_token is not None and parsed.cdr_token.country_code and parsed.cdr_token.party_id:
        token_party = PartyId.of(parsed.cdr_token.country_code, parsed.cdr_token.party_id)
    session_id = parsed.session_id
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
    return ContentKeys(
        cdr_token_party=token_party,
        session_id=session_id,
        location_id=parsed.location_id,
        token_uid=token_uid,
        token_type=token_type if token_uid else None,
        reservation_id=parsed.reservation_id,
        command=command,
        object_id=object_id,
    )

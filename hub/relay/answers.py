"""Reading a receiver's answer: its envelope's status code and message, and what the requester gets when there is
no envelope (a framework's 404 page, a proxy's 502)."""

from __future__ import annotations

import dataclasses

import orjson
from multidict import CIMultiDict

from hub.ocpi.envelope import JSON_CONTENT_TYPE
from hub.relay.transport import ROUTING_HEADERS, Relayed
from routing.status import Status

# Response headers relayed to the requester besides the routing headers (Link and Location after rewriting).
RELAYED_HEADERS = ("X-Total-Count", "X-Limit")

PARSE_LIMIT = 65536  # answers larger than this are not parsed just to log their status code


@dataclasses.dataclass(frozen=True)
class EnvelopeFacts:
    """What the hub reads from an answer's envelope: its status code and message (None and "" when unknown)."""

    status_code: int | None
    message: str = ""


def read_envelope(body: bytes) -> EnvelopeFacts:
    """The `status_code` and `status_message` of an OCPI answer, for logs and decisions."""
    if not body or len(body) > PARSE_LIMIT:
        return EnvelopeFacts(None)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return EnvelopeFacts(None)
    if not isinstance(document, dict):
        return EnvelopeFacts(None)
    code, message = document.get("status_code"), document.get("status_message")
    return EnvelopeFacts(
        code if isinstance(code, int) else None, message[:MAX_MESSAGE] if isinstance(message, str) else ""
    )


MAX_MESSAGE = 500  # characters of a receiver's status_message kept in the message log


def _is_envelope(body: bytes, facts: EnvelopeFacts) -> bool:
    if len(body) > PARSE_LIMIT:  # not parsed: its look will do
        return body.lstrip()[:1] == b"{" and b'"status_code"' in body
    return facts.status_code is not None


def answer_headers(relayed: Relayed) -> CIMultiDict[str]:
    """The headers the requester gets with a relayed answer: JSON, and the receiver's routing and pagination
    headers (Link and Location are replaced by stand-ins where needed)."""
    headers = CIMultiDict({"Content-Type": JSON_CONTENT_TYPE})
    for name in (*ROUTING_HEADERS, *RELAYED_HEADERS):
        if name in relayed.headers:
            headers[name] = relayed.headers[name]
    return headers


@dataclasses.dataclass(frozen=True)
class BareAnswer:
    """A receiver's answer that is not an OCPI envelope, and how the hub answers in its place."""

    http_status: int
    status: Status
    message: str
    relayed: bool  # the receiver's HTTP status goes back to the requester (else the hub's own error)


@dataclasses.dataclass(frozen=True)
class ReadAnswer:
    envelope: EnvelopeFacts  # status code and message (None and "" when it is no envelope, or too large to read)
    bare: BareAnswer | None  # what the requester gets instead, when it is no OCPI envelope
    headers: CIMultiDict[str]  # the headers to relay (with an envelope)


def read_answer(relayed: Relayed, module: str, method: str, segments: list[str]) -> ReadAnswer:
    """The receiver's answer read once: its envelope, or what it stands for when it has none (see `bare_answer`)."""
    facts = read_envelope(relayed.body)
    if _is_envelope(relayed.body, facts):
        return ReadAnswer(facts, None, answer_headers(relayed))
    return ReadAnswer(facts, bare_answer(relayed.status, module, method, segments), CIMultiDict())


def bare_answer(status: int, module: str, method: str, segments: list[str]) -> BareAnswer:
    """A receiver's 401/403 means it refused the hub's own credentials (4003; relayed as it is, it would look like
    the requester's token failing); any other 4xx is the receiver's answer about the request, relayed with its HTTP
    status and the OCPI code it stands for (2004 for an unknown token in real-time authorization or a tokens GET,
    2003 for a GET of an unknown object, else 2001); anything else (a proxy's 502 page, an empty 200) is a hub
    error, 4000."""
    if status in (401, 403):
        return BareAnswer(0, Status.NOT_CONNECTED, f"refused the hub's credentials (HTTP {status})", False)
    if 400 <= status < 500:
        code = Status.INVALID_PARAMETERS
        if status == 404:
            authorize = module == "tokens" and segments[-1:] == ["authorize"]
            if authorize or (module == "tokens" and method == "GET" and segments):
                code = Status.UNKNOWN_TOKEN
            elif method == "GET" and segments:
                code = Status.UNKNOWN_LOCATION
        return BareAnswer(status, code, f"answered HTTP {status} without an OCPI response envelope", True)
    return BareAnswer(0, Status.HUB_ERROR, f"answered HTTP {status} without an OCPI response envelope", False)

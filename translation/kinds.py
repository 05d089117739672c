"""Which object a request carries and which object its answer's `data` holds, by module, interface (in 2.2.1
terms, the interface the receiver implements), method and path segments: what the hub asks `translate` to convert
when sender and receiver speak different versions. None: nothing to convert (no body, or a module one version
lacks: chargingprofiles and hubclientinfo are not translated, payments exists only in 2.3.0). The modules, methods
and paths named here are the same in 2.2.1 and 2.3.0 (2.3.0's CommandType is open: a command not named here has no
kind, and its body is forwarded as it is)."""

from __future__ import annotations

COMMAND_KINDS = {
    "START_SESSION": "start_session",
    "STOP_SESSION": "stop_session",
    "RESERVE_NOW": "reserve_now",
    "UNLOCK_CONNECTOR": "unlock_connector",
    "CANCEL_RESERVATION": "cancel_reservation",
}
OBJECT_KINDS = {"sessions": "session", "cdrs": "cdr", "tariffs": "tariff", "tokens": "token"}
LOCATION_LEVELS = ("location", "evse", "connector")


def request_kind(module: str, interface: str, method: str, segments: list[str]) -> tuple[str | None, bool]:
    """The kind of a request's body, and whether it is partial (a PATCH)."""
    if method not in ("POST", "PUT", "PATCH"):
        return None, False
    partial = method == "PATCH"
    if interface == "RECEIVER":
        if module == "locations" and 3 <= len(segments) <= 5:
            return LOCATION_LEVELS[len(segments) - 3], partial
        if module in ("sessions", "tariffs", "tokens") and len(segments) == 3:
            return OBJECT_KINDS[module], partial
        if module == "cdrs" and method == "POST":
            return "cdr", False
        if module == "commands" and segments:
            return COMMAND_KINDS.get(segments[0].upper()), False
        return None, False
    if module == "tokens" and segments[-1:] == ["authorize"]:
        return "location_references", False
    if module == "commands":  # a result, posted to the requester's (stand-in) URL
        return "command_result", False
    return None, False


def answer_kind(module: str, interface: str, method: str, segments: list[str]) -> str | None:
    """The kind of the objects in an answer's `data` (one object, or a list of them)."""
    if method == "GET":
        if module == "locations":
            depth = len(segments) - (2 if interface == "RECEIVER" else 0)
            return LOCATION_LEVELS[max(0, min(depth, 3) - 1)] if depth > 0 else "location"
        return OBJECT_KINDS.get(module)
    if module == "tokens" and interface == "SENDER" and method == "POST" and segments[-1:] == ["authorize"]:
        return "authorization_info"
    if module == "commands" and interface == "RECEIVER" and method == "POST":
        return "command_response"
    return None

"""Commands: the requests (StartSession, StopSession, ReserveNow, UnlockConnector, CancelReservation), the
synchronous answer (CommandResponse) and the asynchronous result (2.1.1: a CommandResponse POSTed to response_url;
2.2.1: a CommandResult) (2.1.1 mod_commands.md, 2.2.1 mod_commands.asciidoc).

What changed: ids became CiStrings and shrank from 39 to 36 characters; StartSession got `connector_id`, StartSession
and ReserveNow `authorization_reference`; ReserveNow's `reservation_id` became a CiString(36) (was an int);
CANCEL_RESERVATION is new. The synchronous CommandResponse got `timeout` (required) and `message`, and lost the
TIMEOUT value, which moved to the new CommandResult (with CANCELED_RESERVATION, EVSE_OCCUPIED, EVSE_INOPERATIVE,
FAILED and UNKNOWN_RESERVATION; it has no UNKNOWN_SESSION). The `response_url` is left alone: the hub replaces it
with its own before forwarding.
"""

from __future__ import annotations

from typing import Any

from translation.fields import (
    Enum,
    Run,
    datetimes,
    drop,
    field,
    fits,
    insert_after,
    number,
    values,
    whole_object,
)
from translation.tokens import token

# Seconds a 2.2.1 eMSP is told to wait for the result of a command forwarded to a 2.1.1 CPO, whose answer names no
# timeout: long enough for a charge point behind OCPP to answer, short enough for an app to tell its user.
DEFAULT_COMMAND_TIMEOUT_SECONDS = 30

ID_LENGTH = 36  # location_id and evse_uid: 2.1.1 allowed 39
RESERVATION_ID_MAX = 2**31 - 1  # 2.1.1 "int": what a 2.1.1 CPO (and OCPP's reservationId) holds

# The synchronous answer. 2.1.1 TIMEOUT here is "no answer from the charge point in a reasonable time": the command
# was not carried out, which 2.2.1 says as REJECTED (its TIMEOUT belongs to the result).
COMMAND_RESPONSE_TYPE = Enum(
    "CommandResponseType",
    v211=values("NOT_SUPPORTED", "REJECTED", "ACCEPTED", "TIMEOUT", "UNKNOWN_SESSION"),
    v221=values("NOT_SUPPORTED", "REJECTED", "ACCEPTED", "UNKNOWN_SESSION"),
    to_221={"TIMEOUT": "REJECTED"},
)

# The asynchronous result: 2.1.1 posts a CommandResponse, 2.2.1 a CommandResult. The charge point failing for a
# reason 2.1.1 has no name for is a rejection to 2.1.1; an unknown session is a failure to 2.2.1.
COMMAND_RESULT_TYPE = Enum(
    "CommandResultType",
    v211=values("NOT_SUPPORTED", "REJECTED", "ACCEPTED", "TIMEOUT", "UNKNOWN_SESSION"),
    v221=values(
        "ACCEPTED",
        "CANCELED_RESERVATION",
        "EVSE_OCCUPIED",
        "EVSE_INOPERATIVE",
        "FAILED",
        "NOT_SUPPORTED",
        "REJECTED",
        "TIMEOUT",
        "UNKNOWN_RESERVATION",
    ),
    to_211={
        "CANCELED_RESERVATION": "REJECTED",
        "EVSE_OCCUPIED": "REJECTED",
        "EVSE_INOPERATIVE": "REJECTED",
        "FAILED": "REJECTED",
        "UNKNOWN_RESERVATION": "REJECTED",
    },
    to_221={"UNKNOWN_SESSION": "FAILED"},
)

_MESSAGES_221 = {
    "TIMEOUT": "The charge point did not answer in time (OCPI 2.1.1 result TIMEOUT).",
    "UNKNOWN_SESSION": "The CPO does not know this session (OCPI 2.1.1 result UNKNOWN_SESSION).",
}


def command_response(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    original = out.get("result")
    field(out, "result", COMMAND_RESPONSE_TYPE.required, run, path)
    if run.up:
        _explain(out, original)
        if "timeout" not in out and not run.partial:
            insert_after(out, "result", "timeout", DEFAULT_COMMAND_TIMEOUT_SECONDS)
    else:
        drop(out, ("timeout",), run, path, silently=True)  # 2.1.1 has no such promise; the hub keeps its own
        drop(out, ("message",), run, path)
    return out


def command_result(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    original = out.get("result")
    field(out, "result", COMMAND_RESULT_TYPE.required, run, path)
    if run.up:
        _explain(out, original)
    else:
        drop(out, ("message",), run, path)
    return out


def _explain(out: dict, original: Any) -> None:
    """A 2.1.1 result replaced by its nearest 2.2.1 value keeps its meaning in the 2.2.1 `message`."""
    if out.get("result") != original and original in _MESSAGES_221 and "message" not in out:
        out["message"] = [{"language": "en", "text": _MESSAGES_221[original]}]


def start_session(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "token", token, run, path)
    if run.up:
        _ids_fit(out, run, path)
    else:
        # Without connector_id a 2.1.1 CPO picks the connector itself (2.1.1 StartSession names only the EVSE).
        drop(out, ("connector_id", "authorization_reference"), run, path)
    return out


def stop_session(value: Any, run: Run, path: str) -> Any:
    """{response_url, session_id} in both versions (session_id became a CiString of the same length)."""
    out = whole_object(value)
    return value if out is None else out


def unlock_connector(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        _ids_fit(out, run, path)
    return out


def reserve_now(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "token", token, run, path)
    field(out, "reservation_id", _reservation_id, run, path)
    if run.up:
        _ids_fit(out, run, path)
    else:
        drop(out, ("authorization_reference",), run, path)
    datetimes(out, ("expiry_date",), run)
    return out


def cancel_reservation(value: Any, run: Run, path: str) -> Any:
    run.refuse("OCPI 2.1.1 has no CANCEL_RESERVATION command")


def _reservation_id(value: Any, run: Run, path: str) -> Any:
    """2.1.1 int <-> 2.2.1 CiString(36). Towards 2.1.1 only a plain decimal number that a 2.1.1 int holds: any other
    id would need a mapping kept between the two, which a pure translation cannot keep."""
    value = number(value, run)
    if run.up:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else ""
    canonical = text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0"))
    if not canonical or int(text) > RESERVATION_ID_MAX:
        run.refuse(f"{path} {value!r} is no OCPI 2.1.1 reservation id (an int, 0 to {RESERVATION_ID_MAX})")
    return int(text)


def _ids_fit(out: dict, run: Run, path: str) -> None:
    for name in ("location_id", "evse_uid"):
        fits(out, name, ID_LENGTH, run, path)

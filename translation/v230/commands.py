"""Commands between 2.2.1 and 2.3.0 (mod_commands.asciidoc).

What changed: CommandType became an OpenEnum (it is in the URL, not in a body: translation.kinds maps the commands
it knows; another command is forwarded as it is). The StartSession and ReserveNow `token` is a Token, whose TokenType
got EMAID (translation.v230.tokens). StopSession, UnlockConnector, CancelReservation, CommandResponse and
CommandResult (with their closed enums) are the same.
"""

from __future__ import annotations

from typing import Any

from translation.fields import Run, copy, field, whole_object
from translation.v230.tokens import token

stop_session = copy
unlock_connector = copy
cancel_reservation = copy
command_response = copy
command_result = copy


def start_session(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "token", token, run, path)
    return out


reserve_now = start_session  # the same: a Token among ids and a response_url

"""Tokens between 2.2.1 and 2.3.0: Token, AuthorizationInfo, LocationReferences, and the CdrToken of a Session or
CDR (mod_tokens.asciidoc, mod_cdrs.asciidoc "CdrToken").

What changed: TokenType became an OpenEnum and got EMAID (a contract id used as token with ISO 15118). Towards 2.2.1
EMAID, and any value 2.2.1 does not know, is OTHER ("other type of token"), recorded as lost: the token still names
the driver and the contract, where refusing would stop the Sessions and CDRs of Plug & Charge drivers. (2.3.0
recommends eMSPs not to push EMAID Tokens at all.)
"""

from __future__ import annotations

from typing import Any

from translation.fields import Run, copy, field, values, whole_object
from translation.v230.common import display_text
from translation.v230.values import OpenEnum

TOKEN_TYPE = OpenEnum("TokenType", v221=values("AD_HOC_USER", "APP_USER", "OTHER", "RFID"), other_221="OTHER")

location_references = copy  # {location_id, evse_uids} in both versions


def token(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "type", TOKEN_TYPE.required, run, path)
    return out


def cdr_token(value: Any, run: Run, path: str) -> Any:
    """{country_code, party_id, uid, type, contract_id} in both versions; `type` a TokenType."""
    return token(value, run, path)


def authorization_info(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    field(out, "token", token, run, path)
    field(out, "location", location_references, run, path)
    field(out, "info", display_text, run, path)
    return out

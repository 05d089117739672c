"""Tokens: Token, AuthorizationInfo, LocationReferences (2.1.1 mod_tokens.md, 2.2.1 mod_tokens.asciidoc), and how
a Session or CDR names its token in each version (2.1.1 `auth_id`, 2.2.1 `cdr_token`).

What changed: the Token got an owner (`country_code`, `party_id`), `auth_id` became `contract_id`, and it got
`group_id`, `default_profile_type` and `energy_contract`; TokenType got AD_HOC_USER and APP_USER. AuthorizationInfo
got `token` (required: the full Token) and `authorization_reference`. LocationReferences lost `connector_ids` and
its ids shrank from 39 to 36 characters.
"""

from __future__ import annotations

from typing import Any

from translation.common import display_text
from translation.fields import (
    Enum,
    Run,
    datetimes,
    drop,
    each_fits,
    field,
    fits,
    insert_after,
    owner,
    rename,
    same_id,
    values,
    whole_object,
)

ID_LENGTH = 36  # LocationReferences ids: 2.1.1 allowed 39

# An app user's token is still "another type of token" to 2.1.1.
TOKEN_TYPE = Enum(
    "TokenType",
    v211=values("OTHER", "RFID"),
    v221=values("AD_HOC_USER", "APP_USER", "OTHER", "RFID"),
    to_211={"AD_HOC_USER": "OTHER", "APP_USER": "OTHER"},
    other_211="OTHER",
)

CDR_TOKEN_FIELDS = ("country_code", "party_id", "uid", "type", "contract_id")


def token(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    out = owner(out, run, path, what="Token")
    if run.up:
        rename(out, "auth_id", "contract_id", run, path, required=True)
    else:
        rename(out, "contract_id", "auth_id", run, path, required=True)
        field(out, "type", TOKEN_TYPE.required, run, path)
        drop(out, ("group_id", "default_profile_type", "energy_contract"), run, path)
    datetimes(out, ("last_updated",), run)
    return out


def location_references(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        fits(out, "location_id", ID_LENGTH, run, path)
        each_fits(out, "evse_uids", ID_LENGTH, run, path)
        # 2.2.1 removed them: "not usable as they are not unique within the Location". The EVSEs still restrict.
        drop(out, ("connector_ids",), run, path)
    return out


def authorization_info(value: Any, run: Run, path: str) -> Any:
    out = whole_object(value)
    if out is None:
        return value
    if run.up:
        known = run.context.token
        if not isinstance(known, dict) and run.quirks.other_version_field_names:
            known = out.get("token")
        if isinstance(known, dict):
            insert_after(out, "allowed", "token", dict(known))
        elif not run.partial:
            run.refuse("the hub does not know the Token this authorization is for: OCPI 2.2.1 requires its token")
    else:
        drop(out, ("token",), run, path, silently=True)  # the 2.1.1 CPO asked about it: it knows it
        drop(out, ("authorization_reference",), run, path)
    field(out, "location", location_references, run, path)
    field(out, "info", display_text, run, path)
    return out


# --- a Session's or CDR's token -----------------------------------------------------------------------------------


def cdr_token(auth_id: Any, run: Run, path: str) -> dict:
    """The 2.2.1 CdrToken for a 2.1.1 `auth_id` at `path`: from the Token the hub looked up (Context.token), which
    must be the one `auth_id` names (its contract_id, or its uid, which some 2.1.1 CPOs send there)."""
    known = run.context.token
    if not isinstance(known, dict):
        run.refuse(f"the hub does not know the token with auth_id {auth_id!r} ({path}): OCPI 2.2.1 needs its cdr_token")
    if not (same_id(known.get("contract_id"), auth_id) or same_id(known.get("uid"), auth_id)):
        run.refuse(f"the token the hub gave (contract_id {known.get('contract_id')!r}) is not {path} {auth_id!r}")
    missing = [name for name in CDR_TOKEN_FIELDS if not known.get(name)]
    if missing:
        run.refuse(f"the token the hub gave has no {', '.join(missing)}: a 2.2.1 cdr_token needs them")
    return {name: known[name] for name in CDR_TOKEN_FIELDS}


def auth_id(cdr_token_221: Any, run: Run, path: str) -> Any:
    """The 2.1.1 `auth_id` for a 2.2.1 `cdr_token` at `path`: its contract_id (2.1.1's "auth_id field of the
    Token")."""
    if not isinstance(cdr_token_221, dict) or not cdr_token_221.get("contract_id"):
        run.refuse(f"{path} has no contract_id: a 2.1.1 auth_id is the token's contract id")
    return cdr_token_221["contract_id"]


def read_token_reference(out: dict, run: Run, path: str) -> None:
    """`auth_id` <-> `cdr_token` in a Session or CDR (`out`, in place). A 2.1.1 object with a 2.2.1 `cdr_token` is
    read (its contract_id as auth_id) under quirks.other_version_field_names; a 2.2.1 one with an `auth_id`
    likewise."""
    if run.up:
        rename(out, "auth_id", "cdr_token", run, path, convert=_to_cdr_token, required=True)
    else:
        rename(out, "cdr_token", "auth_id", run, path, convert=_to_auth_id, required=True)


def _to_cdr_token(value: Any, run: Run, path: str) -> Any:
    if isinstance(value, dict):  # a 2.2.1 cdr_token read under other_version_field_names
        if run.context.token is None and all(value.get(name) for name in CDR_TOKEN_FIELDS):
            return {name: value[name] for name in CDR_TOKEN_FIELDS}
        value = value.get("contract_id")
    return cdr_token(value, run, path)


def _to_auth_id(value: Any, run: Run, path: str) -> Any:
    if isinstance(value, str):  # a 2.1.1 auth_id read under other_version_field_names
        return value
    return auth_id(value, run, path)

"""OCPI 2.2.1 objects the hub itself reads and writes (credentials, ClientInfo), validated with msgspec."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from hub.envelope import INVALID_PARAMETERS, OcpiError
from hub.tokens import is_valid_token

ROLES = ("CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP")

CountryCode = Annotated[str, msgspec.Meta(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")]
PartyId = Annotated[str, msgspec.Meta(min_length=3, max_length=3, pattern=r"^[A-Za-z0-9]{3}$")]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^https?://")]


class BusinessDetails(msgspec.Struct, forbid_unknown_fields=False):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    website: Url | None = None
    logo: dict[str, Any] | None = None


class CredentialsRole(msgspec.Struct, forbid_unknown_fields=False):
    role: str
    business_details: BusinessDetails
    party_id: PartyId
    country_code: CountryCode


class Credentials(msgspec.Struct, forbid_unknown_fields=False):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    url: Url
    roles: Annotated[list[CredentialsRole], msgspec.Meta(min_length=1)]


def parse_credentials(document: Any) -> Credentials:
    try:
        credentials = msgspec.convert(document, Credentials)
    except msgspec.ValidationError as error:
        raise OcpiError(INVALID_PARAMETERS, f"invalid credentials object: {error}") from error
    if not is_valid_token(credentials.token):
        raise OcpiError(INVALID_PARAMETERS, "invalid credentials object: token must be printable ASCII, no spaces")
    seen = set()
    for role in credentials.roles:
        if role.role not in ROLES:
            raise OcpiError(INVALID_PARAMETERS, f"invalid credentials object: unknown role {role.role!r}")
        key = (role.country_code.upper(), role.party_id.upper(), role.role)
        if key in seen:
            raise OcpiError(INVALID_PARAMETERS, f"invalid credentials object: role {'*'.join(key)} is listed twice")
        seen.add(key)
    return credentials

"""The credentials object: as the hub reads it from platforms (validated with msgspec), and the hub's own. OCPI 2.2.1
has a list of roles; 2.3.0 too, without the HUB role and with `hub_party_id`; 2.1.1 is flat, one party without a
role (the hub knows it from the invitation): read, it becomes a Credentials with one role whose `role` is "" ."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Protocol

import msgspec

from hub.config import Settings
from hub.ocpi.errors import OcpiError
from hub.ocpi.tokens import is_valid_token
from routing.status import Status

ROLES = ("CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP")
ROLES_230 = ("CPO", "EMSP", "NAP", "NSP", "OTHER", "SCSP")  # 2.3.0 removed HUB: a hub names itself in hub_party_id

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


class Credentials230(msgspec.Struct, forbid_unknown_fields=False):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    url: Url
    roles: Annotated[list[CredentialsRole], msgspec.Meta(min_length=1)]
    hub_party_id: (
        Annotated[str, msgspec.Meta(min_length=5, max_length=5, pattern=r"^[A-Za-z]{2}[A-Za-z0-9]{3}$")] | None
    ) = None


class Credentials211(msgspec.Struct, forbid_unknown_fields=False):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    url: Url
    business_details: BusinessDetails
    party_id: PartyId
    country_code: CountryCode


class ReachableParty(Protocol):
    """What the hub's 2.3.0 credentials say of a party reachable through it (storage.models.Party is one)."""

    country_code: str
    party_id: str
    role: str
    business_details: dict[str, Any] | None


def parse_credentials(document: Any, version: str = "2.2.1") -> Credentials:
    try:
        if version == "2.1.1":
            flat = msgspec.convert(document, Credentials211)
            role = CredentialsRole("", flat.business_details, flat.party_id, flat.country_code)
            credentials = Credentials(flat.token, flat.url, [role])
        elif version == "2.3.0":
            read = msgspec.convert(document, Credentials230)
            credentials = Credentials(read.token, read.url, read.roles)
        else:
            credentials = msgspec.convert(document, Credentials)
    except msgspec.ValidationError as error:
        raise OcpiError(Status.INVALID_PARAMETERS, f"invalid credentials object: {error}") from error
    if version == "2.1.1":
        if not is_valid_token(credentials.token):
            raise OcpiError(
                Status.INVALID_PARAMETERS, "invalid credentials object: token must be printable ASCII, no spaces"
            )
        return credentials
    if not is_valid_token(credentials.token):
        raise OcpiError(
            Status.INVALID_PARAMETERS, "invalid credentials object: token must be printable ASCII, no spaces"
        )
    seen = set()
    roles = ROLES_230 if version == "2.3.0" else ROLES
    for role in credentials.roles:
        if role.role not in roles:
            raise OcpiError(
                Status.INVALID_PARAMETERS,
                f"invalid credentials object: unknown role {role.role!r}; OCPI {version} roles are {', '.join(roles)}",
            )
        key = (role.country_code.upper(), role.party_id.upper(), role.role)
        if key in seen:
            raise OcpiError(
                Status.INVALID_PARAMETERS, f"invalid credentials object: role {'*'.join(key)} is listed twice"
            )
        seen.add(key)
    return credentials


def hub_credentials(
    settings: Settings, token: str, version: str = "2.2.1", reachable: Iterable[ReachableParty] = ()
) -> dict[str, Any]:
    """The hub's own credentials: in OCPI 2.2.1 a hub lists only itself, with role HUB; in 2.1.1 it is itself, the
    one party of the connection; in 2.3.0 it names itself in `hub_party_id` and lists, in `roles`, every party
    reachable through it for the platform (`reachable`). 2.3.0 needs at least one role: with nobody reachable yet,
    the hub's own party as OTHER (docs/versions.md)."""
    business_details: dict[str, Any] = {"name": settings.business_name}
    if settings.business_website:
        business_details["website"] = settings.business_website
    if version == "2.3.0":
        roles = [
            {
                "role": party.role,
                "business_details": party.business_details or {"name": f"{party.country_code}{party.party_id}"},
                "party_id": party.party_id,
                "country_code": party.country_code,
            }
            for party in reachable
        ]
        if not roles:
            roles = [
                {
                    "role": "OTHER",
                    "business_details": business_details,
                    "party_id": settings.party_id,
                    "country_code": settings.country_code,
                }
            ]
        return {
            "token": token,
            "url": settings.versions_url,
            "hub_party_id": f"{settings.country_code}{settings.party_id}",
            "roles": roles,
        }
    if version == "2.1.1":
        return {
            "token": token,
            "url": settings.versions_url,
            "business_details": business_details,
            "party_id": settings.party_id,
            "country_code": settings.country_code,
        }
    return {
        "token": token,
        "url": settings.versions_url,
        "roles": [
            {
                "role": "HUB",
                "business_details": business_details,
                "party_id": settings.party_id,
                "country_code": settings.country_code,
            }
        ],
    }

"""Plain records the storage ports read and write. No driver types ever leave `storage/`."""

from __future__ import annotations

import enum
from typing import Any

import msgspec


class PlatformState(enum.StrEnum):
    INVITED = "INVITED"  # the hub issued a Token A; the platform has not registered yet
    CONNECTING = "CONNECTING"  # the hub is registering with the platform (hub as credentials sender)
    REGISTERED = "REGISTERED"  # credentials exchanged; traffic flows
    UNREGISTERED = "UNREGISTERED"  # credentials deleted by either side; tokens are void


class ConnectionStatus(enum.StrEnum):
    """OCPI 2.2.1 ConnectionStatus, as HubClientInfo reports it."""

    CONNECTED = "CONNECTED"
    OFFLINE = "OFFLINE"
    PLANNED = "PLANNED"
    SUSPENDED = "SUSPENDED"


class AuthEncoding(enum.StrEnum):
    """How a platform writes the credentials token in `Authorization: Token ...`."""

    BASE64 = "base64"  # OCPI 2.2.1
    PLAIN = "plain"  # OCPI 2.1.1 and many 2.2 implementations


class Endpoint(msgspec.Struct, frozen=True):
    identifier: str
    role: str  # SENDER | RECEIVER
    url: str


class Party(msgspec.Struct, kw_only=True):
    country_code: str  # always upper case: OCPI compares CiStrings case-insensitively
    party_id: str
    role: str
    status: ConnectionStatus = ConnectionStatus.PLANNED
    last_updated: str = ""  # OCPI DateTime of the last status change
    business_details: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return party_key(self.country_code, self.party_id, self.role)


class Platform(msgspec.Struct, kw_only=True):
    """One OCPI connection: one set of tokens, one versions URL, one endpoint list, one or more parties."""

    id: str
    name: str = ""
    state: PlatformState = PlatformState.INVITED
    parties: list[Party] = []
    # SHA-256 hex digests of the tokens the hub issued to this platform (Token A while invited, then Token C).
    token_hashes: list[str] = []
    # The token this platform issued to the hub (Token B, or Token C when the hub initiated), encrypted at rest.
    peer_token_encrypted: str | None = None
    auth_encoding: AuthEncoding = AuthEncoding.BASE64
    versions_url: str | None = None
    version: str | None = None
    endpoints: list[Endpoint] = []
    created_at: str = ""
    updated_at: str = ""
    token_issued_at: str = ""
    last_contact_at: str = ""
    # Optimistic concurrency: a save succeeds only if nobody saved since this record was read.
    revision: int = 0
    # Store-wide change sequence number: lets every hub process pick up other processes' writes.
    seq: int = 0

    @property
    def party_keys(self) -> list[str]:
        return [party.key for party in self.parties]

    def endpoint(self, identifier: str, role: str) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.identifier == identifier and endpoint.role == role:
                return endpoint
        return None


def party_key(country_code: str, party_id: str, role: str) -> str:
    return f"{country_code.upper()}:{party_id.upper()}:{role.upper()}"


def platform_to_document(platform: Platform) -> dict[str, Any]:
    document = msgspec.to_builtins(platform)
    document["party_keys"] = platform.party_keys
    return document


def platform_from_document(document: dict[str, Any]) -> Platform:
    fields = {key: value for key, value in document.items() if key not in ("_id", "party_keys")}
    return msgspec.convert(fields, Platform)

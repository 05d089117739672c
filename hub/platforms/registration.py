"""The hub as credentials receiver: a platform registers (POST with Token A) or updates its credentials (PUT).

Before answering, the hub GETs the platform's versions and version details with the platform's new token; nothing
is stored unless that succeeds, so a failed handshake leaves the platform exactly as it was. The token the platform
used stays valid until it first uses the new one (token_rotation)."""

from __future__ import annotations

import time
from typing import Any

import msgspec
import structlog

from hub.config import Settings
from hub.ocpi.credentials_object import Credentials, hub_credentials, parse_credentials
from hub.ocpi.errors import OcpiError
from hub.ocpi.timeutil import now_ocpi
from hub.ocpi.versions import HUB_VERSION, V211, V230
from hub.platforms.clientinfo import ClientInfoNotifier
from hub.platforms.directory import Caller, Directory
from hub.platforms.discovery import discover_peer
from hub.platforms.ocpi_client import OcpiClient
from hub.platforms.reachability import Reachability
from hub.platforms.tokens import TokenCipher, generate_token, hash_token, mask
from hub.platforms.updates import PlatformUpdater
from routing.status import Status
from storage.errors import ConcurrentUpdate
from storage.models import ConnectionStatus, Party, Platform, PlatformState

log = structlog.get_logger("hub.credentials")

REGISTERED_ALLOW = "GET, PUT, DELETE"
UNREGISTERED_ALLOW = "GET, POST"


def not_allowed(message: str, allow: str) -> OcpiError:
    return OcpiError(Status.CLIENT_ERROR, message, 405, headers={"Allow": allow})


def changed_parties(before: Platform | None, after: Platform) -> list[Party]:
    previous = {p.key: p.status for p in before.parties} if before else {}
    return [p for p in after.parties if previous.get(p.key) is not p.status]


class Registration:
    def __init__(
        self,
        settings: Settings,
        client: OcpiClient,
        cipher: TokenCipher,
        directory: Directory,
        updater: PlatformUpdater,
        notifier: ClientInfoNotifier,
        reachability: Reachability,
    ) -> None:
        self._reachability = reachability
        self._settings = settings
        self._client = client
        self._cipher = cipher
        self._directory = directory
        self._updater = updater
        self._notifier = notifier

    async def exchange(
        self,
        caller: Caller,
        document: Any,
        expected_state: PlatformState,
        request_id: str,
        correlation_id: str,
        version: str = HUB_VERSION,
    ) -> dict[str, Any]:
        """Register or update the caller with its credentials `document`, in the OCPI `version` whose credentials
        endpoint it called (a PUT to the other version's moves it there); returns the hub's credentials to answer
        with (a new Token C)."""
        credentials = parse_credentials(document, version)
        platform = caller.platform
        claimed = self._claimed_parties(platform, credentials, version)
        party_role = next(iter(claimed))[2] if version == V211 else None
        peer = await discover_peer(
            self._client,
            credentials.url,
            credentials.token,
            caller.encoding,
            correlation_id=correlation_id,
            version=version,
            party_role=party_role,
        )
        token = generate_token()
        timestamp = now_ocpi()
        business = {
            (r.country_code.upper(), r.party_id.upper(), r.role or party_role): r.business_details
            for r in credentials.roles
        }
        used = hash_token(caller.token)
        overlap = self._settings.credentials_overlap_seconds
        cipher = self._cipher
        # 2.3.0: the parties reachable through the hub, as the answer lists them (the platform's own claimed parties
        # decide which agreements count).
        reachable = self._reachability.parties_for(_with_parties(platform, claimed)) if version == V230 else []

        def change(current: Platform) -> Platform:
            if current.state is not platform.state or not _still_valid(current, used, caller.retiring):
                # Another request with the same token won the race (or the operator intervened): this token is spent.
                if current.state is PlatformState.REGISTERED and expected_state is PlatformState.INVITED:
                    raise not_allowed("already registered: use PUT to update credentials", REGISTERED_ALLOW)
                raise OcpiError(Status.CLIENT_ERROR, "these credentials were replaced while the request ran", 401)
            current.state = PlatformState.REGISTERED
            # The token used for this request stays valid until the platform first uses the new one: should this
            # answer be lost, the platform can retry. A retry with it does not extend its life.
            if not caller.retiring:
                current.retiring_token_hash = used if overlap > 0 else None
                current.retiring_until = time.time() + overlap if overlap > 0 else 0.0
            retiring = current.retiring_token_hash
            current.token_hashes = [hash_token(token)] + ([retiring] if retiring else [])
            current.peer_token_encrypted = cipher.encrypt(credentials.token)
            current.auth_encoding = peer.encoding
            current.versions_url = credentials.url
            current.version = peer.version
            current.endpoints = peer.endpoints
            current.announced_parties = [party.key for party in reachable]
            current.updated_at = current.token_issued_at = current.last_contact_at = timestamp
            for party in current.parties:
                key = (party.country_code, party.party_id, party.role)
                status = ConnectionStatus.CONNECTED if key in claimed else ConnectionStatus.PLANNED
                if key in business:
                    party.business_details = _business_dict(business[key])
                if party.status is not status:
                    party.status = status
                    party.last_updated = timestamp
            return current

        try:
            stored = await self._updater.update(platform.id, change)
        except ConcurrentUpdate as error:
            raise OcpiError(
                Status.SERVER_ERROR, "the hub's store is too busy to register you now; try again"
            ) from error
        self._notifier.parties_changed(stored, changed_parties(platform, stored))
        log.info(
            "platform registered" if expected_state is PlatformState.INVITED else "platform updated its credentials",
            platform=stored.id,
            parties=[p.key for p in stored.parties if p.status is ConnectionStatus.CONNECTED],
            versions_url=credentials.url,
            token=mask(token),
            auth_encoding=peer.encoding.value,
            request_id=request_id,
        )
        return hub_credentials(self._settings, token, version, reachable)

    def _claimed_parties(self, platform: Platform, credentials: Credentials, version: str) -> set[tuple[str, str, str]]:
        if version == V211:
            return self._claimed_211(platform, credentials)
        allowed = {(p.country_code, p.party_id, p.role) for p in platform.parties}
        claimed = set()
        for role in credentials.roles:
            key = (role.country_code.upper(), role.party_id.upper(), role.role)
            if key not in allowed:
                raise OcpiError(Status.INVALID_PARAMETERS, self._refusal(platform, key))
            claimed.add(key)
        return claimed

    def _claimed_211(self, platform: Platform, credentials: Credentials) -> set[tuple[str, str, str]]:
        """A 2.1.1 connection is exactly one party, without a role: the one the invitation names, in its role."""
        if len(platform.parties) != 1:
            listed = ", ".join(p.key for p in platform.parties)
            raise OcpiError(
                Status.INVALID_PARAMETERS,
                f"an OCPI 2.1.1 connection is one party, and this platform was invited for {len(platform.parties)} "
                f"({listed}): register with OCPI 2.2.1, or ask the hub operator for one invitation per party",
            )
        (party,) = platform.parties
        (announced,) = credentials.roles
        if (announced.country_code.upper(), announced.party_id.upper()) != (party.country_code, party.party_id):
            raise OcpiError(
                Status.INVALID_PARAMETERS,
                f"party {announced.country_code}*{announced.party_id} is not the one this platform was invited for; "
                f"you may register: {party.country_code}*{party.party_id} ({party.role})",
            )
        return {(party.country_code, party.party_id, party.role)}

    def _refusal(self, platform: Platform, key: tuple[str, str, str]) -> str:
        country_code, party_id, role = key
        holder = next(
            (
                p
                for p in self._directory.platforms()
                if p.id != platform.id and any((x.country_code, x.party_id, x.role) == key for x in p.parties)
            ),
            None,
        )
        allowed = ", ".join(f"{p.country_code}*{p.party_id} ({p.role})" for p in platform.parties)
        if holder is not None:
            return (
                f"party {country_code}*{party_id} ({role}) belongs to another platform on this hub; "
                f"you may register: {allowed}"
            )
        return (
            f"party {country_code}*{party_id} ({role}) is not one this platform was invited for; you may register: "
            f"{allowed}. Ask the hub operator to invite it."
        )


def _with_parties(platform: Platform, claimed: set[tuple[str, str, str]]) -> Platform:
    """The platform as it will be once registered: its claimed parties connected (for whom it may reach)."""
    return msgspec.structs.replace(
        platform,
        parties=[
            msgspec.structs.replace(party, status=ConnectionStatus.CONNECTED)
            for party in platform.parties
            if (party.country_code, party.party_id, party.role) in claimed
        ],
    )


def _still_valid(platform: Platform, token_hash: str, retiring: bool) -> bool:
    """The token is still what it was when the request authenticated: current, or the retiring one."""
    return token_hash in platform.token_hashes and (token_hash == platform.retiring_token_hash) == retiring


def _business_dict(details) -> dict:
    result = {"name": details.name}
    if details.website:
        result["website"] = details.website
    if details.logo:
        result["logo"] = details.logo
    return result

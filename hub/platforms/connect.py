"""The hub as credentials sender: register with a platform that issued a Token A to the hub (`ocpi-hub connect`).

The handshake in the other direction: GET the platform's versions and details with Token A, create a token for it
(stored as a hash, so the running hub answers the platform's callbacks with it), POST the hub's credentials, keep
the platform's token from the answer (encrypted)."""

from __future__ import annotations

import structlog

from hub.config import Settings
from hub.ocpi.credentials_object import hub_credentials, parse_credentials
from hub.ocpi.errors import OcpiError
from hub.ocpi.timeutil import now_ocpi
from hub.ocpi.versions import V211, V230
from hub.platforms.clientinfo import ClientInfoNotifier
from hub.platforms.directory import Directory
from hub.platforms.discovery import discover_peer
from hub.platforms.invitations import claim_parties
from hub.platforms.ocpi_client import CallFailed, OcpiClient
from hub.platforms.parties import OnboardingError, PartyRef
from hub.platforms.reachability import Reachability
from hub.platforms.tokens import TokenCipher, generate_token, hash_token
from hub.platforms.updates import PlatformUpdater
from storage.models import AuthEncoding, ConnectionStatus, Platform, PlatformState
from storage.ports import Store

log = structlog.get_logger("hub.connect")


class Connector:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        client: OcpiClient,
        cipher: TokenCipher,
        directory: Directory,
        updater: PlatformUpdater,
        notifier: ClientInfoNotifier,
        reachability: Reachability,
    ) -> None:
        self._reachability = reachability
        self._settings = settings
        self._store = store
        self._client = client
        self._cipher = cipher
        self._directory = directory
        self._updater = updater
        self._notifier = notifier

    async def connect(
        self,
        versions_url: str,
        token_a: str,
        parties: list[PartyRef],
        encoding: AuthEncoding = AuthEncoding.BASE64,
        name: str = "",
        version: str | None = None,
    ) -> Platform:
        """`version`: the OCPI version to register in; by default the best one both speak (2.2.1, else 2.1.1, which
        is one party per connection)."""
        role = parties[0].role if len(parties) == 1 else None
        try:
            peer = await discover_peer(self._client, versions_url, token_a, encoding, version=version, party_role=role)
        except OcpiError as error:
            raise OnboardingError(f"cannot use {versions_url} with that Token A: {error.message}") from error
        if peer.version == V211 and len(parties) != 1:
            raise OnboardingError(
                f"{versions_url} speaks OCPI 2.1.1, which is one party per connection: name exactly one --party"
            )
        credentials_url = next(e.url for e in peer.endpoints if e.identifier == "credentials")

        token_b = generate_token()
        platform = await claim_parties(self._store, parties, PlatformState.CONNECTING, hash_token(token_b), name)
        self._directory.apply(platform)
        reachable = self._reachability.parties_for(platform) if peer.version == V230 else []
        try:
            reply = await self._client.call(
                "POST",
                credentials_url,
                token_a,
                peer.encoding,
                body=hub_credentials(self._settings, token_b, peer.version, reachable),
            )
        except CallFailed as error:
            await self._abandon(platform)
            raise OnboardingError(f"credentials POST to {credentials_url} failed: {error}") from error
        if not reply.ok:
            await self._abandon(platform)
            raise OnboardingError(
                f"{credentials_url} refused the hub's credentials: HTTP {reply.http_status}, "
                f"status_code {reply.status_code} {reply.message or ''}".strip()
            )
        try:
            credentials = parse_credentials(reply.data, peer.version)
        except OcpiError as error:
            await self._abandon(platform)
            raise OnboardingError(f"{credentials_url} answered with {error.message}") from error

        announced = {(r.country_code.upper(), r.party_id.upper(), r.role or (role or "")): r for r in credentials.roles}
        expected = {(p.country_code, p.party_id, p.role) for p in parties}
        unexpected = sorted(set(announced) - expected)
        if unexpected:
            await self._withdraw(credentials_url, credentials.token, peer.encoding)
            await self._abandon(platform)
            listed = ", ".join("*".join(key) for key in unexpected)
            raise OnboardingError(f"the platform announced parties you did not name with --party: {listed}")

        timestamp = now_ocpi()
        cipher = self._cipher

        def change(current: Platform) -> Platform:
            current.state = PlatformState.REGISTERED
            current.peer_token_encrypted = cipher.encrypt(credentials.token)
            current.auth_encoding = peer.encoding
            current.versions_url = credentials.url
            current.version = peer.version
            current.endpoints = peer.endpoints
            current.announced_parties = [party.key for party in reachable]
            current.updated_at = current.last_contact_at = timestamp
            for party in current.parties:
                role = announced.get((party.country_code, party.party_id, party.role))
                if role is not None:
                    party.status = ConnectionStatus.CONNECTED
                    party.last_updated = timestamp
                    party.business_details = {"name": role.business_details.name}
            return current

        stored = await self._updater.update(platform.id, change)
        connected = [p for p in stored.parties if p.status is ConnectionStatus.CONNECTED]
        self._notifier.parties_changed(stored, connected)
        log.info("hub registered with platform", platform=stored.id, versions_url=versions_url)
        return stored

    async def _abandon(self, platform: Platform) -> None:
        def change(current: Platform) -> Platform:
            current.state = PlatformState.UNREGISTERED
            current.token_hashes = []
            return current

        await self._updater.update(platform.id, change)

    async def _withdraw(self, credentials_url: str, token: str, encoding: AuthEncoding) -> None:
        try:
            await self._client.call("DELETE", credentials_url, token, encoding)
        except CallFailed as error:
            log.warning("could not withdraw the hub's registration", url=credentials_url, error=str(error))

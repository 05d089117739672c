"""A platform's access ends: it unregisters itself (credentials DELETE), or the operator revokes it (its tokens are
voided at once, the platform is told with a credentials DELETE at its end, best effort) or removes it for good. Its
parties are reported SUSPENDED to everyone else. The way out of a leaked token, or of a platform that lost the token
the hub answered with; re-invite it afterwards to let it register again."""

from __future__ import annotations

import structlog

from hub.ocpi.timeutil import now_ocpi
from hub.platforms.clientinfo import ClientInfoNotifier
from hub.platforms.directory import Directory
from hub.platforms.ocpi_client import CallFailed, OcpiClient
from hub.platforms.peer_tokens import PeerTokens
from hub.platforms.registration import changed_parties
from hub.platforms.updates import PlatformUpdater
from storage.models import ConnectionStatus, Platform, PlatformState
from storage.ports import Store

log = structlog.get_logger("hub.offboarding")


class Offboarding:
    def __init__(
        self,
        store: Store,
        directory: Directory,
        updater: PlatformUpdater,
        client: OcpiClient,
        peer_tokens: PeerTokens,
        notifier: ClientInfoNotifier,
    ) -> None:
        self._store = store
        self._directory = directory
        self._updater = updater
        self._client = client
        self._peer_tokens = peer_tokens
        self._notifier = notifier

    async def unregister(self, platform_id: str) -> Platform:
        """Void the platform's tokens, forget its token for the hub, report its parties SUSPENDED to the others."""
        timestamp = now_ocpi()

        def change(platform: Platform) -> Platform:
            platform.state = PlatformState.UNREGISTERED
            platform.token_hashes = []
            platform.retiring_token_hash = None
            platform.retiring_until = 0.0
            platform.peer_token_encrypted = None
            platform.updated_at = timestamp
            for party in platform.parties:
                party.status = ConnectionStatus.SUSPENDED
                party.last_updated = timestamp
            return platform

        before = self._directory.get(platform_id)
        stored = await self._updater.update(platform_id, change)
        self._notifier.parties_changed(stored, changed_parties(before, stored))
        return stored

    async def revoke(self, platform: Platform) -> Platform:
        """The operator ends the platform's access now, and tells it."""
        if platform.state is PlatformState.REGISTERED:
            await self._tell_platform(platform)
        return await self.unregister(platform.id)

    async def remove(self, platform: Platform) -> None:
        """Unregister the platform if need be, then delete its record: its parties are free for another platform."""
        if platform.state is not PlatformState.UNREGISTERED:
            platform = await self.revoke(platform)
        await self._store.platforms.delete(platform.id)
        self._directory.forget(platform.id)

    async def _tell_platform(self, platform: Platform) -> None:
        endpoint = next((e for e in platform.endpoints if e.identifier == "credentials"), None)
        try:
            token = self._peer_tokens.token_for(platform)
        except ValueError as error:  # the stored token cannot be decrypted: the platform cannot be told
            log.warning("cannot tell the platform it is unregistered", platform=platform.id, error=str(error))
            return
        if endpoint is None or token is None:
            return
        try:
            reply = await self._client.call("DELETE", endpoint.url, token, platform.auth_encoding)
            log.info("told the platform it is unregistered", platform=platform.id, http_status=reply.http_status)
        except CallFailed as error:
            log.warning("cannot tell the platform it is unregistered", platform=platform.id, error=str(error))

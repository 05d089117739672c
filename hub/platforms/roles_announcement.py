"""OCPI 2.3.0 platforms hold, in the hub's credentials, the list of parties reachable through the hub (`roles`).
When that set changes (an agreement, a party registering, going away or leaving), the hub updates its credentials
at the platform: a credentials PUT as the client, with a new token for the platform (the hub keeps only hashes, so
it cannot send the one it issued before; the old one stays valid until the platform uses the new one, as after any
rotation). Several hub processes may watch the same platform: the first to record the new set in the store sends
the PUT, the others see it recorded and do nothing."""

from __future__ import annotations

import asyncio
import time

import structlog

from hub.config import Settings
from hub.ocpi.credentials_object import hub_credentials, parse_credentials
from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import V230
from hub.platforms.directory import Directory
from hub.platforms.ocpi_client import CallFailed, OcpiClient
from hub.platforms.peer_tokens import PeerTokens
from hub.platforms.reachability import Reachability
from hub.platforms.tokens import TokenCipher, generate_token, hash_token
from hub.platforms.updates import PlatformUpdater
from storage.errors import StorageError
from storage.models import Party, Platform, PlatformState

log = structlog.get_logger("hub.roles_announcement")

RETRY_AFTER_SECONDS = 60.0


class RolesAnnouncement:
    def __init__(
        self,
        settings: Settings,
        directory: Directory,
        reachability: Reachability,
        updater: PlatformUpdater,
        client: OcpiClient,
        cipher: TokenCipher,
        peer_tokens: PeerTokens,
        retry_after_seconds: float = RETRY_AFTER_SECONDS,
    ) -> None:
        self._settings = settings
        self._directory = directory
        self._reachability = reachability
        self._updater = updater
        self._client = client
        self._cipher = cipher
        self._peer_tokens = peer_tokens
        self._retry_after = retry_after_seconds
        self._retry_at: dict[str, float] = {}
        self._in_flight: dict[str, asyncio.Task] = {}
        self._checked_state: tuple[int, object] | None = None

    async def check(self) -> None:
        """Start an update for every 2.3.0 platform whose recorded set differs from what it can reach now. Nothing
        to look at while the directory and the agreements are unchanged and no retry waits (this runs every refresh
        interval; the sets cost platforms times parties to compute)."""
        now = time.monotonic()
        state = self._reachability.state()
        if state == self._checked_state:
            return
        for platform_id in [p for p, at in self._retry_at.items() if at <= now]:
            del self._retry_at[platform_id]
        # While a retry waits, look every time (it comes due without anything else changing).
        self._checked_state = None if self._retry_at else state
        for platform in self._directory.registered_platforms():
            if platform.version != V230 or platform.id in self._in_flight:
                continue
            if self._retry_at.get(platform.id, 0.0) > now:
                continue
            reachable = self._reachability.parties_for(platform)
            if [party.key for party in reachable] == platform.announced_parties:
                continue
            task = asyncio.get_running_loop().create_task(self._announce(platform.id, reachable))
            self._in_flight[platform.id] = task
            task.add_done_callback(lambda _, platform_id=platform.id: self._in_flight.pop(platform_id, None))

    async def drain(self, seconds: float = 5.0) -> None:
        if self._in_flight:
            await asyncio.wait(list(self._in_flight.values()), timeout=seconds)

    async def _announce(self, platform_id: str, reachable: list[Party]) -> None:
        keys = [party.key for party in reachable]
        token = generate_token()
        new_hash = hash_token(token)
        previous: list[str] = []

        def claim(current: Platform) -> Platform | None:
            if current.state is not PlatformState.REGISTERED or current.announced_parties == keys:
                return None  # another process got there first, or the platform is gone
            previous[:] = current.announced_parties
            current.announced_parties = keys
            current.token_hashes = [*current.token_hashes, new_hash]
            return current

        try:
            platform = await self._updater.update(platform_id, claim)
        except StorageError as error:
            log.warning("could not record the reachable parties", platform=platform_id, error=str(error))
            return
        if new_hash not in platform.token_hashes:
            return
        problem = await self._put(platform, token, reachable)
        if problem is None:
            return
        self._retry_at[platform_id] = time.monotonic() + self._retry_after
        log.warning(
            "could not update the hub's credentials at the platform; retrying later",
            platform=platform_id,
            problem=problem,
            retry_after_seconds=self._retry_after,
        )
        await self._revert(platform_id, keys, previous, new_hash)

    async def _put(self, platform: Platform, token: str, reachable: list[Party]) -> str | None:
        """None when the platform took the new credentials (and its answer is stored), else what went wrong."""
        endpoint = next((e for e in platform.endpoints if e.identifier == "credentials"), None)
        peer_token = self._peer_tokens.token_for(platform)
        if endpoint is None or peer_token is None:
            return "no credentials endpoint or no token for it"
        body = hub_credentials(self._settings, token, V230, reachable)
        try:
            reply = await self._client.call("PUT", endpoint.url, peer_token, platform.auth_encoding, body=body)
        except CallFailed as error:
            return str(error)
        if not reply.ok:
            return f"HTTP {reply.http_status}, status_code {reply.status_code} {reply.message or ''}".strip()
        try:
            credentials = parse_credentials(reply.data, V230)
        except OcpiError as error:
            return f"its answer: {error.message}"
        new_hash = hash_token(token)
        overlap = self._settings.credentials_overlap_seconds
        encrypted = self._cipher.encrypt(credentials.token)

        def rotate(current: Platform) -> Platform | None:
            if new_hash not in current.token_hashes:
                return None
            replaced = next((h for h in current.token_hashes if h not in (new_hash, current.retiring_token_hash)), None)
            retiring = replaced if replaced is not None and overlap > 0 else None
            current.token_hashes = [new_hash] + ([retiring] if retiring else [])
            current.retiring_token_hash = retiring
            current.retiring_until = time.time() + overlap if retiring else 0.0
            current.peer_token_encrypted = encrypted
            current.versions_url = credentials.url
            return current

        try:
            await self._updater.update(platform.id, rotate)
        except StorageError as error:
            return f"its new token could not be stored: {error}"
        log.info("hub credentials updated at the platform", platform=platform.id, reachable=len(reachable))
        return None

    async def _revert(self, platform_id: str, keys: list[str], previous: list[str], new_hash: str) -> None:
        def revert(current: Platform) -> Platform | None:
            if new_hash not in current.token_hashes:
                return None
            current.token_hashes = [h for h in current.token_hashes if h != new_hash]
            if current.announced_parties == keys:
                current.announced_parties = previous
            return current

        try:
            await self._updater.update(platform_id, revert)
        except StorageError as error:
            log.warning("could not undo the credentials update", platform=platform_id, error=str(error))

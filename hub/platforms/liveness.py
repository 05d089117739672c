"""Still-alive check (HubClientInfo): a platform quiet for `alive_check_after_seconds` gets a GET on its versions
endpoint. No answer: its connected parties go OFFLINE. An answer, or any request from it: back to CONNECTED. Each
change is pushed to the other platforms as ClientInfo."""

from __future__ import annotations

import asyncio
import time

import structlog

from hub.ocpi.timeutil import now_ocpi
from hub.platforms.clientinfo import ClientInfoNotifier
from hub.platforms.directory import Directory
from hub.platforms.ocpi_client import CallFailed, OcpiClient
from hub.platforms.peer_tokens import PeerTokens
from hub.platforms.updates import PlatformUpdater
from storage.errors import StorageError
from storage.models import ConnectionStatus, Platform, PlatformState

log = structlog.get_logger("hub.liveness")

MAX_CONCURRENT_PROBES = 16


class LivenessMonitor:
    def __init__(
        self,
        after_seconds: float,
        directory: Directory,
        updater: PlatformUpdater,
        client: OcpiClient,
        peer_tokens: PeerTokens,
        notifier: ClientInfoNotifier,
    ) -> None:
        self._after = after_seconds
        self._directory = directory
        self._updater = updater
        self._client = client
        self._peer_tokens = peer_tokens
        self._notifier = notifier
        self._last_seen: dict[str, float] = {}
        self._last_seen_wall: dict[str, float] = {}  # the same moments as Unix time, for people
        self._started = time.monotonic()
        self._reviving: set[str] = set()
        self._limit = asyncio.Semaphore(MAX_CONCURRENT_PROBES)

    def saw(self, platform: Platform) -> None:
        """A request from the platform just arrived: it is alive."""
        platform_id = platform.id
        self._last_seen[platform_id] = time.monotonic()
        self._last_seen_wall[platform_id] = time.time()
        if _has_offline_parties(platform) and platform_id not in self._reviving:
            self._reviving.add(platform_id)
            task = asyncio.get_running_loop().create_task(self._revive(platform_id))
            task.add_done_callback(lambda _: self._reviving.discard(platform_id))

    def last_seen_at(self, platform_id: str) -> float | None:
        """When this process last heard from the platform (Unix time), if it has."""
        return self._last_seen_wall.get(platform_id)

    async def _revive(self, platform_id: str) -> None:
        try:
            await self._set_status(platform_id, ConnectionStatus.OFFLINE, ConnectionStatus.CONNECTED)
        except StorageError as error:
            # The next request from it tries again.
            log.warning(
                "could not mark an offline platform's parties CONNECTED", platform=platform_id, error=str(error)
            )

    async def check_once(self) -> None:
        now = time.monotonic()
        quiet = [
            platform
            for platform in self._directory.registered_platforms()
            if now - self._last_seen.get(platform.id, self._started) >= self._after
        ]
        await asyncio.gather(*(self._probe(platform) for platform in quiet))

    async def answers(self, platform: Platform) -> tuple[bool, str]:
        """Whether the platform answers a GET of its versions endpoint with the hub's token, and if not, why."""
        async with self._limit:
            try:
                token = self._peer_tokens.token_for(platform)
                if token is None or not platform.versions_url:
                    return False, "the hub has no token or versions URL for it"
                reply = await self._client.call("GET", platform.versions_url, token, platform.auth_encoding)
                return reply.ok, f"HTTP {reply.http_status}, status_code {reply.status_code}"
            except CallFailed as error:
                return False, str(error)

    async def mark(self, platform_id: str, reachable: bool, reason: str | None = None) -> None:
        """Its parties CONNECTED again, or OFFLINE (`reason` logged); pushed as ClientInfo where that changes."""
        if reachable:
            await self._set_status(platform_id, ConnectionStatus.OFFLINE, ConnectionStatus.CONNECTED)
        else:
            await self._set_status(platform_id, ConnectionStatus.CONNECTED, ConnectionStatus.OFFLINE, reason)

    async def _probe(self, platform: Platform) -> None:
        token = self._peer_tokens.token_for(platform)
        if token is None or not platform.versions_url:
            return
        alive, reason = await self.answers(platform)
        if alive:
            self._last_seen[platform.id] = time.monotonic()
            self._last_seen_wall[platform.id] = time.time()
            await self._set_status(platform.id, ConnectionStatus.OFFLINE, ConnectionStatus.CONNECTED)
        else:
            # Said once, when its parties go OFFLINE (in _set_status); after that, every 30 s would be noise.
            log.debug("platform did not answer the still-alive check", platform=platform.id, reason=reason)
            await self._set_status(platform.id, ConnectionStatus.CONNECTED, ConnectionStatus.OFFLINE, reason)

    async def _set_status(
        self, platform_id: str, old: ConnectionStatus, new: ConnectionStatus, reason: str | None = None
    ) -> None:
        timestamp = now_ocpi()
        changed: list[str] = []

        def change(platform: Platform) -> Platform | None:
            changed.clear()
            if platform.state is not PlatformState.REGISTERED:
                return None
            for party in platform.parties:
                if party.status is old:
                    party.status = new
                    party.last_updated = timestamp
                    changed.append(party.key)
            return platform if changed else None

        stored = await self._updater.update(platform_id, change)
        if changed:
            if new is ConnectionStatus.OFFLINE:
                log.warning(
                    "platform does not answer: its parties are OFFLINE",
                    platform=platform_id,
                    parties=changed,
                    reason=reason,
                )
            else:
                log.info("platform connection status changed", platform=platform_id, status=new.value, parties=changed)
            self._notifier.parties_changed(stored, [p for p in stored.parties if p.key in changed])


def _has_offline_parties(platform: Platform) -> bool:
    return platform.state is PlatformState.REGISTERED and any(
        p.status is ConnectionStatus.OFFLINE for p in platform.parties
    )

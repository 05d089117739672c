"""The token before a credentials POST or PUT stays valid until the platform first uses the new one (or until
`credentials_overlap_seconds` pass): a platform whose answer was lost in flight can still retry with the token it
has. The first request with the new token retires the old one before it is answered (other hub processes follow
within directory_refresh_seconds); never both after that."""

from __future__ import annotations

import asyncio

import structlog

from hub.platforms.updates import PlatformUpdater
from storage.errors import StorageError
from storage.models import Platform

log = structlog.get_logger("hub.token_rotation")


class TokenRetirement:
    def __init__(self, updater: PlatformUpdater) -> None:
        self._updater = updater
        self._in_flight: dict[tuple[str, str], asyncio.Task] = {}

    async def new_token_used(self, platform: Platform) -> None:
        """The platform just used its new token: drop the one it replaced before answering (one store write per
        rotation, shared by the requests that arrive together)."""
        retiring = platform.retiring_token_hash
        if retiring is None:
            return
        key = (platform.id, retiring)
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._retire(platform.id, retiring))
            self._in_flight[key] = task
            task.add_done_callback(lambda _: self._in_flight.pop(key, None))
        await asyncio.shield(task)

    async def _retire(self, platform_id: str, retiring: str) -> None:
        def change(current: Platform) -> Platform | None:
            # Only the token this request superseded: a credentials PUT meanwhile may have made another retiring.
            if current.retiring_token_hash != retiring:
                return None
            current.token_hashes = [known for known in current.token_hashes if known != retiring]
            current.retiring_token_hash = None
            current.retiring_until = 0.0
            return current

        try:
            await self._updater.update(platform_id, change)
        except StorageError as error:
            # The token still dies at retiring_until; the next request with the new token tries again.
            log.warning("could not retire the previous credentials token", platform=platform_id, error=str(error))
            return
        log.info("previous credentials token retired: the platform uses its new one", platform=platform_id)

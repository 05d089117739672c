"""Changing a platform: read it from the store, apply a change, save it under its revision, and share the result
with this process's directory; retried when another writer got there first."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from hub.platforms.directory import Directory
from storage.errors import ConcurrentUpdate, NotFound
from storage.models import Platform
from storage.ports import Store

ATTEMPTS = 5


class PlatformUpdater:
    def __init__(self, store: Store, directory: Directory) -> None:
        self._store = store
        self._directory = directory

    async def update(self, platform_id: str, change: Callable[[Platform], Platform | None]) -> Platform:
        """`change` gets a copy and returns it changed, or None for no change. Raises NotFound, or
        ConcurrentUpdate when the platform kept changing."""
        for _ in range(ATTEMPTS):
            current = await self._store.platforms.get(platform_id)
            if current is None:
                raise NotFound(platform_id)
            changed = change(msgspec.structs.replace(current))
            if changed is None:
                self._directory.apply(current)
                return current
            try:
                stored = await self._store.platforms.save(changed)
            except ConcurrentUpdate:
                continue
            self._directory.apply(stored)
            return stored
        raise ConcurrentUpdate(platform_id)

    async def update_for_operator(
        self, platform_id: str, change: Callable[[Platform], Platform | None], refusal: type[Exception]
    ) -> Platform:
        """`update`, for a change an operator asked for: a platform gone or that kept changing is a `refusal` that
        says so (nothing was changed)."""
        try:
            return await self.update(platform_id, change)
        except NotFound as error:
            raise refusal(f"no platform {platform_id} (removed meanwhile?)") from error
        except ConcurrentUpdate as error:
            raise refusal(f"platform {platform_id} kept changing; nothing was changed: try again") from error

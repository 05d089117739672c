"""Open-routing hints (which CPO and eMSP a session or reservation is between), read through a small memory cache
and written only when they change: a session is PUT and PATCHed many times, its hint stays the same. Entries live
in memory for at most a minute, so what other hub processes write is seen soon."""

from __future__ import annotations

import time

from storage.models import RoutingHint
from storage.ports import Store

MEMORY_SECONDS = 60.0
MAX_ENTRIES = 100_000


class HintBook:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._memory: dict[tuple[str, str], tuple[float, RoutingHint]] = {}

    async def get(self, kind: str, key: str) -> RoutingHint | None:
        now = time.time()
        remembered = self._memory.get((kind, key))
        if remembered is not None and now - remembered[0] < MEMORY_SECONDS:
            hint = remembered[1]
            return hint if hint.expires_at > now else None
        hint = await self._store.hints.get(kind, key, now)
        if hint is not None:  # a miss is not remembered: another process may write the hint any moment
            self._remember(kind, key, hint, now)
        return hint

    async def put(self, hint: RoutingHint, ttl_seconds: float) -> None:
        """Store the hint unless the same one is already stored with more than half its lifetime to go."""
        now = time.time()
        current = await self.get(hint.kind, hint.key)
        if (
            current is not None
            and (current.cpo, current.emsp) == (hint.cpo, hint.emsp)
            and current.expires_at - now > ttl_seconds / 2
        ):
            return
        await self._store.hints.put(hint)
        self._remember(hint.kind, hint.key, hint, now)

    async def stored(self, kind: str, key: str) -> RoutingHint | None:
        """The hint as the store has it now (for decisions that must not rest on a cached copy)."""
        return await self._store.hints.get(kind, key, time.time())

    def _remember(self, kind: str, key: str, hint: RoutingHint, now: float) -> None:
        if len(self._memory) >= MAX_ENTRIES:
            self._memory.clear()
        self._memory[(kind, key)] = (now, hint)

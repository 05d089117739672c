"""Open-routing hints (which CPO and eMSP a session or reservation is between), read through a small memory cache
and written only when they change: a session is PUT and PATCHed many times, its hint stays the same. Entries live
in memory for at most a minute, so what other hub processes write is seen soon."""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from hub.config import Settings
from routing.decision import Learn
from storage.models import RoutingHint
from storage.ports import Store

log = structlog.get_logger("hub.hints")

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


class Learning:
    """What open routing learns from traffic a receiver accepted (routing.decision.Learn): kept as hints; a key that
    already leads to another pair of parties is kept as ambiguous (it routes nothing)."""

    def __init__(self, hints: HintBook, settings: Settings, result_ttl: Callable[[str | None], float]) -> None:
        self._hints = hints
        self._settings = settings
        self._result_ttl = result_ttl

    async def learn(self, lessons: tuple[Learn, ...]) -> None:
        for lesson in lessons:
            if lesson.lifetime == "session":
                ttl = self._settings.session_hint_ttl_days * 86400
            else:
                ttl = self._result_ttl(lesson.until)
            expires_at = time.time() + ttl
            for key in lesson.keys:
                await self._keep(lesson.kind, key, lesson.cpo, lesson.emsp, expires_at)

    async def _keep(self, kind: str, key: str, cpo: str, emsp: str, expires_at: float) -> None:
        existing = await self._hints.get(kind, key)
        if existing is None or (existing.cpo, existing.emsp) != (cpo, emsp):
            existing = await self._hints.stored(kind, key)  # another process may have written it meanwhile
        if existing is not None and (existing.cpo, existing.emsp) != (cpo, emsp):
            cpo = emsp = ""
            log.warning("routing hint is ambiguous; open routing will ask for OCPI-to", kind=kind, key=key)
        hint = RoutingHint(kind=kind, key=key, cpo=cpo, emsp=emsp, expires_at=expires_at)
        await self._hints.put(hint, ttl_seconds=expires_at - time.time())

"""Rate limits per calling platform, per minute and class of request (real-time authorization, commands, pushes,
GETs), shared by every hub process and node through the store.

Each process counts what it admits in the current minute and, every `rate_limit_sync_seconds`, adds its new counts
to the store's and reads the totals back: it then knows what the other processes admitted up to that moment. A
request is admitted while this process's count plus the others' last known count is under the limit. So the limit
holds exactly within one process, and across processes to within what the others admit in one sync interval (the
tolerance docs/operations.md states and tests/traffic measures). The request path only touches a dict."""

from __future__ import annotations

import dataclasses
import math
import time

import structlog

from hub.config import Settings
from storage.errors import StorageError
from storage.models import Platform
from storage.ports import RateCounts

log = structlog.get_logger("hub.rate_limits")

WINDOW_SECONDS = 60


def rate_class(module: str, method: str, path: str) -> str:
    """The class a functional-module request counts in."""
    if module == "tokens" and path.rstrip("/").endswith("/authorize"):
        return "authorize"
    if module == "commands":
        return "commands"
    return "gets" if method in ("GET", "HEAD") else "pushes"


@dataclasses.dataclass(slots=True)
class _Window:
    window: int
    admitted: int = 0  # by this process in the window
    synced: int = 0  # of those, added to the store's counter
    others: int = 0  # by the other processes, as the store said at the last sync


@dataclasses.dataclass(frozen=True, slots=True)
class Refusal:
    limit: int
    rate_class: str
    retry_after_seconds: int


class RateLimiter:
    def __init__(self, settings: Settings, counts: RateCounts) -> None:
        self._settings = settings
        self._counts = counts
        self._windows: dict[tuple[str, str], _Window] = {}
        self._purged_before = 0
        self.refused: dict[tuple[str, str], int] = {}  # (platform id, class) -> requests refused (for /metrics)

    def limit_for(self, platform: Platform, klass: str) -> int:
        override = platform.rate_limits.get(klass)
        return self._settings.rate_limit_per_minute(klass) if override is None else override

    def admit(self, platform: Platform, klass: str, now: float | None = None) -> Refusal | None:
        """None: admitted (and counted). Else how long until the window ends."""
        limit = self.limit_for(platform, klass)
        if limit <= 0:
            return None
        now = time.time() if now is None else now
        window = int(now // WINDOW_SECONDS)
        key = (platform.id, klass)
        entry = self._windows.get(key)
        if entry is None or entry.window != window:
            entry = self._windows[key] = _Window(window)
        if entry.admitted + entry.others >= limit:
            self.refused[key] = self.refused.get(key, 0) + 1
            return Refusal(limit, klass, max(1, math.ceil((window + 1) * WINDOW_SECONDS - now)))
        entry.admitted += 1
        return None

    async def sync(self) -> None:
        """Add this process's new counts to the store's, and learn the other processes' (every sync interval)."""
        window = int(time.time() // WINDOW_SECONDS)
        for key in [key for key, entry in self._windows.items() if entry.window != window]:
            del self._windows[key]
        sending = {key: entry.admitted - entry.synced for key, entry in self._windows.items()}
        if sending:
            deltas = [(f"{platform_id}|{klass}", window, delta) for (platform_id, klass), delta in sending.items()]
            try:
                totals = await self._counts.add(deltas)
            except StorageError as error:
                log.warning("rate limit counts not shared this time", error=str(error))
                return
            for (platform_id, klass), delta in sending.items():
                entry = self._windows.get((platform_id, klass))
                total = totals.get((f"{platform_id}|{klass}", window))
                if entry is None or entry.window != window or total is None:
                    continue
                entry.synced += delta
                entry.others = max(0, total - entry.synced)
        if window - 1 > self._purged_before:
            self._purged_before = window - 1
            try:
                await self._counts.purge_before(window - 1)
            except StorageError as error:
                log.warning("old rate limit counts not purged", error=str(error))

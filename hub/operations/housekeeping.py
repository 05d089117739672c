"""The hub's periodic housekeeping, one job: expired stand-in URLs and routing hints, old deletion records, ended
dashboard sessions, and message-log records past their retention."""

from __future__ import annotations

import time

import structlog

from storage.ports import Store

log = structlog.get_logger("hub.housekeeping")

EVERY_SECONDS = 3600.0
# Every process has applied a platform deletion within seconds (and a full resync repeats it); a day is plenty.
DELETIONS_KEPT_SECONDS = 86400.0


class Housekeeping:
    def __init__(self, store: Store, message_retention_seconds: float, session_idle_seconds: float) -> None:
        self._store = store
        self._message_retention = message_retention_seconds
        self._session_idle = session_idle_seconds

    async def run_once(self) -> dict[str, int]:
        now = time.time()
        purged = {
            "callbacks": await self._store.callbacks.purge_expired(now),
            "hints": await self._store.hints.purge_expired(now),
            "deletions": await self._store.platforms.purge_deletions(now - DELETIONS_KEPT_SECONDS),
            "admin_sessions": await self._store.admin_sessions.purge_expired(now, self._session_idle),
            "messages": await self._store.messages.purge_older_than(now - self._message_retention),
        }
        if any(purged.values()):
            log.info("expired records purged", **purged)
        return purged

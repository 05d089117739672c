"""The hub's periodic housekeeping, one job: expired stand-in URLs and routing hints, old deletion records, ended
dashboard sessions, message-log records past their retention, and the copies of sessions and CDRs kept for 2.1.1
eMSPs past theirs (only those modules hold such copies: broadcast objects are the owners' latest and stay)."""

from __future__ import annotations

import time

import structlog

from routing.decide import RECIPIENT_COPIED_MODULES
from storage.ports import Store


def sort_key_at(moment: float) -> str:
    """An object store sort_key (UTC, microseconds) for a moment."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + ".000000Z"


log = structlog.get_logger("hub.housekeeping")

EVERY_SECONDS = 3600.0
# Every process has applied a platform deletion within seconds (and a full resync repeats it); a day is plenty.
DELETIONS_KEPT_SECONDS = 86400.0


class Housekeeping:
    def __init__(
        self,
        store: Store,
        message_retention_seconds: float,
        session_idle_seconds: float,
        copy_retention_seconds: float = 90 * 86400.0,
    ) -> None:
        self._store = store
        self._message_retention = message_retention_seconds
        self._session_idle = session_idle_seconds
        self._copy_retention = copy_retention_seconds

    async def run_once(self) -> dict[str, int]:
        now = time.time()
        purged = {
            "callbacks": await self._store.callbacks.purge_expired(now),
            "hints": await self._store.hints.purge_expired(now),
            "deletions": await self._store.platforms.purge_deletions(now - DELETIONS_KEPT_SECONDS),
            "admin_sessions": await self._store.admin_sessions.purge_expired(now, self._session_idle),
            "messages": await self._store.messages.purge_older_than(now - self._message_retention),
        }
        copies_before = sort_key_at(now - self._copy_retention)
        for module in RECIPIENT_COPIED_MODULES:
            purged[f"{module}_copies"] = await self._store.objects.purge_older_than(module, copies_before)
        if any(purged.values()):
            log.info("expired records purged", **purged)
        return purged

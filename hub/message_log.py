"""The message log: one record per routed message, buffered and written in batches off the request path."""

from __future__ import annotations

import asyncio
import contextlib
import time

import structlog

from hub.traffic_stats import TrafficStats
from storage.models import MessageRecord
from storage.ports import Store

log = structlog.get_logger("hub.messages")

BATCH_SIZE = 200  # small enough that encoding one batch never holds up requests for long
MAX_BUFFERED = 100_000  # beyond this (storage down for long), the oldest records are dropped, and counted


class MessageRecorder:
    def __init__(self, store: Store, flush_seconds: float, retention_days: float) -> None:
        self._store = store
        self._flush_seconds = flush_seconds
        self._retention_seconds = retention_days * 86400
        self._buffer: list[MessageRecord] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self.dropped = 0
        self.stats = TrafficStats()

    @property
    def queue_depth(self) -> int:
        return len(self._buffer)

    def record(self, record: MessageRecord) -> None:
        self.stats.add(record)
        self._buffer.append(record)
        self._trim()
        if len(self._buffer) >= BATCH_SIZE:
            self._wake.set()

    def _trim(self) -> None:
        overflow = len(self._buffer) - MAX_BUFFERED
        if overflow > 0:
            del self._buffer[:overflow]
            self.dropped += overflow
            log.warning("message log buffer full: oldest records dropped", dropped=overflow)

    async def flush(self) -> None:
        while self._buffer:
            # Take the batch out before writing: records that arrive (or are trimmed) meanwhile are not confused
            # with it. On failure it goes back in front, to be retried.
            batch = self._buffer[:BATCH_SIZE]
            del self._buffer[:BATCH_SIZE]
            try:
                await self._store.messages.append(batch)
            except Exception:
                log.exception("message log write failed; will retry", records=len(batch))
                self._buffer[:0] = batch
                self._trim()
                return

    def stop(self) -> None:
        """Ask `run` to write what is buffered and end (rather than cancelling it in the middle of a write)."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        last_purge = 0.0
        try:
            while not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._flush_seconds)
                self._wake.clear()
                await self.flush()
                if time.time() - last_purge > 3600:
                    last_purge = time.time()
                    try:
                        purged = await self._store.messages.purge_older_than(time.time() - self._retention_seconds)
                        if purged:
                            log.info("message log purged", records=purged)
                    except Exception:
                        log.exception("message log purge failed")
        finally:
            await self.flush()

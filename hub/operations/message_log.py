"""The message log: one record per answer the hub gives on a functional module (and per broadcast leg), buffered
and written in batches off the request path. A batch the store refuses is retried a few times, then set aside and
counted (never retried forever in front of the others); a batch that fails for another reason (a bug) is set aside
at once, with the error in the log."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from hub.operations.traffic_stats import TrafficStats
from storage.errors import StorageError
from storage.models import MessageRecord
from storage.ports import Store

log = structlog.get_logger("hub.messages")

BATCH_SIZE = 200  # small enough that encoding one batch never holds up requests for long
MAX_BUFFERED = 100_000  # beyond this (storage down for long), the oldest records are dropped, and counted
WRITE_ATTEMPTS = 5  # per batch, one per flush, before it is set aside


class MessageRecorder:
    def __init__(self, store: Store, flush_seconds: float) -> None:
        self._store = store
        self._flush_seconds = flush_seconds
        self._buffer: list[MessageRecord] = []
        self._failed_attempts = 0  # of the batch at the front of the buffer
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
            self._failed_attempts = 0
            log.warning("message log buffer full: oldest records dropped", dropped=overflow)

    async def flush(self) -> None:
        while self._buffer:
            # Take the batch out before writing: records that arrive (or are trimmed) meanwhile are not confused
            # with it.
            batch = self._buffer[:BATCH_SIZE]
            del self._buffer[:BATCH_SIZE]
            try:
                await self._store.messages.append(batch)
            except StorageError as error:
                self._failed_attempts += 1
                if self._failed_attempts < WRITE_ATTEMPTS:
                    log.warning(
                        "message log write failed; will retry",
                        records=len(batch),
                        attempt=self._failed_attempts,
                        error=str(error),
                    )
                    self._buffer[:0] = batch
                    self._trim()
                    return
                self._set_aside(batch, f"the store refused it {WRITE_ATTEMPTS} times: {error}")
            except Exception as error:
                log.exception("message log batch cannot be written")
                self._set_aside(batch, f"{type(error).__name__}: {error}")
            self._failed_attempts = 0

    def _set_aside(self, batch: list[MessageRecord], reason: str) -> None:
        self.dropped += len(batch)
        log.error("message log batch set aside: its records are not kept", records=len(batch), reason=reason)

    def stop(self) -> None:
        """Ask `run` to write what is buffered and end (rather than cancelling it in the middle of a write)."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        try:
            while not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._flush_seconds)
                self._wake.clear()
                await self.flush()
        finally:
            await self.flush()

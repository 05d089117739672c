"""The last hour of traffic for the dashboard's overview, the same on every node: every message-log record is
counted here as it passes (per minute: succeeded, failed, and each receiving party's forward latency in buckets),
and every few seconds the counts are added to the store's minutes, which every process adds to. The overview reads
the store (after adding this process's latest), so whichever node answers shows the same figures, also after a
restart. Re-reading the hour from the message log instead would be millions of rows a page view."""

from __future__ import annotations

import bisect
import time

import structlog

from storage.errors import StorageError
from storage.models import MessageRecord, TrafficMinute, message_failed
from storage.ports import TrafficFigures

log = structlog.get_logger("hub.traffic_stats")

MINUTES = 60
# Upper bounds, in ms, of the latency buckets (the last one: everything slower).
LATENCY_BUCKETS_MS = (1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, float("inf"))
SYNC_SECONDS = 5.0


class TrafficStats:
    """This process's counts not yet added to the store."""

    def __init__(self) -> None:
        self._rows: dict[tuple[int, str], TrafficMinute] = {}

    def add(self, record: MessageRecord) -> None:
        minute = int(record.at // 60)
        total = self._row(minute, "")
        if message_failed(record):
            total.failed += 1
        else:
            total.ok += 1
        if record.outcome == "forwarded" and record.to_party:
            row = self._row(minute, record.to_party)
            row.buckets[bisect.bisect_left(LATENCY_BUCKETS_MS, record.latency_ms)] += 1

    def _row(self, minute: int, party: str) -> TrafficMinute:
        row = self._rows.get((minute, party))
        if row is None:
            buckets = [0] * len(LATENCY_BUCKETS_MS) if party else []
            row = self._rows[(minute, party)] = TrafficMinute(minute=minute, party=party, buckets=buckets)
        return row

    def take(self) -> list[TrafficMinute]:
        rows, self._rows = list(self._rows.values()), {}
        return rows

    def put_back(self, rows: list[TrafficMinute]) -> None:
        """Counts taken but not shared (the store failed): counted again with what came since."""
        for row in rows:
            kept = self._row(row.minute, row.party)
            kept.ok += row.ok
            kept.failed += row.failed
            kept.buckets = [mine + theirs for mine, theirs in zip(kept.buckets, row.buckets, strict=True)]


class SharedTraffic:
    """This process's counts, added to the store's every SYNC_SECONDS (and before the overview reads them)."""

    def __init__(self, figures: TrafficFigures, stats: TrafficStats) -> None:
        self._figures = figures
        self._stats = stats
        self._purged_before = 0

    async def flush(self) -> None:
        rows = self._stats.take()
        try:
            await self._figures.add(rows)
        except StorageError as error:
            self._stats.put_back(rows)
            log.warning("traffic figures not shared this time", error=str(error))
            return
        oldest = int(time.time() // 60) - MINUTES - 1
        if oldest > self._purged_before:
            self._purged_before = oldest
            try:
                await self._figures.purge_before(oldest)
            except StorageError as error:
                log.warning("old traffic figures not purged", error=str(error))

    async def last_hour(self, now: float) -> tuple[list[dict[str, int]], dict[str, list[int]]]:
        """Counts per minute, oldest first (the current minute last), and latency buckets per receiving party, over
        every process of the hub."""
        await self.flush()
        current = int(now // 60)
        first = current - MINUTES + 1
        per_minute = [{"ok": 0, "failed": 0} for _ in range(MINUTES)]
        latencies: dict[str, list[int]] = {}
        for row in await self._figures.since(first):
            if row.minute > current:
                continue
            if row.party:
                summed = latencies.setdefault(row.party, [0] * len(LATENCY_BUCKETS_MS))
                for index, count in enumerate(row.buckets[: len(summed)]):
                    summed[index] += count
            else:
                minute = per_minute[row.minute - first]
                minute["ok"] += row.ok
                minute["failed"] += row.failed
        return per_minute, latencies


def percentile_ms(buckets: list[int], share: float) -> float:
    """The upper bound of the bucket holding that share of the latencies (the slowest bucket: its lower bound)."""
    total = sum(buckets)
    seen = 0
    for index, count in enumerate(buckets):
        seen += count
        if total and seen >= share * total:
            bound = LATENCY_BUCKETS_MS[index]
            return bound if bound != float("inf") else LATENCY_BUCKETS_MS[index - 1]
    return 0.0

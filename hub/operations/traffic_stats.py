"""The last hour of traffic, counted as it happens: every message-log record passes through here on its way to the
store. The dashboard's overview reads these counts instead of re-reading the hour from the message log (which at a
few hundred messages a second would be millions of rows a page view). Per process, since it started."""

from __future__ import annotations

import dataclasses
import random

from storage.models import MessageRecord, message_failed

MINUTES = 60
SAMPLES_PER_MINUTE = 2000  # latency samples kept per minute (a uniform sample beyond that)


@dataclasses.dataclass
class _Minute:
    ok: int = 0
    failed: int = 0
    seen: int = 0  # forwarded messages, for the sampling
    latencies: list[tuple[str, float]] = dataclasses.field(default_factory=list)


class TrafficStats:
    def __init__(self) -> None:
        self._minutes: dict[int, _Minute] = {}
        self._sampler = random.Random()  # noqa: S311 (sampling, not secrets)

    def add(self, record: MessageRecord) -> None:
        minute_number = int(record.at // 60)
        minute = self._minutes.get(minute_number)
        if minute is None:
            minute = self._minutes[minute_number] = _Minute()
            for old in [number for number in self._minutes if number <= minute_number - MINUTES]:
                del self._minutes[old]
        if message_failed(record):
            minute.failed += 1
        else:
            minute.ok += 1
        if record.outcome == "forwarded" and record.to_party:
            minute.seen += 1
            sample = (record.to_party, record.latency_ms)
            if len(minute.latencies) < SAMPLES_PER_MINUTE:
                minute.latencies.append(sample)
            else:
                slot = self._sampler.randrange(minute.seen)
                if slot < SAMPLES_PER_MINUTE:
                    minute.latencies[slot] = sample

    def last_hour(self, now: float) -> tuple[list[dict[str, int]], dict[str, list[float]]]:
        """Counts per minute, oldest first (the current minute last), and latency samples per receiving party."""
        current = int(now // 60)
        per_minute = []
        latencies: dict[str, list[float]] = {}
        for number in range(current - MINUTES + 1, current + 1):
            minute = self._minutes.get(number)
            per_minute.append({"ok": minute.ok, "failed": minute.failed} if minute else {"ok": 0, "failed": 0})
            for party, latency in minute.latencies if minute else ():
                latencies.setdefault(party, []).append(latency)
        return per_minute, latencies

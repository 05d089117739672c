"""The overview's traffic counts: exact at any volume, an hour long, and bounded in memory."""

from __future__ import annotations

from hub.operations.traffic_stats import MINUTES, SAMPLES_PER_MINUTE, TrafficStats
from tests.storage.test_message_log_contract import make_record

NOW = 1_800_000_000.0


def test_every_message_of_the_last_hour_counts_at_any_volume():
    stats = TrafficStats()
    for number in range(60_000):  # more than the old 50,000-row cap, spread over the hour's 60 minutes
        at = NOW - 3540 + number * 0.059
        failed = number % 10 == 0
        stats.add(
            make_record(
                at,
                f"r{number}",
                status_code=2001 if failed else 1000,
                outcome="forwarded",
                latency_ms=float(number % 7),
            )
        )
    per_minute, latencies = stats.last_hour(NOW)
    assert len(per_minute) == MINUTES
    assert sum(m["ok"] + m["failed"] for m in per_minute) == 60_000
    assert sum(m["failed"] for m in per_minute) == 6_000
    assert all(m["ok"] + m["failed"] > 0 for m in per_minute[:-1]), "the oldest minutes are counted too"
    assert sum(len(values) for values in latencies.values()) <= MINUTES * SAMPLES_PER_MINUTE


def test_older_minutes_drop_out():
    stats = TrafficStats()
    stats.add(make_record(NOW - 3 * 3600, "old"))
    stats.add(make_record(NOW - 30, "new"))
    per_minute, _ = stats.last_hour(NOW)
    assert sum(m["ok"] for m in per_minute) == 1
    assert per_minute[-1]["ok"] == 1 or per_minute[-2]["ok"] == 1

"""The overview's traffic figures: exact counts at any volume, shared by every process through the store (two
processes' counts add up, whichever reads), an hour long, with latency percentiles per receiving party."""

from __future__ import annotations

from hub.operations.traffic_stats import LATENCY_BUCKETS_MS, MINUTES, SharedTraffic, TrafficStats, percentile_ms
from tests.storage.test_message_log_contract import make_record

NOW = 1_800_000_000.0


async def test_every_message_of_the_last_hour_counts_across_processes(any_store):
    first, second = TrafficStats(), TrafficStats()
    one, other = SharedTraffic(any_store.traffic, first), SharedTraffic(any_store.traffic, second)
    for number in range(6_000):  # spread over the hour's 60 minutes, half through each process
        at = NOW - 3540 + number * 0.59
        failed = number % 10 == 0
        record = make_record(
            at, f"r{number}", status_code=2001 if failed else 1000, outcome="forwarded", latency_ms=float(number % 7)
        )
        (first if number % 2 else second).add(record)
        if number == 3_000:
            await one.flush()  # some shared early, the rest when the overview reads
    for shared in (one, other):
        await shared.flush()
    per_minute, latencies = await other.last_hour(NOW)
    assert len(per_minute) == MINUTES
    assert sum(m["ok"] + m["failed"] for m in per_minute) == 6_000
    assert sum(m["failed"] for m in per_minute) == 600
    assert all(m["ok"] + m["failed"] > 0 for m in per_minute[:-1]), "the oldest minutes are counted too"
    (buckets,) = latencies.values()
    assert sum(buckets) == 6_000, "every forward's latency, failed ones included"
    assert percentile_ms(buckets, 0.5) == 5 and percentile_ms(buckets, 0.95) == 10


async def test_older_minutes_drop_out(any_store):
    stats = TrafficStats()
    shared = SharedTraffic(any_store.traffic, stats)
    stats.add(make_record(NOW - 3 * 3600, "old"))
    stats.add(make_record(NOW - 30, "new"))
    per_minute, _ = await shared.last_hour(NOW)
    assert sum(m["ok"] for m in per_minute) == 1


def test_percentiles_are_bucket_bounds():
    buckets = [0] * len(LATENCY_BUCKETS_MS)
    buckets[3] = 90  # up to 10 ms
    buckets[-1] = 10  # slower than the last bound
    assert percentile_ms(buckets, 0.5) == 10
    assert percentile_ms(buckets, 0.95) == LATENCY_BUCKETS_MS[-2]
    assert percentile_ms([0] * len(LATENCY_BUCKETS_MS), 0.5) == 0.0

"""The overview operators look at: platforms and parties by status, messages per minute, error rate, slowest
partners. The traffic figures are the hub's last hour, from the store's per-minute counts that every process adds
to (hub/operations/traffic_stats.py): the same on every node."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from hub.assembly import Hub
from hub.operations.traffic_stats import percentile_ms
from storage.models import ConnectionStatus, PlatformState


async def overview(context: Hub, now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    platforms = context.directory.platforms()
    platform_states = Counter(platform.state.value for platform in platforms)
    party_statuses = Counter(party.status.value for platform in platforms for party in platform.parties)
    offline = sorted(
        party.key
        for platform in platforms
        for party in platform.parties
        if platform.state is PlatformState.REGISTERED and party.status is ConnectionStatus.OFFLINE
    )
    per_minute, latencies = await context.traffic.last_hour(now)
    total = sum(minute["ok"] + minute["failed"] for minute in per_minute)
    failed = sum(minute["failed"] for minute in per_minute)
    recent = [minute["ok"] + minute["failed"] for minute in per_minute[-5:]]
    return {
        "platforms": dict(platform_states),
        "parties": dict(party_statuses),
        "offline_parties": offline,
        "messages_last_hour": total,
        "messages_per_minute": round(sum(recent) / len(recent), 1),
        "error_rate": round(failed / total, 4) if total else 0.0,
        "traffic": per_minute,
        "slowest_partners": _slowest(latencies),
    }


def _slowest(latencies: dict[str, list[int]], count: int = 8) -> list[dict[str, Any]]:
    """Per receiving party: messages forwarded, and the median and 95th percentile latency (upper bounds of the
    latency buckets they fall in)."""
    rows = [
        {
            "party": party,
            "messages": sum(buckets),
            "p50_ms": percentile_ms(buckets, 0.5),
            "p95_ms": percentile_ms(buckets, 0.95),
        }
        for party, buckets in latencies.items()
        if sum(buckets)
    ]
    rows.sort(key=lambda row: (row["p95_ms"], row["messages"]), reverse=True)
    return rows[:count]

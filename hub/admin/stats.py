"""The overview operators look at: platforms and parties by status, messages per minute, error rate, slowest
partners. The traffic figures are this process's last hour, counted as messages pass (hub/traffic_stats.py)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from hub.assembly import Hub
from storage.models import ConnectionStatus, PlatformState


def overview(context: Hub, now: float | None = None) -> dict[str, Any]:
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
    per_minute, latencies = context.messages.stats.last_hour(now)
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


def _slowest(latencies: dict[str, list[float]], count: int = 8) -> list[dict[str, Any]]:
    rows = []
    for party, values in latencies.items():
        ordered = sorted(values)
        rows.append(
            {
                "party": party,
                "messages": len(ordered),
                "p50_ms": round(ordered[len(ordered) // 2], 1),
                "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
            }
        )
    rows.sort(key=lambda row: row["p95_ms"], reverse=True)
    return rows[:count]

"""The overview operators look at: platforms and parties by status, messages per minute, error rate, slowest
partners. Computed from the last hour of the message log."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from hub.context import HubContext
from storage.models import MessageRecord, message_failed

MINUTES = 60


def overview(context: HubContext, records: list[MessageRecord], now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    platforms = context.directory.platforms()
    platform_states = Counter(platform.state.value for platform in platforms)
    party_statuses = Counter(party.status.value for platform in platforms for party in platform.parties)
    per_minute = [{"ok": 0, "failed": 0} for _ in range(MINUTES)]
    failed = 0
    latencies: dict[str, list[float]] = defaultdict(list)
    for record in records:
        minute = int((now - record.at) // 60)
        is_failed = message_failed(record)
        failed += is_failed
        if 0 <= minute < MINUTES:
            per_minute[MINUTES - 1 - minute]["failed" if is_failed else "ok"] += 1
        if record.outcome == "forwarded" and record.to_party:
            latencies[record.to_party].append(record.latency_ms)
    recent = [minute["ok"] + minute["failed"] for minute in per_minute[-5:]]
    return {
        "platforms": dict(platform_states),
        "parties": dict(party_statuses),
        "messages_last_hour": len(records),
        "messages_per_minute": round(sum(recent) / len(recent), 1),
        "error_rate": round(failed / len(records), 4) if records else 0.0,
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

"""Durable delivery as operators see it (admin API, CLI, dashboard): the queue per receiver, the deliveries held
(never their bodies), and the receiver an operator names. Replay and drop are the queue's own operations."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from storage.models import Platform, QueuedDelivery, QueueFigures


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return dt.datetime.fromtimestamp(moment, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def figures_view(figures: list[QueueFigures], platforms: dict[str, Platform], now: float | None = None) -> list[dict]:
    now = time.time() if now is None else now
    rows = []
    for row in sorted(figures, key=lambda f: f.receiver_platform_id):
        platform = platforms.get(row.receiver_platform_id)
        rows.append(
            {
                "receiver_platform_id": row.receiver_platform_id,
                "receiver": platform.name if platform else row.receiver_platform_id,
                "parties": platform.party_keys if platform else [],
                "pending": row.pending,
                "dead": row.dead,
                "oldest_age_seconds": (
                    round(max(0.0, now - row.oldest_pending_at), 1) if row.oldest_pending_at is not None else None
                ),
            }
        )
    return rows


def delivery_view(delivery: QueuedDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "state": delivery.state.value,
        "receiver_platform_id": delivery.receiver_platform_id,
        "receiver": delivery.receiver,
        "sender": delivery.sender,
        "module": delivery.module,
        "method": delivery.method,
        "path": delivery.url.split("?", 1)[0].split("/ocpi/", 1)[-1],
        "bytes": len(delivery.body),
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
        "request_id": delivery.request_id,
        "created_at": _iso(delivery.created_at),
        "next_attempt_at": _iso(delivery.next_attempt_at) if delivery.state.value == "PENDING" else None,
    }

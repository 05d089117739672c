"""Geometry for the dashboard's small charts; templates/charts.html draws them as SVG (autoescaped, no script)."""

from __future__ import annotations

from typing import Any


def traffic_chart(per_minute: list[dict[str, int]], width: int = 720, height: int = 160) -> dict[str, Any]:
    """Messages per minute over the last hour, stacked: succeeded and failed."""
    peak = max((minute["ok"] + minute["failed"] for minute in per_minute), default=0) or 1
    step = width / max(len(per_minute), 1)
    plot = height - 20
    bars = []
    for index, minute in enumerate(per_minute):
        ok_height = plot * minute["ok"] / peak
        failed_height = plot * minute["failed"] / peak
        bars.append(
            {
                "x": round(index * step, 1),
                "width": round(step * 0.8, 1),
                "ok_y": round(plot - ok_height, 1),
                "ok_height": round(ok_height, 1),
                "failed_y": round(plot - ok_height - failed_height, 1),
                "failed_height": round(failed_height, 1),
                "label": f"{len(per_minute) - index} min ago: {minute['ok']} ok, {minute['failed']} failed",
            }
        )
    return {"width": width, "height": height, "plot": plot, "peak": peak, "bars": bars}


def latency_chart(rows: list[dict[str, Any]], width: int = 720) -> dict[str, Any]:
    """p50 and p95 forward latency per receiving partner, as horizontal bars."""
    row_height, label_width = 26, 110
    peak = max((row["p95_ms"] for row in rows), default=0) or 1
    scale = (width - label_width - 90) / peak
    bars = [
        {
            "y": index * row_height + 4,
            "party": row["party"],
            "p50_ms": row["p50_ms"],
            "p95_ms": row["p95_ms"],
            "p50_width": round(row["p50_ms"] * scale, 1),
            "p95_width": round(row["p95_ms"] * scale, 1),
        }
        for index, row in enumerate(rows)
    ]
    return {"width": width, "height": row_height * len(rows) + 8, "label_width": label_width, "bars": bars}

"""Reading the message-log filters of the admin API and the Traffic page from a query string; the error both
answer a bad filter with."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from routing.datetimes import parse_datetime


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _moment(request: web.Request, name: str) -> float | None:
    text = request.query.get(name)
    if not text:
        return None
    try:
        return parse_datetime(text).timestamp()
    except ValueError as error:
        raise ApiError(400, f"{name} must be an RFC 3339 date-time, e.g. 2026-11-25T10:00:00Z", name) from error


def message_filters(request: web.Request) -> dict[str, Any]:
    query = request.query
    failed = query.get("failed")
    if failed not in (None, "", "true", "false"):
        raise ApiError(400, "failed must be true or false", "failed")
    try:
        limit = int(query.get("limit", "100"))
    except ValueError as error:
        raise ApiError(400, "limit must be an integer", "limit") from error
    if not 1 <= limit <= 1000:
        raise ApiError(400, "limit must be between 1 and 1000", "limit")
    return {
        "request_id": query.get("request_id") or None,
        "correlation_id": query.get("correlation_id") or None,
        "party": (query.get("party") or "").upper() or None,
        "module": query.get("module") or None,
        "platform_id": query.get("platform_id") or None,
        "failed": None if not failed else failed == "true",
        "since": _moment(request, "since"),
        "until": _moment(request, "until"),
        "limit": limit,
    }

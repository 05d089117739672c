"""OCPI pagination for lists the hub itself serves: offset, limit, date_from (inclusive), date_to (exclusive),
and the Link, X-Total-Count and X-Limit headers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlencode

from aiohttp import web

from hub.ocpi.errors import OcpiError
from routing.datetimes import parse_datetime
from routing.status import Status


@dataclasses.dataclass(frozen=True)
class Page:
    offset: int
    limit: int
    date_from: dt.datetime | None
    date_to: dt.datetime | None

    def admits(self, last_updated: str) -> bool:
        if self.date_from is None and self.date_to is None:
            return True
        moment = parse_datetime(last_updated)
        return (self.date_from is None or moment >= self.date_from) and (self.date_to is None or moment < self.date_to)


def read_page(request: web.Request, max_limit: int) -> Page:
    query = request.query
    return Page(
        offset=_integer(query, "offset", 0, minimum=0),
        limit=min(_integer(query, "limit", max_limit, minimum=1), max_limit),
        date_from=_datetime(query, "date_from"),
        date_to=_datetime(query, "date_to"),
    )


def page_headers(request: web.Request, base_url: str, page: Page, total: int, max_limit: int) -> dict[str, str]:
    headers = {"X-Total-Count": str(total), "X-Limit": str(max_limit)}
    next_offset = page.offset + page.limit
    if next_offset < total:
        query = dict(request.query)
        query.update(offset=str(next_offset), limit=str(page.limit))
        headers["Link"] = f'<{base_url}{request.path}?{urlencode(query)}>; rel="next"'
    return headers


def _integer(query, name: str, default: int, minimum: int) -> int:
    text = query.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError as error:
        raise OcpiError(Status.INVALID_PARAMETERS, f"{name} must be an integer, got {text!r}") from error
    if value < minimum:
        raise OcpiError(Status.INVALID_PARAMETERS, f"{name} must be at least {minimum}, got {value}")
    return value


def _datetime(query, name: str) -> dt.datetime | None:
    text = query.get(name)
    if not text:
        return None
    try:
        return parse_datetime(text)
    except ValueError as error:
        raise OcpiError(Status.INVALID_PARAMETERS, f"{name} must be an RFC 3339 UTC date-time, got {text!r}") from error

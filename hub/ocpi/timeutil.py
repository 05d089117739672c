"""The hub's clock, in OCPI DateTime form (parsing and formatting are pure: routing.datetimes)."""

from __future__ import annotations

import datetime as dt

from routing.datetimes import format_datetime


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def now_ocpi() -> str:
    return format_datetime(now())


def from_unix(moment: float) -> str:
    return format_datetime(dt.datetime.fromtimestamp(moment, dt.UTC))

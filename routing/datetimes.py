"""OCPI DateTime: RFC 3339, UTC, at most 25 characters (so milliseconds, never microseconds). Pure functions."""

from __future__ import annotations

import datetime as dt


def parse_datetime(text: str) -> dt.datetime:
    """Parse an OCPI DateTime; a missing zone designator means UTC. Raises ValueError."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1]
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError as error:
        raise ValueError(f"date-time out of range: {text}") from error


def format_datetime(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def sort_key(last_updated: str) -> str:
    """A last_updated value as a string that sorts in time order: UTC, microseconds; "" when it is no DateTime."""
    try:
        return parse_datetime(last_updated).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError):
        return ""

"""The `routed` line rendered in one step (log_format: json) is the line structlog's pipeline would write: the same
keys in the same order, the same values, a timestamp of the same form; and it honours the configured level."""

from __future__ import annotations

import asyncio
import io
import re

import orjson
import pytest
import structlog

from hub.operations import routed_line
from hub.operations.routed_line import BATCH_BYTES, FLUSH_SECONDS, AfterRoutedLines, _JsonLines

FIELDS = {
    "outcome": "forwarded",
    "module": "locations",
    "method": "PUT",
    "from_party": "NL:CPO",
    "to_party": "DE:EMA",
    "http_status": 200,
    "status_code": 1000,
    "status_message": None,
    "ms": 1.25,
    "request_id": "r1",
    "correlation_id": "c1",
    "downstream_request_id": "d1",
    "translation": "2.2.1>2.1.1",
    "lost": ["request: evses[0].capabilities"],
}


def structlog_line(fields: dict) -> dict:
    """What the hub's structlog configuration (hub/operations/logging.py, json) renders for the same call."""
    stream = io.BytesIO()
    logger = structlog.wrap_logger(
        structlog.BytesLogger(stream),
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(serializer=orjson.dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(20),
    )
    logger.info("routed", **fields)
    return orjson.loads(stream.getvalue())


def test_the_one_step_line_is_the_line_structlog_writes():
    stream = io.BytesIO()
    _JsonLines(stream, info_enabled=True, debug_enabled=False).write("info", dict(FIELDS))
    written = stream.getvalue()
    assert written.endswith(b"\n") and written.count(b"\n") == 1
    ours, theirs = orjson.loads(written), structlog_line(dict(FIELDS))
    assert list(ours) == list(theirs)
    assert {k: v for k, v in ours.items() if k != "timestamp"} == {k: v for k, v in theirs.items() if k != "timestamp"}
    pattern = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
    assert re.fullmatch(pattern, ours["timestamp"]) and re.fullmatch(pattern, theirs["timestamp"])
    assert ours["timestamp"][:16] == theirs["timestamp"][:16]  # the same clock, to the minute


class CountedWrites(io.BytesIO):
    """An unbuffered stream (as standard error is under PYTHONUNBUFFERED=1) that counts its writes."""

    writes = 0

    def write(self, data):
        self.writes += 1
        return super().write(data)


async def test_lines_are_written_out_together_within_a_tenth_of_a_second():
    raw = CountedWrites()
    lines = _JsonLines(raw, info_enabled=True, debug_enabled=False)
    for number in range(3):
        lines.write("info", {**FIELDS, "request_id": f"r{number}"})
    assert raw.getvalue() == b"", "gathered, not one write per line"
    await asyncio.sleep(FLUSH_SECONDS + 0.05)
    written = [orjson.loads(line) for line in raw.getvalue().splitlines()]
    assert [line["request_id"] for line in written] == ["r0", "r1", "r2"]
    assert raw.writes == 1


async def test_many_lines_go_out_in_batches_of_64_kb():
    raw = CountedWrites()
    lines = _JsonLines(raw, info_enabled=True, debug_enabled=False)
    for number in range(1000):
        lines.write("info", {**FIELDS, "request_id": f"r{number}"})
    assert 1 <= raw.writes <= len(raw.getvalue()) // BATCH_BYTES + 1
    lines.flush()
    assert len(raw.getvalue().splitlines()) == 1000


async def test_another_log_line_comes_after_the_routed_lines_before_it(monkeypatch):
    raw = CountedWrites()
    lines = _JsonLines(raw, info_enabled=True, debug_enabled=False)
    monkeypatch.setattr(routed_line, "_lines", lines)
    lines.write("info", dict(FIELDS))
    AfterRoutedLines(raw).write(b'{"event": "hub stopped"}\n')
    assert [orjson.loads(line)["event"] for line in raw.getvalue().splitlines()] == ["routed", "hub stopped"]


@pytest.mark.parametrize(
    ("info_enabled", "debug_enabled", "level", "written"),
    [
        (True, False, "info", True),
        (True, False, "debug", False),  # a broadcast leg at the default level
        (True, True, "debug", True),
        (False, False, "info", False),  # log_level: warning
    ],
)
def test_the_one_step_line_honours_the_level(info_enabled, debug_enabled, level, written):
    stream = io.BytesIO()
    _JsonLines(stream, info_enabled=info_enabled, debug_enabled=debug_enabled).write(level, dict(FIELDS))
    assert bool(stream.getvalue()) is written
    if written:
        assert orjson.loads(stream.getvalue())["level"] == level

"""The `routed` log line, one per answer on a functional module: the hub's most frequent line by far. With
`log_format: json` it is rendered in one step (one dict, one orjson call) instead of through structlog's processor
chain, which costs several times more per line; its fields and their order are what structlog would write (the
fields, then event, level and timestamp). In the console format, and until logging is configured (tests capture
structlog's events), it goes through structlog as every other line.

The JSON lines go into standard error's buffer, which is written out when it fills, when any other log line is
written (structlog flushes the same buffer, so the order of lines is kept), at exit, and at the latest
FLUSH_SECONDS after a routed line: one system call per buffer rather than one per message (a write per line was
about 7% of the hub's time). A process killed with SIGKILL can lose that last fraction of a second of routed lines;
the message log in the store is the record of every message, the log lines are for reading."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import Any, BinaryIO

import orjson
import structlog

_log = structlog.get_logger("hub.routing")

FLUSH_SECONDS = 0.1


class _StructlogLines:
    def __init__(self) -> None:
        self.info_enabled = True

    def write(self, level: str, fields: dict[str, Any]) -> None:
        (_log.info if level == "info" else _log.debug)("routed", **fields)


class _JsonLines:
    """Writes straight to the stream structlog's JSON lines go to, at the configured level."""

    def __init__(self, stream: BinaryIO, info_enabled: bool, debug_enabled: bool) -> None:
        self._stream = stream
        self.info_enabled = info_enabled
        self._debug_enabled = debug_enabled
        self._second = -1
        self._second_text = ""
        self._flush_pending = False

    def write(self, level: str, fields: dict[str, Any]) -> None:
        if not (self._debug_enabled if level == "debug" else self.info_enabled):
            return
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._second_text = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        fields["event"] = "routed"
        fields["level"] = level
        fields["timestamp"] = f"{self._second_text}.{int((now - second) * 1e6):06d}Z"
        self._stream.write(orjson.dumps(fields, option=orjson.OPT_APPEND_NEWLINE))
        if not self._flush_pending:
            try:
                asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._flush)
            except RuntimeError:  # no event loop: at once
                self._stream.flush()
                return
            self._flush_pending = True

    def _flush(self) -> None:
        self._flush_pending = False
        with contextlib.suppress(OSError, ValueError):  # standard error closed: nothing a log line can do about it
            self._stream.flush()


_lines: _StructlogLines | _JsonLines = _StructlogLines()


def use_json_lines(level: int) -> None:
    """Called by `configure_logging` for `log_format: json` (`level`: the standard library's numeric level)."""
    global _lines
    _lines = _JsonLines(sys.stderr.buffer, info_enabled=level <= 20, debug_enabled=level <= 10)


def use_structlog_lines() -> None:
    global _lines
    _lines = _StructlogLines()


def write_routed(level: str, fields: dict[str, Any]) -> None:
    """One `routed` line at `level` ("info" or "debug"); `fields` is consumed."""
    _lines.write(level, fields)

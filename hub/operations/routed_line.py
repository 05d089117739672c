"""The `routed` log line, one per answer on a functional module: the hub's most frequent line by far. With
`log_format: json` it is rendered in one step (one dict, one orjson call) instead of through structlog's processor
chain, which costs several times more per line; its fields and their order are what structlog would write (the
fields, then event, level and timestamp). In the console format, and until logging is configured (tests capture
structlog's events), it goes through structlog as every other line.

The JSON lines are gathered in memory and written to standard error together: when 64 KB have gathered, before
any other log line is written (so the order of lines is kept), at exit, and at the latest FLUSH_SECONDS after a
routed line: one system call per batch rather than one per message (a write per line was about 7 % of the hub's
time, and PYTHONUNBUFFERED=1, common in containers, leaves standard error with no buffer of its own). A process
killed with SIGKILL can lose that last fraction of a second of routed lines; the message log in the store is the
record of every message, the log lines are for reading."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import sys
import time
from typing import Any, BinaryIO

import orjson
import structlog

_log = structlog.get_logger("hub.routing")

FLUSH_SECONDS = 0.1
BATCH_BYTES = 64 * 1024


class _StructlogLines:
    """Through structlog, which applies the level itself."""

    def flush(self) -> None:
        pass

    def write(self, level: str, fields: dict[str, Any]) -> None:
        (_log.info if level == "info" else _log.debug)("routed", **fields)


class _JsonLines:
    """Renders each line at once and gathers them for the stream structlog's JSON lines go to (see the module
    docstring for when they are written out), at the configured level."""

    def __init__(self, stream: BinaryIO, info_enabled: bool, debug_enabled: bool) -> None:
        self._stream = stream
        self._info_enabled = info_enabled
        self._debug_enabled = debug_enabled
        self._second = -1
        self._second_text = ""
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._flush_scheduled = False

    def write(self, level: str, fields: dict[str, Any]) -> None:
        if not (self._debug_enabled if level == "debug" else self._info_enabled):
            return
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._second_text = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        fields["event"] = "routed"
        fields["level"] = level
        fields["timestamp"] = f"{self._second_text}.{int((now - second) * 1e6):06d}Z"
        line = orjson.dumps(fields, option=orjson.OPT_APPEND_NEWLINE)
        self._pending.append(line)
        self._pending_bytes += len(line)
        if self._pending_bytes >= BATCH_BYTES:
            self.flush()
        elif not self._flush_scheduled:
            try:
                asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._scheduled_flush)
            except RuntimeError:  # no event loop: at once
                self.flush()
                return
            self._flush_scheduled = True

    def _scheduled_flush(self) -> None:
        self._flush_scheduled = False
        self.flush()

    def flush(self) -> None:
        """Write the gathered lines out."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._pending_bytes = 0
        with contextlib.suppress(OSError, ValueError):  # standard error closed: nothing a log line can do about it
            self._stream.write(data)
            self._stream.flush()


_lines: _StructlogLines | _JsonLines = _StructlogLines()


def use_json_lines(level: int) -> None:
    """Called by `configure_logging` for `log_format: json` (`level`: the standard library's numeric level)."""
    global _lines
    _lines.flush()
    _lines = _JsonLines(sys.stderr.buffer, info_enabled=level <= 20, debug_enabled=level <= 10)


def use_structlog_lines() -> None:
    global _lines
    _lines.flush()
    _lines = _StructlogLines()


def flush_routed() -> None:
    """Write out the routed lines gathered so far (before any other line, and at exit)."""
    _lines.flush()


atexit.register(flush_routed)


class AfterRoutedLines:
    """A log stream (binary or text) that writes out the gathered routed lines before each line of its own, so the
    lines keep their order."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, data):
        _lines.flush()
        return self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()


def write_routed(level: str, fields: dict[str, Any]) -> None:
    """One `routed` line at `level` ("info" or "debug"); `fields` is consumed."""
    _lines.write(level, fields)

"""structlog set-up: readable lines in a terminal, one JSON object per line in production. Never a full token.

Everything goes through one pipeline, the standard library's loggers too (aiohttp's, the drivers'), so with
`log_format: json` every line is JSON. Colours only when standard error is a terminal. HTTP requests that aiohttp's
parser refuses (malformed request lines, bad headers: scanners, port probes, broken clients) become one short line
at info level, at most one per second with a count of the others, instead of a multi-line traceback each."""

from __future__ import annotations

import logging
import sys
import time

import orjson
import structlog

from hub.operations.routed_line import AfterRoutedLines, use_json_lines, use_structlog_lines

MALFORMED_LOG_INTERVAL_SECONDS = 1.0


def configure_logging(log_format: str = "console", level: str = "info") -> None:
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        numeric_level = logging.INFO
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if log_format == "json":
        # orjson renders bytes straight to the stream: one routed message costs one cheap line.
        renderer = structlog.processors.JSONRenderer(serializer=orjson.dumps)
        factory = structlog.BytesLoggerFactory(AfterRoutedLines(sys.stderr.buffer))
        foreign_renderer = structlog.processors.JSONRenderer(serializer=lambda value, **_: orjson.dumps(value).decode())
    else:
        renderer = foreign_renderer = structlog.dev.ConsoleRenderer(colors=_is_terminal(sys.stderr))
        factory = structlog.PrintLoggerFactory(sys.stderr)
    if log_format == "json":
        use_json_lines(numeric_level)
    else:
        use_structlog_lines()
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(AfterRoutedLines(sys.stderr) if log_format == "json" else sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name, structlog.processors.format_exc_info],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, foreign_renderer],
        )
    )
    handler.addFilter(MalformedRequestFilter(numeric_level))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    # Libraries log at warning and above unless the hub is asked for debug.
    root.setLevel(numeric_level if numeric_level <= logging.DEBUG else max(numeric_level, logging.WARNING))
    logging.getLogger("aiohttp.server").setLevel(numeric_level)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class MalformedRequestFilter(logging.Filter):
    """aiohttp logs every request its parser refuses with a traceback at error level. Those are the client's
    fault: one line at info, rate-limited, naming the client and the parser's reason."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self._level = level
        self._last = 0.0
        self._suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != "aiohttp.server" or not record.exc_info:
            return True
        from aiohttp.http_exceptions import HttpProcessingError

        error = record.exc_info[1]
        if not isinstance(error, HttpProcessingError):
            return True
        now = time.monotonic()
        if now - self._last < MALFORMED_LOG_INTERVAL_SECONDS:
            self._suppressed += 1
            return False
        remote = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
        reason = str(getattr(error, "message", "") or error).splitlines()[0][:200]
        record.msg = "malformed HTTP request refused (HTTP 400) from %s: %s; %d more since the last such line"
        record.args = (remote, reason, self._suppressed)
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.INFO, "INFO"
        self._last, self._suppressed = now, 0
        return self._level <= logging.INFO

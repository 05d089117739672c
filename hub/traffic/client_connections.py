"""Slow and idle clients: the connections the hub serves, and how long each may take.

- Header timeout: a request line and its headers must arrive within `client_header_timeout_seconds`, counted from
  when the connection opened (its first request) or from the first byte of a later request on a keep-alive
  connection; a client that trickles a line at a time gains nothing. Then the connection is closed (with a minimal
  408 when the client had sent part of a request and no response is under way).
- Body timeout: a body must arrive within `client_body_timeout_seconds` of its headers; else whatever reads it gets
  an HTTP 408 refusal (an OCPI envelope, recorded like any refusal) and the connection is closed after the answer.
- Idle timeout: aiohttp's keep-alive timeout, `client_idle_timeout_seconds`.
- At most `max_client_connections` connections per process: more are closed at once, before anything is read;
  logged at most once a minute, with the count refused since the last such line.

`runner_for` builds the AppRunner that does all this; its `connection_guard` holds the counters. The handler below
relies on some of aiohttp's internals (RequestHandler's `_messages`, `_request_count`, `_waiter`, `_close`,
`_lingering_time`, `_handle_request`; Server's `_kwargs`), as of aiohttp 3.14; tests/traffic/test_slow_clients.py
exercises each of them."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import structlog
from aiohttp import web
from aiohttp.streams import StreamReader
from aiohttp.web_protocol import RequestHandler

from hub.config import Settings
from hub.ocpi.edge import NOT_OCPI
from hub.ocpi.errors import OcpiError
from routing.status import Status

log = structlog.get_logger("hub.connections")

REFUSALS_LOGGED_EVERY_SECONDS = 60.0
REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class ConnectionGuard:
    """The cap on connections of one process, and what the operators count (plain integers, read by the metrics)."""

    def __init__(self, settings: Settings) -> None:
        self.max_connections = settings.max_client_connections
        self.header_timeout = settings.client_header_timeout_seconds
        self.body_timeout = settings.client_body_timeout_seconds
        self.open_connections = 0
        self.refused_total = 0
        self.header_timeouts_total = 0
        self.body_timeouts_total = 0
        self._unreported = 0
        self._last_report = -math.inf
        self._report_handle: asyncio.TimerHandle | None = None

    def figures(self) -> dict[str, int]:
        """For /metrics: connections open, and those closed over the cap or for slow headers or bodies."""
        return {
            "open": self.open_connections,
            "over_limit": self.refused_total,
            "header_timeout": self.header_timeouts_total,
            "body_timeout": self.body_timeouts_total,
        }

    def admit(self) -> bool:
        if self.open_connections < self.max_connections:
            self.open_connections += 1
            return True
        self.refused_total += 1
        self._unreported += 1
        if self._report_handle is None:
            loop = asyncio.get_running_loop()
            wait = self._last_report + REFUSALS_LOGGED_EVERY_SECONDS - loop.time()
            if wait <= 0:
                self._report()
            else:  # the refusals of the rest of this minute are told in one line at its end
                self._report_handle = loop.call_later(wait, self._report)
        return False

    def release(self) -> None:
        self.open_connections -= 1

    def close(self) -> None:
        """At shutdown: tell the refusals not yet logged."""
        if self._report_handle is not None:
            self._report_handle.cancel()
            self._report()

    def _report(self) -> None:
        self._report_handle = None
        if not self._unreported:
            return
        self._last_report = asyncio.get_running_loop().time()
        log.warning(
            "client connections at the cap: new connections closed",
            max_client_connections=self.max_connections,
            refused=self._unreported,
            open=self.open_connections,
            hint="raise max_client_connections (and the process's file descriptor limit) if these are real clients",
        )
        self._unreported = 0


def body_timeout_error(path: str, seconds: float) -> Exception:
    """What a handler reading a body too slow to arrive gets: for OCPI paths an OcpiError (the relay records it as
    a refusal, the edge answers it in an envelope), for the others (admin) aiohttp's own 408."""
    message = f"request body not received within {seconds:g} seconds"
    headers = {"Connection": "close"}
    if path.startswith(NOT_OCPI):
        return web.HTTPRequestTimeout(text=message, headers=headers)
    return OcpiError(Status.CLIENT_ERROR, message, 408, headers)


class GuardedRequestHandler(RequestHandler):
    """aiohttp's HTTP/1.1 connection, with the cap, the header timeout and the body timeout."""

    __slots__ = (
        "_admitted",
        "_body",
        "_body_answered",
        "_body_path",
        "_body_timer",
        "_guard",
        "_header_bytes",
        "_header_timer",
    )

    def __init__(self, manager: GuardedServer, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._guard = manager.connection_guard
        self._admitted = False
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = False  # part of a request's head has arrived
        self._body: StreamReader | None = None  # the body still arriving, if any
        self._body_path = ""
        self._body_answered = False  # its request was answered (aiohttp reads the rest, to throw it away)
        self._body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._guard.admit():
            transport.close()
            return
        self._admitted = True
        super().connection_made(transport)
        self._header_timer = self._loop.call_later(self._guard.header_timeout, self._header_timed_out)

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self._admitted:
            return
        self._admitted = False
        self._guard.release()
        self._cancel_header_timer()
        self._cancel_body_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._upgraded or self._payload_parser is not None or self._close or self._force_close:
            super().data_received(data)
            return
        # With no body arriving, bytes are the head of the next request: its deadline starts with the first of
        # them (a new connection's started when it opened) and is not moved by the ones after.
        if data and self._body is None:
            self._header_bytes = True
            if self._header_timer is None:
                self._header_timer = self._loop.call_later(self._guard.header_timeout, self._header_timed_out)
        parsed = self._request_count
        super().data_received(data)
        if self._request_count != parsed:
            self._cancel_header_timer()
            self._header_bytes = False
            message, payload = self._messages[-1]  # only the last request parsed can still await its body
            if not payload.is_eof():
                self._body, self._body_path, self._body_answered = payload, message.path, False
                self._cancel_body_timer()
                self._body_timer = self._loop.call_later(self._guard.body_timeout, self._body_timed_out)
        if self._body is not None and self._body.is_eof():
            self._body = None
            self._cancel_body_timer()

    async def _handle_request(self, request: Any, start_time: Any, request_handler: Any) -> Any:
        try:
            return await super()._handle_request(request, start_time, request_handler)
        finally:
            if self._body is not None and self._body is request.content:
                self._body_answered = True

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if self.transport is None or self._force_close:
            return
        self._guard.header_timeouts_total += 1
        waiting_for_a_request = self._waiter is not None and not self._waiter.done()
        if waiting_for_a_request:
            if self._header_bytes:
                self.transport.write(REQUEST_TIMEOUT)
            self.force_close()
        else:  # a response is under way (a pipelined head is late): close once it is sent
            self.close()

    def _body_timed_out(self) -> None:
        self._body_timer = None
        body = self._body
        if body is None or body.is_eof() or self.transport is None:
            return
        self._guard.body_timeouts_total += 1
        self.close()
        if self._body_answered:
            body.feed_eof()  # ends aiohttp's reading of the rest (its lingering close); the connection then closes
        else:
            self._lingering_time = 0.0  # the rest of the body is not waited for after the answer
            body.set_exception(body_timeout_error(self._body_path, self._guard.body_timeout))

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _cancel_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None


class GuardedServer(web.Server):
    """aiohttp's server, making GuardedRequestHandlers."""

    def __init__(self, connection_guard: ConnectionGuard, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connection_guard = connection_guard

    def __call__(self) -> GuardedRequestHandler:
        return GuardedRequestHandler(self, loop=self._loop, **self._kwargs)


class GuardedRunner(web.AppRunner):
    __slots__ = ("connection_guard",)

    def __init__(self, app: web.Application, connection_guard: ConnectionGuard, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.connection_guard = connection_guard

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()  # the app started and frozen; the same server, rebuilt guarded
        return GuardedServer(
            self.connection_guard,
            server.request_handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            loop=server._loop,
            **server._kwargs,
        )

    async def cleanup(self) -> None:
        try:
            await super().cleanup()
        finally:
            self.connection_guard.close()


def runner_for(
    app: web.Application, settings: Settings, connection_guard: ConnectionGuard | None = None, **runner_kwargs: Any
) -> GuardedRunner:
    """The AppRunner serving `app` with the client limits of `settings`; its guard (`connection_guard`, or a new
    one) is `.connection_guard`."""
    runner_kwargs.setdefault("keepalive_timeout", settings.client_idle_timeout_seconds)
    return GuardedRunner(app, connection_guard or ConnectionGuard(settings), **runner_kwargs)

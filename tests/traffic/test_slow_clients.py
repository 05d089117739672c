"""Slow and idle clients, over real sockets against a real hub: a head trickled a line at a time is closed at the
header timeout (trickling does not move it) while other clients are served; a body that never completes is answered
408 and closed; an idle keep-alive connection is closed at the idle timeout (not the header timeout); beyond
max_client_connections a new connection is closed at once, the others go on, and one line is logged.

Timings are outcomes, never tight bounds: "closed while the client was still trickling" (so the trickle did not
keep it open), "closed within a generous bound", "still open well before the deadline"."""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp
import pytest
import structlog

from tests.hub_server import ADMIN_TOKEN, hub_settings, start_hub, token_header
from tests.onboarding import onboard
from tests.platform_sim import Role

HEALTH = b"GET /health/live HTTP/1.1\r\nHost: hub\r\n\r\n"
GENEROUS = 8.0  # seconds: a bound for "closed", far above every timeout here, for a loaded machine


async def open_connection(hub) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(hub.settings.host, hub.settings.port)


async def received_until_closed(reader: asyncio.StreamReader, within: float = GENEROUS) -> bytes:
    """Everything the hub sent until it closed the connection; fails if it is still open after `within`."""
    try:
        return await asyncio.wait_for(reader.read(), within)
    except ConnectionResetError:
        return b""


async def still_open(reader: asyncio.StreamReader, for_seconds: float) -> bool:
    try:
        await asyncio.wait_for(reader.read(1), for_seconds)
    except TimeoutError:
        return True
    except ConnectionResetError:
        return False
    return False


async def response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), GENEROUS)
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if line)
    body = await reader.readexactly(int(headers.get("Content-Length", 0)))
    return int(lines[0].split(" ")[1]), body


async def trickle(writer: asyncio.StreamWriter, lines: int, every: float) -> int:
    """Send a header line every `every` seconds; how many were sent before the hub closed the connection."""
    for sent in range(lines):
        await asyncio.sleep(every)
        try:
            writer.write(f"X-Trickle-{sent}: {'x' * 20}\r\n".encode())
            await writer.drain()
        except ConnectionError:
            return sent
    return lines


def close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(Exception):
        writer.close()


@pytest.fixture
async def hub_with(store_url):
    started = []

    async def start(**overrides):
        hub = await start_hub(hub_settings(store_url, **overrides))
        started.append(hub)
        return hub

    yield start
    for hub in started:
        await hub.stop()


async def test_a_trickled_head_is_closed_at_the_header_timeout_while_others_are_served(hub_with):
    hub = await hub_with(client_header_timeout_seconds=0.5)
    reader, writer = await open_connection(hub)
    silent_reader, silent_writer = await open_connection(hub)
    writer.write(b"GET /health/live HTTP/1.1\r\nHost: hub\r\n")
    # A line every 0.15 s, for far longer than the timeout: were each line to extend the deadline, the
    # connection would stay open until the trickle ends.
    trickling = asyncio.create_task(trickle(writer, lines=int(GENEROUS / 0.15), every=0.15))
    assert await still_open(reader, 0.1)
    async with aiohttp.ClientSession() as session, session.get(f"{hub.url}/health/live") as healthy:
        assert healthy.status == 200

    answered = await received_until_closed(reader)
    assert answered.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"Connection: close" in answered
    assert not trickling.done() or trickling.result() < int(GENEROUS / 0.15), "closed while still trickling"
    # A connection that sent nothing at all is closed too, without an answer to a request it never made.
    assert await received_until_closed(silent_reader) == b""
    trickling.cancel()
    close(writer)
    close(silent_writer)
    guard = hub.runner.connection_guard
    assert guard.header_timeouts_total == 2
    await wait_for(lambda: guard.open_connections == 0)


async def test_a_later_request_on_a_keep_alive_connection_has_its_own_header_deadline(hub_with):
    hub = await hub_with(client_header_timeout_seconds=0.4, client_idle_timeout_seconds=30.0)
    reader, writer = await open_connection(hub)
    writer.write(HEALTH)
    assert (await response(reader))[0] == 200
    writer.write(b"GET /health/live HTTP/1.1\r\n")
    trickling = asyncio.create_task(trickle(writer, lines=int(GENEROUS / 0.15), every=0.15))
    answered = await received_until_closed(reader)
    assert answered.startswith(b"HTTP/1.1 408 ")
    assert not trickling.done() or trickling.result() < int(GENEROUS / 0.15)
    trickling.cancel()
    close(writer)


async def test_an_idle_keep_alive_connection_is_closed_at_the_idle_timeout(hub_with):
    hub = await hub_with(client_header_timeout_seconds=0.3, client_idle_timeout_seconds=2.0)
    reader, writer = await open_connection(hub)
    writer.write(HEALTH)
    assert (await response(reader))[0] == 200
    # Idle three header timeouts long: still open and served (the header deadline is for a request's head).
    assert await still_open(reader, 0.9)
    writer.write(HEALTH)
    assert (await response(reader))[0] == 200
    assert await received_until_closed(reader) == b""  # then closed, once idle for the idle timeout
    close(writer)
    assert hub.runner.connection_guard.header_timeouts_total == 0


async def body_never_completed(hub, method: str, path: str, authorization: str) -> tuple[bytes, bool]:
    """A request whose body is announced 1000 bytes long and trickled, never complete: what the hub sent and
    whether it closed the connection while the body was still trickling."""
    reader, writer = await open_connection(hub)
    writer.write(
        f"{method} {path} HTTP/1.1\r\nHost: hub\r\nAuthorization: {authorization}\r\nContent-Type: application/json\r\n"
        f"Content-Length: 1000\r\n\r\n{{".encode()
    )

    async def trickle_body() -> bool:
        """True if the whole trickle was sent without the hub closing the connection."""
        for _ in range(int(GENEROUS / 0.1)):
            await asyncio.sleep(0.1)
            try:
                writer.write(b" ")
                await writer.drain()
            except ConnectionError:
                return False
        return True

    trickling = asyncio.create_task(trickle_body())
    answered = await received_until_closed(reader)
    while_trickling = not trickling.done() or not trickling.result()
    trickling.cancel()
    close(writer)
    return answered, while_trickling


async def test_a_body_that_never_completes_is_answered_408_and_closed(hub_with, platforms):
    hub = await hub_with(client_header_timeout_seconds=0.3, client_body_timeout_seconds=0.5)
    cpo = await platforms([Role("NL", "CPA", "CPO")])
    await onboard(hub, cpo)
    path = "/ocpi/2.2.1/receiver/locations/NL/CPA/LOC1"
    answered, while_trickling = await body_never_completed(hub, "PUT", path, token_header(cpo.hub_token))
    assert while_trickling
    head, _, body = answered.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"Connection: close" in head
    envelope = json.loads(body)
    assert envelope["status_code"] == 2000
    assert "request body not received" in envelope["status_message"]

    # Not OCPI (the admin API): aiohttp's own 408, answered by the admin API as its JSON error.
    admin = f"Bearer {ADMIN_TOKEN}"
    answered, while_trickling = await body_never_completed(hub, "POST", "/admin/api/invitations", admin)
    assert while_trickling
    assert answered.startswith(b"HTTP/1.1 408 ")
    # Answered without its body being read (a wrong method): what aiohttp goes on reading of it, to throw it
    # away, is cut at the body timeout too.
    answered, while_trickling = await body_never_completed(hub, "PUT", "/admin/api/invitations", admin)
    assert while_trickling
    assert answered.startswith(b"HTTP/1.1 405 ")
    assert hub.runner.connection_guard.body_timeouts_total == 3
    assert hub.runner.connection_guard.header_timeouts_total == 0


async def test_beyond_the_cap_a_new_connection_is_closed_at_once_and_logged_once(hub_with):
    hub = await hub_with(max_client_connections=3, client_header_timeout_seconds=GENEROUS * 2)
    guard = hub.runner.connection_guard
    with structlog.testing.capture_logs() as logs:
        served = [await open_connection(hub) for _ in range(3)]
        await wait_for(lambda: guard.open_connections == 3)
        refused = [await open_connection(hub) for _ in range(2)]
        for reader, _ in refused:
            assert await received_until_closed(reader) == b""
        assert guard.refused_total == 2
        for reader, writer in served:
            writer.write(HEALTH)
            assert (await response(reader))[0] == 200
        during = [entry for entry in logs if entry["event"].startswith("client connections at the cap")]
        await hub.stop()  # the refusals not yet told are told at shutdown
    for _, writer in served + refused:
        close(writer)
    # The first refusal at once; the second, within the minute, waits for the next line (here: the shutdown's).
    assert [(e["log_level"], e["max_client_connections"], e["refused"]) for e in during] == [("warning", 3, 1)]
    assert "max_client_connections" in during[0]["hint"]
    told = [entry["refused"] for entry in logs if entry["event"].startswith("client connections at the cap")]
    assert told == [1, 1]


async def wait_for(condition, within: float = GENEROUS) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_the_connection_figures_are_on_metrics(store_url):
    hub = await start_hub(hub_settings(store_url))
    try:
        async with aiohttp.ClientSession() as session, session.get(f"{hub.url}/health/live") as response:
            assert response.status == 200
            text = hub.context.metrics.render().decode()
            assert "ocpi_hub_client_connections 1.0" in text, "this very connection"
        assert 'ocpi_hub_client_connections_closed_total{reason="header_timeout"} 0.0' in text
    finally:
        await hub.stop()

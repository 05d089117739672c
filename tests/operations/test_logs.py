"""What the hub's logs look like to an operator: JSON lines stay JSON (aiohttp's own complaints included), no colour
codes in files, bounded ids, a line at shutdown, and no repeated warning for a platform that stays offline."""

from __future__ import annotations

import asyncio
import os
import signal
import socket

import orjson
import structlog

from tests.cli_runner import OCPI_HUB
from tests.hub_server import ADMIN_TOKEN, TEST_SECRET_KEY, call, free_port, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Role


async def _serve(tmp_path, *extra_env: tuple[str, str]):
    port = free_port()
    environment = {
        **os.environ,
        "OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY,
        "OCPI_HUB_ADMIN_TOKEN": ADMIN_TOKEN,
        **dict(extra_env),
    }
    process = await asyncio.create_subprocess_exec(
        OCPI_HUB,
        "serve",
        "--store",
        f"sqlite:///{tmp_path}/hub.db",
        "--port",
        str(port),
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    return process, port


async def _raw(port: int, data: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    await reader.read()
    writer.close()


async def test_json_logs_stay_json_and_malformed_requests_are_one_short_line(tmp_path):
    process, port = await _serve(tmp_path, ("OCPI_HUB_LOG_FORMAT", "json"))
    lines = []
    try:
        while not lines or orjson.loads(lines[-1])["event"] != "hub ready":  # no banner: every line is JSON
            lines.append((await asyncio.wait_for(process.stderr.readline(), 30)).decode())
        # 200 requests aiohttp's parser refuses: bad request line, bad header, a non-HTTP byte soup.
        bad = [b"GET /ocpi/versions HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\r\n\r\n"]
        await asyncio.gather(*(_raw(port, bad[n % 2]) for n in range(200)))
        long_id = "r" * 1000
        answer = await call(
            "GET", f"http://127.0.0.1:{port}/ocpi/versions", "nope", headers={"X-Request-ID": long_id}, from_hub=False
        )
        assert answer.headers["X-Request-ID"] == "r" * 128
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    lines += (await process.stderr.read()).decode().splitlines()
    records = [orjson.loads(line) for line in lines]  # every line is one JSON object
    malformed = [r for r in records if "malformed HTTP request refused" in str(r.get("event"))]
    assert 1 <= len(malformed) <= 5, "rate-limited: at most one such line a second"
    assert all(r["level"] == "info" and "exception" not in r for r in malformed)
    assert not any("Traceback" in line for line in lines)
    refused = [r for r in records if r.get("event") == "ocpi request answered with an error"]
    assert refused and all(len(r["request_id"]) == 128 for r in refused)
    assert records[-1]["event"] == "hub stopped" and records[-1]["signal"] == "SIGTERM"


async def test_console_logs_written_to_a_file_have_no_colour_codes(tmp_path):
    log_file = tmp_path / "hub.log"
    port = free_port()
    with log_file.open("wb") as handle:
        process = await asyncio.create_subprocess_exec(
            OCPI_HUB,
            "serve",
            "--store",
            f"sqlite:///{tmp_path}/hub.db",
            "--port",
            str(port),
            stderr=handle,
            env={**os.environ, "OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY, "OCPI_HUB_ADMIN_TOKEN": ADMIN_TOKEN},
        )
        for _ in range(100):
            if "hub ready" in log_file.read_text():
                break
            await asyncio.sleep(0.1)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            sock.recv(1000)
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
    text = log_file.read_text()
    assert "hub ready" in text and "hub stopped" in text
    assert "\x1b[" not in text, "no ANSI colour codes in a file"


async def test_an_offline_platform_is_warned_about_once(store_url, platforms):
    hub = await start_hub(hub_settings(store_url, alive_check_after_seconds=0.0))
    try:
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        await onboard(hub, cpo)
        cpo.versions_available = False
        with structlog.testing.capture_logs() as logs:
            for _ in range(4):
                await hub.context.liveness.check_once()
        warnings = [entry for entry in logs if entry["log_level"] == "warning"]
        assert len(warnings) == 1, warnings
        assert "OFFLINE" in warnings[0]["event"]
    finally:
        await hub.stop()

"""What an operator sees when `ocpi-hub serve` cannot start, or is given a bad setting: one line that says what is
wrong and what to do, a non-zero exit, no banner and no traceback. Real processes, as an operator runs them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.cli_runner import OCPI_HUB, run_cli
from tests.hub_server import ADMIN_TOKEN, TEST_SECRET_KEY, free_port
from tests.test_cli import read_banner

ENV = {"OCPI_HUB_ADMIN_TOKEN": ADMIN_TOKEN}


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "listening" not in err and "hub ready" not in err, err
    return lines[0]


async def serve_fails(tmp_path: Path, *args: str, environ: dict[str, str] | None = None) -> str:
    code, _, err = await run_cli("serve", *args, cwd=tmp_path, environ={**ENV, **(environ or {})})
    assert code != 0, err
    return one_line(err)


async def test_a_port_in_use_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        store = f"sqlite:///{tmp_path}/hub.db"
        for extra in ((), ("--workers", "2")):
            line = await serve_fails(tmp_path, "--store", store, "--port", port, *extra)
            assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in line
            assert "choose another --port" in line
    assert not (tmp_path / "hub.db").exists(), "the port is checked before the store is touched"


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        ("sqlite://data/x.db", "write sqlite:///relative/path.db (three slashes)"),
        ("sqlite:////proc/x.db", "cannot open the SQLite store /proc/x.db"),
        ("postgres://db/hub", "unsupported store URL"),
    ],
)
async def test_a_store_that_cannot_be_opened_is_one_line(tmp_path, store, expected):
    line = await serve_fails(tmp_path, "--store", store, "--port", str(free_port()))
    assert expected in line


async def test_an_unreachable_mongodb_is_one_line_within_seconds(tmp_path):
    started = time.monotonic()
    line = await serve_fails(tmp_path, "--store", "mongodb://127.0.0.1:1/hub", "--port", str(free_port()))
    assert "cannot use MongoDB at mongodb://127.0.0.1:1/hub: no server answered within 5 s" in line
    code, _, err = await run_cli("platforms", "--store", "mongodb://127.0.0.1:1/hub")
    assert code != 0 and "no server answered within 5 s" in one_line(err)
    assert time.monotonic() - started < 25, "no 30 s of silence per command"


async def test_a_worker_that_cannot_open_the_store_stops_the_group_with_one_line(tmp_path):
    line = await serve_fails(
        tmp_path, "--store", "mongodb://127.0.0.1:1/hub", "--port", str(free_port()), "--workers", "2"
    )
    assert "cannot use MongoDB" in line


async def test_a_second_hub_cannot_join_a_port_another_hub_serves(tmp_path):
    port = str(free_port())
    environment = {**os.environ, **ENV, "OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY}
    first = await asyncio.create_subprocess_exec(
        OCPI_HUB,
        "serve",
        "--store",
        f"sqlite:///{tmp_path}/first.db",
        "--port",
        port,
        "--workers",
        "2",
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    try:
        await read_banner(first)
        for extra in ((), ("--workers", "2")):
            line = await serve_fails(tmp_path, "--store", f"sqlite:///{tmp_path}/second.db", "--port", port, *extra)
            assert "the port is in use" in line
    finally:
        first.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(first.wait(), 30) == 0


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("OCPI_HUB_PUBLIC_URL", "hub.example.com", "OCPI_HUB_PUBLIC_URL must be an http:// or https:// URL"),
        ("OCPI_HUB_HUB_ERROR_HTTP_STATUS", "99", "OCPI_HUB_HUB_ERROR_HTTP_STATUS must be an HTTP status"),
        ("OCPI_HUB_LOG_FORMAT", "jsn", "OCPI_HUB_LOG_FORMAT must be console or json, got 'jsn'"),
        ("OCPI_HUB_LOG_LEVEL", "verbose", "OCPI_HUB_LOG_LEVEL must be one of debug, info"),
        ("OCPI_HUB_COUNTRY_CODE", "NLD", "OCPI_HUB_COUNTRY_CODE must be an ISO 3166 alpha-2 country code"),
        ("OCPI_HUB_ROUTING_POLICY", "closed", "OCPI_HUB_ROUTING_POLICY must be agreements or open, got 'closed'"),
        ("OCPI_HUB_PORT", "eighty", "OCPI_HUB_PORT must be a whole number, got 'eighty'"),
        ("OCPI_HUB_FORWARD_TIMEOUT_SECONDS", "-1", "OCPI_HUB_FORWARD_TIMEOUT_SECONDS must be greater than 0"),
        ("OCPI_HUB_MODULE_TIMEOUT_SECONDS", "{comands: 5}", "unknown module 'comands'"),
        ("OCPI_HUB_CUSTOM_MODULES", "nltnm-parking,Parking", "'Parking' is not a custom module id"),
        ("OCPI_HUB_CUSTOM_MODULES", "tokens", "OCPI's own modules need no enabling"),
    ],
)
async def test_bad_settings_are_refused_naming_the_variable(tmp_path, variable, value, expected):
    line = await serve_fails(tmp_path, "--store", f"sqlite:///{tmp_path}/hub.db", environ={variable: value})
    assert expected in line


async def test_bad_settings_in_a_file_name_the_file(tmp_path):
    config = tmp_path / "hub.yaml"
    config.write_text("public_url: hub.example.com\n")
    line = await serve_fails(tmp_path, "--config", str(config), "--store", f"sqlite:///{tmp_path}/hub.db")
    assert f"public_url in {config} must be an http:// or https:// URL" in line
    code, _, err = await run_cli("invite", "--port", "x", "--party", "NL:CPA:CPO")
    assert code != 0 and "'x' is not a valid integer" in err


async def test_a_key_that_is_not_the_stores_is_refused(tmp_path):
    store = f"sqlite:///{tmp_path}/hub.db"
    code, _, err = await run_cli("invite", "--store", store, "--party", "NL:CPA:CPO", secret_key=None, cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "hub-secret.key").exists(), "a new store gets its key beside it"
    # From another directory, with another key: refused, and no stray key file anywhere.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    line = await serve_fails(
        elsewhere, "--store", store, "--port", str(free_port()), environ={"OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY}
    )
    assert "is not the one the store" in line and "OCPI_HUB_SECRET_KEY" in line
    assert list(elsewhere.iterdir()) == []
    # Its own key file, found beside the store whatever the working directory.
    code, _, err = await run_cli("invite", "--store", store, "--party", "NL:CPB:CPO", secret_key=None, cwd=elsewhere)
    assert code == 0, err
    assert list(elsewhere.iterdir()) == []


async def test_help_and_version(tmp_path):
    code, out, _ = await run_cli("--version")
    assert code == 0 and out.startswith("ocpi-hub, version ")
    code, out, _ = await run_cli("--help")
    assert "OCPI_HUB_CONFIG" in out and "OCPI_HUB_<SETTING>" in out and "OCPI_HUB_STORE" in out
    code, out, _ = await run_cli("invite", "--help")
    assert "not a listen address" in " ".join(out.split()), out
    assert "(repeatable)" in out
    code, out, _ = await run_cli("serve", "--help")
    assert "Address to listen on" in out
    code, out, _ = await run_cli("agreements", "add", "--help")
    assert "(repeatable)" in out


async def test_rotating_the_secret_key_keeps_every_partner_reachable(tmp_path, platforms):
    from hub.config import ConfigError
    from tests.hub_server import hub_settings, running_hub
    from tests.onboarding import onboard
    from tests.platform_sim import Role

    store = f"sqlite:///{tmp_path}/hub.db"
    settings = hub_settings(store, secret_key="")  # the key lives in hub-secret.key beside the store
    cpo = await platforms([Role("NL", "CPA", "CPO")])
    async with running_hub(settings) as hub:
        await onboard(hub, cpo)
    old_key = (tmp_path / "hub-secret.key").read_text().strip()

    code, out, err = await run_cli("rotate-secret-key", "--store", store, secret_key=None, cwd=tmp_path)
    assert code == 0, err
    assert "Re-encrypted 1 partner tokens" in out
    assert (tmp_path / "hub-secret.key.old").read_text().strip() == old_key
    assert (tmp_path / "hub-secret.key").read_text().strip() != old_key

    async with running_hub(settings) as hub:
        (platform,) = hub.context.directory.platforms()
        assert hub.context.peer_tokens.token_for(platform) == cpo.token_for_hub, (
            "the partner's token reads with the new key"
        )
    try:
        async with running_hub(hub_settings(store, secret_key=old_key)):
            raise AssertionError("the old key must be refused")
    except ConfigError as error:
        assert "is not the one the store" in str(error)

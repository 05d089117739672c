"""The `ocpi-hub` command, run as a real process next to a running hub on the same store."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import orjson

from storage.models import PlatformState
from tests.cli_runner import OCPI_HUB, run_cli
from tests.hub_server import TEST_SECRET_KEY, call, free_port
from tests.platform_sim import Role


async def test_invite_from_the_cli_works_at_once_on_a_running_hub(hub, platforms):
    cpo = await platforms([Role("NL", "CPA", "CPO")])
    code, out, err = await run_cli(
        "invite", "--store", hub.settings.store, "--port", str(hub.settings.port), "--party", "NL:CPA:CPO", "--json"
    )
    assert code == 0, err
    invitation = orjson.loads(out)
    assert invitation["versions_url"] == hub.versions_url
    answer = await cpo.register(invitation["versions_url"], invitation["token_a"])
    assert answer.status_code == 1000, answer.body


async def test_connect_from_the_cli_registers_the_running_hub_with_a_platform(hub, platforms):
    cpo = await platforms([Role("NL", "CPA", "CPO")])
    token_a = cpo.issue_token_a()
    code, out, err = await run_cli(
        "connect",
        "--store",
        hub.settings.store,
        "--port",
        str(hub.settings.port),
        "--versions-url",
        f"{cpo.base}/ocpi/versions",
        "--token-a",
        token_a,
        "--party",
        "NL:CPA:CPO",
        "--json",
    )
    assert code == 0, err
    assert orjson.loads(out)["state"] == "REGISTERED"
    assert (await call("GET", hub.versions_url, cpo.hub_token)).status == 200
    code, out, err = await run_cli("platforms", "--store", hub.settings.store, "--json")
    (listed,) = orjson.loads(out)
    assert listed["state"] == PlatformState.REGISTERED.value
    assert listed["parties"] == [{"party": "NL:CPA:CPO", "status": "CONNECTED"}]


async def test_cli_mistakes_get_clear_messages_not_tracebacks(tmp_path):
    store = f"sqlite:///{tmp_path}/hub.db"
    cases = [
        (("invite", "--store", store, "--party", "NL-CPA-CPO"), "not of the form CC:PID:ROLE"),
        (("invite", "--store", store, "--party", "NL:CPA:KING"), "role must be one of"),
        (("invite", "--store", "postgres://x/y", "--party", "NL:CPA:CPO"), "unsupported store URL"),
        (("invite", "--store", store), "Missing option '--party'"),
        (("serve", "--config", str(tmp_path / "absent.yaml")), "cannot read config file"),
    ]
    for args, message in cases:
        code, _, err = await run_cli(*args)
        assert code != 0, args
        assert message in err, (args, err)
        assert "Traceback" not in err
    await run_cli("invite", "--store", store, "--party", "NL:CPA:CPO")
    code, _, err = await run_cli("invite", "--store", store, "--party", "NL:CPA:CPO", "--party", "NL:CPA:CPO")
    assert code != 0 and "listed twice" in err


async def read_banner(process) -> str:
    """What `ocpi-hub serve` prints before it serves."""
    banner = ""
    while "Stop with Ctrl+C" not in banner:
        line = await asyncio.wait_for(process.stderr.readline(), 30)
        assert line, f"serve exited early: {banner}"
        banner += line.decode()
    return banner


async def test_serve_runs_the_hub_and_tells_where_it_is(tmp_path, platforms):
    port = free_port()
    store = f"sqlite:///{tmp_path}/hub.db"
    environment = {**os.environ, "OCPI_HUB_PORT": str(port)}
    process = await asyncio.create_subprocess_exec(
        OCPI_HUB, "serve", "--store", store, stderr=asyncio.subprocess.PIPE, env=environment, cwd=tmp_path
    )
    try:
        banner = await read_banner(process)
        assert f"http://127.0.0.1:{port}/ocpi/versions" in banner
        assert "ocpi-hub invite" in banner
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        # The command the banner suggests, run from elsewhere: the store's key and the hub's URL come with the store.
        suggested = banner.split("onboard a platform:")[1].split("\n")[0].split()
        assert suggested[1:4] == ["invite", "--store", store], banner
        code, out, err = await run_cli(
            "invite", "--store", store, "--party", "NL:CPA:CPO", "--json", secret_key=None, cwd=Path("/")
        )
        assert code == 0, err
        invitation = orjson.loads(out)
        assert invitation["versions_url"] == f"http://127.0.0.1:{port}/ocpi/versions"
        answer = await cpo.register(invitation["versions_url"], invitation["token_a"])
        assert answer.status_code == 1000
        assert (tmp_path / "hub-secret.key").exists(), "a laptop run creates its own secret key, beside the store"
        assert oct((tmp_path / "hub-secret.key").stat().st_mode & 0o777) == "0o600"
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)


def test_settings_come_from_file_then_environment_then_flags(tmp_path):
    from hub.config import load_settings

    config = tmp_path / "hub.yaml"
    config.write_text("port: 9000\ncountry_code: DE\nparty_id: HBX\n")
    settings = load_settings(str(config), {"party_id": None, "host": "127.0.0.2"}, {"OCPI_HUB_PORT": "9100"})
    assert (settings.port, settings.country_code, settings.party_id, settings.host) == (9100, "DE", "HBX", "127.0.0.2")
    assert settings.versions_url == "http://127.0.0.2:9100/ocpi/versions"
    custom = load_settings(None, {}, {"OCPI_HUB_CUSTOM_MODULES": "nltnm-parking, detnm-tokens"})
    assert custom.custom_modules == ("nltnm-parking", "detnm-tokens")
    timed = load_settings(None, {}, {"OCPI_HUB_MODULE_TIMEOUT_SECONDS": "{commands: 7}"})
    assert (timed.timeout_for("commands"), timed.timeout_for("cdrs"), timed.timeout_for("tokens", True)) == (7, 30, 5)


def test_example_config_documents_every_setting():
    import yaml

    from hub.config import FIELDS, Settings, load_settings

    example = Path(__file__).parent.parent / "config.example.yaml"
    documented = yaml.safe_load(example.read_text())
    assert set(documented) == set(FIELDS)
    assert load_settings(str(example), environ={}) == Settings(), "the example shows the defaults"


async def test_operator_unregisters_a_platform_from_the_cli(hub, platforms):
    from tests.onboarding import onboard

    emsp = await platforms([Role("DE", "EMA", "EMSP")])
    await onboard(hub, emsp)
    cpo = await platforms([Role("NL", "CPA", "CPO")])
    await onboard(hub, cpo)
    token_b = cpo.token_for_hub
    code, out, err = await run_cli("unregister", "--store", hub.settings.store, "--party", "nl:cpa:cpo")
    assert code == 0, err
    assert "is unregistered" in out
    assert ("DELETE", "/ocpi/2.2.1/credentials", token_b) in cpo.requests, "the platform was told"
    assert emsp.client_info[("NL", "CPA")]["status"] == "SUSPENDED"
    for _ in range(50):  # the running hub picks the change up within directory_refresh_seconds
        if (await call("GET", hub.versions_url, cpo.hub_token)).status == 401:
            break
        await asyncio.sleep(0.05)
    assert (await call("GET", hub.versions_url, cpo.hub_token)).status == 401
    code, _, err = await run_cli("unregister", "--store", hub.settings.store, "--platform", "nope")
    assert code != 0 and "no platform nope" in err


async def test_serve_never_shows_the_store_password(tmp_path):
    code, out, err = await run_cli(
        "serve",
        "--store",
        "mongodb://hubuser:S3cretPw@127.0.0.1:9/ocpi",
        "--port",
        str(free_port()),
        cwd=tmp_path,
        environ={"OCPI_HUB_ADMIN_TOKEN": "an-admin-token-for-this-test"},
    )
    assert code != 0
    assert "S3cretPw" not in err + out and "hubuser" not in err + out
    assert "mongodb://***@127.0.0.1:9/ocpi" in err


async def test_serve_with_two_workers_shares_one_port_and_one_store(tmp_path, platforms):
    port = free_port()
    store = f"sqlite:///{tmp_path}/hub.db"
    environment = {**os.environ, "OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY}
    process = await asyncio.create_subprocess_exec(
        OCPI_HUB,
        "serve",
        "--store",
        store,
        "--port",
        str(port),
        "--workers",
        "2",
        stderr=asyncio.subprocess.PIPE,
        env=environment,
        cwd=tmp_path,
    )
    try:
        banner = await read_banner(process)
        assert "(2 processes)" in banner
        code, out, err = await run_cli(
            "invite", "--store", store, "--port", str(port), "--party", "NL:CPA:CPO", "--json"
        )
        assert code == 0, err
        invitation = orjson.loads(out)
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        for _ in range(100):
            try:
                answer = await cpo.register(invitation["versions_url"], invitation["token_a"])
                break
            except OSError:
                await asyncio.sleep(0.1)
        assert answer.status_code == 1000
        # New connections land on either process; each accepts the token at once (looked up in the shared store).
        answers = await asyncio.gather(*(call("GET", invitation["versions_url"], cpo.hub_token) for _ in range(20)))
        assert {a.status for a in answers} == {200}
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0, "every worker shut down cleanly"


async def test_commands_on_a_hubs_store_print_that_hubs_url(tmp_path):
    """`invite` (and `connect`) on the store of a hub served with --public-url print and send that URL, without the
    operator repeating it; naming host, port or public URL on the command still wins."""
    store = f"sqlite:///{tmp_path}/hub.db"
    port = free_port()
    environment = {**os.environ, "OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY, "OCPI_HUB_ADMIN_TOKEN": "x" * 20}
    process = await asyncio.create_subprocess_exec(
        OCPI_HUB,
        "serve",
        "--store",
        store,
        "--port",
        str(port),
        "--public-url",
        "https://hub.example.com/",
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    try:
        banner = await read_banner(process)
        assert "versions endpoint:   https://hub.example.com/ocpi/versions" in banner
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    code, out, err = await run_cli("invite", "--store", store, "--party", "NL:CPA:CPO", cwd=Path("/"))
    assert code == 0, err
    assert "versions URL: https://hub.example.com/ocpi/versions" in out
    code, out, err = await run_cli("invite", "--store", store, "--port", "9999", "--party", "NL:CPB:CPO", "--json")
    assert orjson.loads(out)["versions_url"] == "http://127.0.0.1:9999/ocpi/versions"

"""What platforms and operators see of a routed message: every answer on a functional module or a stand-in URL is
in the message log and the metrics, refusals included; the request id the receiver got is recorded and searchable;
a receiver's bare HTTP errors reach the sender as what they mean; time limits hold and say what took the time."""

from __future__ import annotations

import asyncio
import math
import time

import aiohttp
import orjson
from aiohttp import web

from hub.relay.transport import ForwardFailed, ReceiverSlots, send
from routing.status import Status
from storage.models import AuthEncoding
from tests.cli_runner import run_cli
from tests.hub_server import call, free_port
from tests.platform_sim import Reply

NETWORK_SETTINGS = {"max_connections_per_receiver": 1}


async def logged(network, **filters):
    await network.hub.context.messages.flush()
    return await network.hub.context.store.messages.query(**filters)


def counted(network, outcome: str, status_code: int) -> float:
    metrics = network.hub.context.metrics.render().decode()
    total = 0.0
    for line in metrics.splitlines():
        labels = (f'outcome="{outcome}"', f'status_code="{status_code}"')
        if line.startswith("ocpi_hub_requests_total{") and all(label in line for label in labels):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_refusals_after_authentication_are_recorded_once(network):
    cases = [
        # A malformed OCPI-to header.
        (
            network.emsp,
            "PUT",
            network.url("receiver", "tokens", "/DE/EMA/T1"),
            {"uid": "T1"},
            {"OCPI-to-country-code": "NLD", "OCPI-to-party-id": "CPA"},
            2001,
        ),
        # A response_url on a host the platform never registered.
        (
            network.emsp,
            "POST",
            network.url("receiver", "commands", "/START_SESSION"),
            {"response_url": "http://198.51.100.7/results", "location_id": "L1", "token": {"uid": "T1"}},
            {
                "OCPI-to-country-code": "NL",
                "OCPI-to-party-id": "CPA",
                "OCPI-from-country-code": "DE",
                "OCPI-from-party-id": "EMA",
            },
            2001,
        ),
    ]
    for platform, method, url, body, headers, code in cases:
        before = counted(network, "rejected", code)
        answer = await call(method, url, platform.hub_token, body, headers=headers)
        assert answer.status_code == code
        request_id = answer.headers["X-Request-ID"]
        (record,) = await logged(network, request_id=request_id)
        assert (record.outcome, record.status_code, record.http_status) == ("rejected", code, 200)
        assert record.status_message == answer.body["status_message"]
        assert counted(network, "rejected", code) == before + 1


async def test_stand_in_failures_are_recorded(network):
    unknown = f"{network.hub.url}/ocpi/2.2.1/hub/callback/no-such-mapping"
    answer = await call("POST", unknown, network.cpo.hub_token, {"result": "ACCEPTED"})
    assert (answer.status, answer.status_code) == (404, 4903)
    (record,) = await logged(network, request_id=answer.headers["X-Request-ID"])
    assert (record.interface, record.outcome, record.status_code) == ("CALLBACK", "rejected", 4903)
    assert record.status_message == "unknown or expired hub URL"

    # A result for an eMSP whose server does not answer in time.
    network.cpo.replies[("POST", "/ocpi/2.2.1/receiver/commands/STOP_SESSION")] = Reply(data={"result": "ACCEPTED"})
    command = {"response_url": network.emsp.url("/results/stop/1"), "session_id": "S1"}
    await network.send(
        network.emsp, "POST", network.url("receiver", "commands", "/STOP_SESSION"), command, to="NL:CPA", frm="DE:EMA"
    )
    handed_out = network.cpo.received[-1].json["response_url"]
    network.emsp.replies[("POST", "/results/stop/1")] = Reply(status=502, body=b"<html>Bad gateway</html>")
    answer = await call("POST", handed_out, network.cpo.hub_token, {"result": "ACCEPTED"})
    assert answer.status_code == 4000
    (record,) = await logged(network, request_id=answer.headers["X-Request-ID"])
    assert (record.module, record.outcome, record.to_party) == ("commands", "rejected", "DE:EMA")
    assert "HTTP 502" in record.status_message and record.downstream_request_id


async def test_the_id_the_receiver_got_finds_the_message(network):
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "locations", "/NL/CPA/LOC1"),
        {"id": "LOC1"},
        to="DE:EMA",
        frm="NL:CPA",
    )
    assert answer.status_code == 1000
    received_id = network.emsp.received[-1].headers["X-Request-ID"]
    assert received_id != answer.headers["X-Request-ID"]
    (record,) = await logged(network, request_id=received_id)
    assert (record.request_id, record.downstream_request_id) == (answer.headers["X-Request-ID"], received_id)
    code, out, err = await run_cli("messages", "--store", network.hub.settings.store, "--request-id", received_id)
    assert code == 0, err
    assert answer.headers["X-Request-ID"] in out and received_id in out
    code, out, _ = await run_cli(
        "messages", "--store", network.hub.settings.store, "--request-id", received_id, "--json"
    )
    (row,) = orjson.loads(out)
    assert row["at"].endswith("Z") and "T" in row["at"], "RFC 3339, as the text output"


async def test_broadcast_legs_carry_the_senders_id_and_their_own(network):
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "locations", "/NL/CPA/LOC9"),
        {"id": "LOC9", "country_code": "NL", "party_id": "CPA"},
        to="NL:HUB",
        frm="NL:CPA",
    )
    assert answer.status_code == 1000
    await network.hub.context.drain()
    records = await logged(network, request_id=answer.headers["X-Request-ID"])
    legs = [r for r in records if r.outcome == "broadcast-leg"]
    assert legs and all(r.path == "/ocpi/2.2.1/receiver/locations/NL/CPA/LOC9" for r in legs)
    received = {r.headers["X-Request-ID"] for p in (network.emsp, network.duo) for r in p.received}
    assert {leg.downstream_request_id for leg in legs} <= received


async def test_a_receivers_bare_404_means_what_it_says(network):
    network.emsp.replies[("POST", "/ocpi/2.2.1/sender/tokens/T404/authorize")] = Reply(status=404, body=b"Not Found")
    answer = await network.send(
        network.cpo, "POST", network.url("sender", "tokens", "/T404/authorize"), to="DE:EMA", frm="NL:CPA"
    )
    assert (answer.status, answer.status_code) == (404, 2004), "unknown token, as the spec promises the CPO"
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations/L404")] = Reply(status=404, body=b"<h1>404</h1>")
    answer = await network.send(
        network.emsp, "GET", network.url("sender", "locations", "/L404"), to="NL:CPA", frm="DE:EMA"
    )
    assert (answer.status, answer.status_code) == (404, 2003)
    network.cpo.replies[("PUT", "/ocpi/2.2.1/receiver/tokens/DE/EMA/T9")] = Reply(status=400, body=b"bad request")
    answer = await network.send(
        network.emsp, "PUT", network.url("receiver", "tokens", "/DE/EMA/T9"), {"uid": "T9"}, to="NL:CPA", frm="DE:EMA"
    )
    assert (answer.status, answer.status_code) == (400, 2001)
    (record,) = await logged(network, request_id=answer.headers["X-Request-ID"])
    assert (record.http_status, record.downstream_http_status, record.status_code) == (400, 400, 2001)
    # The hub's own token refused by the receiver stays a hub error, not the requester's 401.
    network.cpo.replies[("PUT", "/ocpi/2.2.1/receiver/tokens/DE/EMA/T8")] = Reply(status=401, body=b"no")
    answer = await network.send(
        network.emsp, "PUT", network.url("receiver", "tokens", "/DE/EMA/T8"), {"uid": "T8"}, to="NL:CPA", frm="DE:EMA"
    )
    assert (answer.status, answer.status_code) == (200, 4003)


async def test_waiting_for_a_connection_is_told_apart_from_no_answer(network):
    """One connection to the CPO (NETWORK_SETTINGS): a slow token push holds it while a command waits for it."""
    network.hub.context.settings.module_timeout_seconds.update(tokens=3.0, commands=0.5)
    network.cpo.default_reply = Reply(delay=1.5)
    token_push = asyncio.create_task(
        network.send(
            network.emsp, "PUT", network.url("receiver", "tokens", "/DE/EMA/A"), {"uid": "A"}, to="NL:CPA", frm="DE:EMA"
        )
    )
    await network.cpo.expect(1)
    command = {"response_url": network.emsp.url("/results/1"), "session_id": "S1"}
    waited = await network.send(
        network.emsp, "POST", network.url("receiver", "commands", "/STOP_SESSION"), command, to="NL:CPA", frm="DE:EMA"
    )
    assert waited.status_code == 4002
    assert "not sent: all 1 connections to the receiver stayed busy for 0.5 s" in waited.body["status_message"]
    assert (await token_push).status_code == 1000
    unanswered = await network.send(
        network.emsp, "POST", network.url("receiver", "commands", "/STOP_SESSION"), command, to="NL:CPA", frm="DE:EMA"
    )
    assert unanswered.status_code == 4002
    assert "the receiver did not answer within 0.5 s" in unanswered.body["status_message"]
    (record,) = await logged(network, request_id=waited.headers["X-Request-ID"])
    assert record.downstream_request_id == "", "it never went out"


async def test_a_time_limit_above_five_seconds_is_not_rounded_up():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(10)
        return web.Response()

    app = web.Application()
    app.router.add_get("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        loop = asyncio.get_running_loop()
        # aiohttp used to round a deadline above 5 s up to the next whole second: aim just past one.
        limit = 5.0 + (1.05 - math.modf(loop.time() + 5.0)[0]) % 1.0
        async with aiohttp.ClientSession() as session:
            started = time.monotonic()
            try:
                await send(
                    session,
                    "GET",
                    f"http://127.0.0.1:{port}/slow",
                    token="t",
                    encoding=AuthEncoding.PLAIN,
                    correlation_id="c",
                    headers={},
                    body=None,
                    timeout_seconds=limit,
                    slots=ReceiverSlots(4),
                )
            except ForwardFailed as failure:
                assert failure.status is Status.TIMEOUT
            took = time.monotonic() - started
        assert limit <= took < limit + 0.4, (limit, took)
    finally:
        await runner.cleanup()

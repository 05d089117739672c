"""Every kind of answer on a functional module or a stand-in URL leaves the same three traces, written in one place
(hub/relay/trail.py): a message-log record, a count in the metrics, and a `routed` log line. Forwarded, broadcast,
GET All, a stand-in callback, refused by the routing decision, refused by an error raised on the way, and a bug."""

from __future__ import annotations

import structlog

from tests.hub_server import call
from tests.platform_sim import Reply


def requests_counted(network, outcome: str) -> float:
    total = 0.0
    for line in network.hub.context.metrics.render().decode().splitlines():
        if line.startswith("ocpi_hub_requests_total{") and f'outcome="{outcome}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


async def answers_with_traces(network, outcome: str, send) -> None:
    counted = requests_counted(network, outcome)
    with structlog.testing.capture_logs() as logs:
        answer = await send()
    request_id = answer.headers["X-Request-ID"]
    await network.hub.context.messages.flush()
    records = [r for r in await network.hub.context.store.messages.query(request_id=request_id) if r.outcome == outcome]
    assert len(records) == 1, (outcome, records)
    assert requests_counted(network, outcome) == counted + 1, outcome
    lines = [e for e in logs if e["event"] == "routed" and e["request_id"] == request_id]
    assert [line["outcome"] for line in lines] == [outcome]
    assert lines[0]["status_code"] == records[0].status_code


async def test_forwarded(network):
    async def send():
        return await network.send(
            network.cpo, "PUT", network.url("receiver", "locations", "/NL/CPA/L1"), {"id": "L1"}, to="DE:EMA"
        )

    await answers_with_traces(network, "forwarded", send)


async def test_broadcast(network):
    async def send():
        body = {"id": "L2", "country_code": "NL", "party_id": "CPA"}
        return await network.send(
            network.cpo, "PUT", network.url("receiver", "locations", "/NL/CPA/L2"), body, to="NL:HUB"
        )

    await answers_with_traces(network, "broadcast", send)


async def test_get_all(network):
    async def send():
        return await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:HUB", frm="DE:EMA")

    await answers_with_traces(network, "answered", send)


async def test_stand_in_callback(network):
    network.cpo.replies[("POST", "/ocpi/2.2.1/receiver/commands/STOP_SESSION")] = Reply(data={"result": "ACCEPTED"})
    command = {"response_url": network.emsp.url("/results/1"), "session_id": "S1"}
    await network.send(
        network.emsp, "POST", network.url("receiver", "commands", "/STOP_SESSION"), command, to="NL:CPA", frm="DE:EMA"
    )
    handed_out = network.cpo.received[-1].json["response_url"]

    async def send():
        return await call("POST", handed_out, network.cpo.hub_token, {"result": "ACCEPTED"})

    await answers_with_traces(network, "forwarded", send)


async def test_refused_by_the_decision(network):
    async def send():
        return await network.send(
            network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to="XX:ZZZ"
        )

    await answers_with_traces(network, "rejected", send)


async def test_refused_by_an_error_on_the_way(network):
    async def send():
        return await call(
            "PUT",
            network.url("receiver", "tokens", "/DE/EMA/T1"),
            network.emsp.hub_token,
            {"uid": "T1"},
            headers={"OCPI-to-country-code": "NL"},  # half a header pair
        )

    await answers_with_traces(network, "rejected", send)


async def test_a_bug_on_the_way(network, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("hub.relay.route.decide", broken)

    async def send():
        return await network.send(
            network.cpo, "PUT", network.url("receiver", "locations", "/NL/CPA/L1"), {"id": "L1"}, to="DE:EMA"
        )

    await answers_with_traces(network, "rejected", send)

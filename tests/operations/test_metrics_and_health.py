"""/metrics parses as Prometheus text and moves with traffic; /health/live and /health/ready."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.hub_server import hub_settings, start_hub

# Settings of the `network` fixture (tests/conftest.py) for this module.
NETWORK_SETTINGS = {"forward_timeout_seconds": 0.5}


async def scrape(url: str) -> dict[tuple[str, tuple], float]:
    async with aiohttp.ClientSession() as session, session.get(f"{url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def total(samples, name: str, **labels) -> float:
    return sum(
        value
        for (sample_name, sample_labels), value in samples.items()
        if sample_name == name and all(dict(sample_labels).get(k) == v for k, v in labels.items())
    )


async def test_metrics_move_when_traffic_flows(network):
    before = await scrape(network.hub.url)
    assert total(before, "ocpi_hub_requests_total") == 0
    assert total(before, "ocpi_hub_platform_connected") == 3, "three registered platforms, all connected"
    assert total(before, "ocpi_hub_parties", status="CONNECTED") == 5

    await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to="DE:EMA", frm="NL:CPA"
    )
    await network.send(
        network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), {"id": "S1"}, to="XX:YYY", frm="NL:CPA"
    )
    await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "locations", "/NL/CPA/L1"),
        {"id": "L1", "last_updated": "2026-11-25T08:00:00Z"},
        to="NL:HUB",
        frm="NL:CPA",
    )
    await network.hub.context.drain()

    after = await scrape(network.hub.url)
    assert (
        total(
            after,
            "ocpi_hub_requests_total",
            module="sessions",
            from_party="NL:CPA",
            to_party="DE:EMA",
            status_code="1000",
            outcome="forwarded",
        )
        == 1
    )
    # A refused request counts without party labels: header values a caller made up never become series.
    assert total(after, "ocpi_hub_requests_total", to_party="", status_code="4001", outcome="rejected") == 1
    assert total(after, "ocpi_hub_forward_latency_seconds_count") == 1
    assert total(after, "ocpi_hub_broadcast_fan_out_count", module="locations") == 1
    assert total(after, "ocpi_hub_broadcast_fan_out_sum", module="locations") == 3
    assert (("ocpi_hub_message_log_queue_depth", ()) in after) and (("ocpi_hub_broadcast_queue_depth", ()) in after)


async def test_timeouts_are_counted_per_receiver(network):
    from tests.platform_sim import Reply

    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/sessions/NL/CPA/SLOW")] = Reply(delay=1.5)
    answer = await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "sessions", "/NL/CPA/SLOW"),
        {"id": "SLOW"},
        to="DE:EMA",
        frm="NL:CPA",
    )
    assert answer.status_code == 4002
    samples = await scrape(network.hub.url)
    assert total(samples, "ocpi_hub_forward_timeouts_total", module="sessions") == 1


async def test_health(store_url):
    hub = await start_hub(hub_settings(store_url))
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{hub.url}/health/live") as response:
                assert (response.status, await response.json()) == (200, {"status": "ok"})
            async with session.get(f"{hub.url}/health/ready") as response:
                assert (response.status, await response.json()) == (200, {"status": "ok"})
            await hub.context.store.close()  # the store goes away
            async with session.get(f"{hub.url}/health/ready") as response:
                assert response.status == 503
                assert (await response.json())["status"] == "unavailable"
            async with session.get(f"{hub.url}/health/live") as response:
                assert response.status == 200
    finally:
        await hub.runner.cleanup()

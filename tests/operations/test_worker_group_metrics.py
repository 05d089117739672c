"""`/metrics` of a `--workers N` group answers for the whole group whichever worker a scrape reaches: counters
added up over the workers (also one killed and replaced: the sum never goes down), gauges over the live ones."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from hub.operations.worker_group_metrics import add_up
from tests.hub_process import hub_process
from tests.hub_server import ADMIN_TOKEN, call
from tests.platform_sim import Role
from tests.test_worker_supervision import children

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LOCATION = {"id": "LOC1", "country_code": "NL", "party_id": "CPA", "last_updated": "2026-12-01T10:00:00Z"}

WORKER_1 = """# HELP ocpi_hub_requests_total Routed.
# TYPE ocpi_hub_requests_total counter
ocpi_hub_requests_total{module="locations"} 3.0
ocpi_hub_requests_created{module="locations"} 1.7e9
# HELP ocpi_hub_client_connections Open.
# TYPE ocpi_hub_client_connections gauge
ocpi_hub_client_connections 4.0
# HELP ocpi_hub_receiver_failing_fast Open breaker.
# TYPE ocpi_hub_receiver_failing_fast gauge
ocpi_hub_receiver_failing_fast{platform="p1"} 1.0
# HELP ocpi_hub_forward_latency_seconds Latency.
# TYPE ocpi_hub_forward_latency_seconds histogram
ocpi_hub_forward_latency_seconds_bucket{le="0.01",receiver_platform="p1"} 2.0
ocpi_hub_forward_latency_seconds_bucket{le="+Inf",receiver_platform="p1"} 3.0
ocpi_hub_forward_latency_seconds_count{receiver_platform="p1"} 3.0
ocpi_hub_forward_latency_seconds_sum{receiver_platform="p1"} 0.05
"""
WORKER_2 = (
    WORKER_1.replace("} 3.0", "} 5.0")
    .replace("ocpi_hub_client_connections 4.0", "ocpi_hub_client_connections 6.0")
    .replace('{platform="p1"} 1.0', '{platform="p1"} 0.0')
)


def figures(families) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families for s in f.samples}


BOTH_ALIVE = {
    ("ocpi_hub_requests_total", (("module", "locations"),)): 8.0,
    ("ocpi_hub_client_connections", ()): 10.0,
    ("ocpi_hub_receiver_failing_fast", (("platform", "p1"),)): 1.0,
    ("ocpi_hub_forward_latency_seconds_bucket", (("le", "0.01"), ("receiver_platform", "p1"))): 4.0,
    ("ocpi_hub_forward_latency_seconds_bucket", (("le", "+Inf"), ("receiver_platform", "p1"))): 8.0,
    ("ocpi_hub_forward_latency_seconds_count", (("receiver_platform", "p1"),)): 8.0,
    ("ocpi_hub_forward_latency_seconds_sum", (("receiver_platform", "p1"),)): 0.1,
}
# Worker 1 died: its counts stay, its gauges go.
ONE_DEAD = {
    **BOTH_ALIVE,
    ("ocpi_hub_client_connections", ()): 6.0,
    ("ocpi_hub_receiver_failing_fast", (("platform", "p1"),)): 0.0,
}


@pytest.mark.parametrize(("alive", "expected"), [({1, 2}, BOTH_ALIVE), ({2}, ONE_DEAD)])
def test_workers_figures_are_added_up(alive, expected):
    merged = figures(add_up({1: WORKER_1, 2: WORKER_2}, alive))
    assert merged == pytest.approx(expected)


async def scrape(url: str) -> dict:
    """One scrape over a new connection (so the kernel may hand it to either worker)."""
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session, session.get(f"{url}/metrics") as answer:
        text = await answer.text()
    return figures(text_string_to_metric_families(text))


def routed_locations(seen: dict) -> float:
    """Location PUTs forwarded, by every worker: one per PUT the eMSP received."""
    return sum(
        value
        for (name, labels), value in seen.items()
        if name == "ocpi_hub_requests_total"
        and ("module", "locations") in labels
        and ("outcome", "forwarded") in labels
    )


async def until_every_scrape_shows(url: str, sent: int, workers: int) -> None:
    """Up to the workers' publishing period for the figures to settle, then 12 scrapes in a row all show them."""
    started = time.monotonic()
    while True:
        seen = await scrape(url)
        if routed_locations(seen) == sent and seen.get(("ocpi_hub_worker_processes", ())) == workers:
            break
        assert time.monotonic() - started < 15, (
            sent,
            routed_locations(seen),
            seen.get(("ocpi_hub_worker_processes", ())),
        )
        await asyncio.sleep(0.2)
    for _ in range(12):
        seen = await scrape(url)
        assert routed_locations(seen) == sent
        assert seen[("ocpi_hub_worker_processes", ())] == workers


async def reaped(pid: int) -> None:
    """Until the group has reaped the killed worker (a zombie still answers a signal 0)."""
    for _ in range(200):
        if not os.path.exists(f"/proc/{pid}"):  # noqa: ASYNC240 - one stat of procfs
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"worker {pid} not reaped")


async def test_metrics_answer_for_the_whole_group_also_after_a_worker_is_killed(store_url, platforms):
    async with hub_process(store_url, "--workers", "2", directory_refresh_seconds="0.2") as hub:
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        emsp = await platforms([Role("DE", "EMA", "EMSP")])
        for platform in (cpo, emsp):
            role = platform.roles[0]
            async with (
                aiohttp.ClientSession(headers=ADMIN) as session,
                session.post(
                    f"{hub.url}/admin/api/invitations",
                    json={"parties": [f"{role.country_code}:{role.party_id}:{role.role}"]},
                ) as answer,
            ):
                invitation = await answer.json()
            assert (await platform.register(hub.versions_url, invitation["token_a"])).status_code == 1000

        async def send(number: int) -> int:
            answer = await call(
                "PUT",
                f"{hub.url}/ocpi/2.2.1/receiver/locations/NL/CPA/LOC{number}",
                cpo.hub_token,
                {**LOCATION, "id": f"LOC{number}"},
                headers={"OCPI-to-country-code": "DE", "OCPI-to-party-id": "EMA"},
            )
            return answer.status_code

        # (A worker that has not yet seen the eMSP registered answers 4003: sent again until 30 arrived.)
        while len(emsp.received) < 30:
            await send(len(emsp.received))
        await until_every_scrape_shows(hub.url, 30, workers=2)

        victim = min(children(hub.process.pid))
        os.kill(victim, signal.SIGKILL)
        await reaped(victim)
        await until_every_scrape_shows(hub.url, 30, workers=2)  # restarted; the dead one's counts still there
        for number in range(30, 34):
            assert await send(number) == 1000
        await until_every_scrape_shows(hub.url, 34, workers=2)

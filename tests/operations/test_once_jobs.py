"""Jobs that must run once for the whole hub, with three `ocpi-hub serve` processes on one store (SQLite and
MongoDB): the still-alive probe of a platform runs once per period, not three times; after a kill -9 of the process
holding the job, another takes it over within the stated time (3 * period + 1 s)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

from storage.opening import open_store
from tests.hub_process import hub_process
from tests.hub_server import hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Role

PERIOD = 0.5
SETTINGS = {
    "alive_check_after_seconds": "0.05",  # every platform counts as quiet: each period probes it
    "alive_check_interval_seconds": str(PERIOD),
    "directory_refresh_seconds": "0.2",
}


def probes(platform) -> int:
    return sum(1 for method, path, _ in platform.requests if method == "GET" and path == "/ocpi/versions")


async def holder_pid(store_url: str) -> int | None:
    store = await open_store(store_url)
    try:
        holder = await store.job_leases.holder("still-alive", time.time())
    finally:
        await store.close()
    return int(holder.split(":")[1]) if holder else None


async def test_the_still_alive_probe_runs_once_per_period_and_is_taken_over(shared_store_url, platforms):
    onboarding = await start_hub(hub_settings(shared_store_url))
    try:
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        await onboard(onboarding, cpo)
    finally:
        await onboarding.stop()

    async with contextlib.AsyncExitStack() as stack:
        processes = [await stack.enter_async_context(hub_process(shared_store_url, **SETTINGS)) for _ in range(3)]
        await asyncio.sleep(2 * PERIOD)
        cpo.requests.clear()
        window = 4.0
        await asyncio.sleep(window)
        counted = probes(cpo)
        periods = window / PERIOD
        print(f"3 processes, {window:g} s of {PERIOD:g} s periods: {counted} probes")
        assert periods / 2 <= counted <= periods * 1.5 + 1, f"{counted} probes in {periods:g} periods"

        pid = await holder_pid(shared_store_url)
        (holder,) = [p for p in processes if p.process.pid == pid]
        holder.process.send_signal(signal.SIGKILL)
        await holder.process.wait()
        killed_at = time.monotonic()
        cpo.requests.clear()
        while probes(cpo) == 0:
            assert time.monotonic() - killed_at < 15, "nobody took the job over"
            await asyncio.sleep(0.05)
        took = time.monotonic() - killed_at
        print(f"taken over {took:.2f} s after the kill (stated: within {3 * PERIOD + 1:g} s)")
        assert await holder_pid(shared_store_url) not in (None, pid)

        cpo.requests.clear()
        await asyncio.sleep(window)
        assert probes(cpo) <= periods * 1.5 + 1, "still once per period with two processes"

"""A rolling restart loses no request: on SIGTERM, with `shutdown_drain_seconds`, the hub keeps serving while
/health/ready answers 503 (draining), so the load balancer takes it out first; then it stops cleanly."""

from __future__ import annotations

import asyncio
import signal

import aiohttp

from tests.hub_process import hub_process


async def test_sigterm_drains_before_stopping(store_url):
    async with hub_process(store_url, shutdown_drain_seconds="2") as hub:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{hub.url}/health/ready") as ready:
                assert ready.status == 200
            hub.process.send_signal(signal.SIGTERM)
            for _ in range(100):
                async with session.get(f"{hub.url}/health/ready") as ready:
                    if ready.status == 503:
                        assert (await ready.json()) == {"status": "draining"}
                        break
                await asyncio.sleep(0.02)
            else:
                raise AssertionError("readiness never said draining")
            # Still serving while the balancer notices: an OCPI request gets its answer.
            async with session.get(f"{hub.url}/ocpi/versions") as answer:
                assert answer.status == 401 and (await answer.json())["status_code"] == 2000
        assert await asyncio.wait_for(hub.process.wait(), 30) == 0, "then it stops cleanly"

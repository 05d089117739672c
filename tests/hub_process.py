"""A hub as its own operating-system process (`ocpi-hub serve`), beside in-process hubs on the same store: what
several hub processes or hosts look like."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator

import aiohttp

from tests.cli_runner import OCPI_HUB
from tests.hub_server import ADMIN_TOKEN, TEST_SECRET_KEY, free_port


class HubProcess:
    def __init__(self, store_url: str, port: int, process: asyncio.subprocess.Process) -> None:
        self.store_url = store_url
        self.port = port
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self.versions_url = f"{self.url}/ocpi/versions"

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 30)


@contextlib.asynccontextmanager
async def hub_process(store_url: str, *args: str, **settings: str) -> AsyncIterator[HubProcess]:
    """`ocpi-hub serve` on a free port; `settings` become OCPI_HUB_* variables. Yields once the hub answers."""
    port = free_port()
    environment = {
        **os.environ,
        "OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY,
        "OCPI_HUB_ADMIN_TOKEN": ADMIN_TOKEN,
        "OCPI_HUB_ROUTING_POLICY": "open",
        "OCPI_HUB_LOG_LEVEL": "warning",
        **{f"OCPI_HUB_{name.upper()}": value for name, value in settings.items()},
    }
    process = await asyncio.create_subprocess_exec(
        OCPI_HUB,
        "serve",
        "--store",
        store_url,
        "--port",
        str(port),
        *args,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    running = HubProcess(store_url, port, process)
    try:
        await _until_live(running)
        yield running
    finally:
        await running.stop()


async def _until_live(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if hub.process.returncode is not None:
                raise RuntimeError(f"ocpi-hub serve exited with {hub.process.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{hub.url}/health/live") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError("ocpi-hub serve did not answer within 30 s")

"""`ocpi-hub serve --workers 2`: a worker that dies (kill -9) is logged and started again while the other serves;
the group still stops cleanly on SIGTERM, every worker with it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

import aiohttp

from tests.cli_runner import OCPI_HUB
from tests.hub_server import TEST_SECRET_KEY, free_port


def children(pid: int) -> set[int]:
    """The hub's worker processes (not multiprocessing's resource tracker, not a zombie not yet reaped)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{child}/cmdline").read_bytes()
                state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if b"spawn_main" in command and state != "Z":
                    found.add(int(child))
    return found


async def live(url: str) -> bool:
    with contextlib.suppress(aiohttp.ClientError):
        async with aiohttp.ClientSession() as session, session.get(f"{url}/health/live") as response:
            return response.status == 200
    return False


async def test_a_worker_killed_is_started_again_and_the_group_stops_cleanly(tmp_path):
    port = free_port()
    environment = {**os.environ, "OCPI_HUB_SECRET_KEY": TEST_SECRET_KEY, "OCPI_HUB_LOG_FORMAT": "json"}
    process = await asyncio.create_subprocess_exec(
        OCPI_HUB,
        "serve",
        "--store",
        f"sqlite:///{tmp_path}/hub.db",
        "--port",
        str(port),
        "--workers",
        "2",
        stderr=asyncio.subprocess.PIPE,
        env=environment,
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    lines: list[str] = []

    async def read_log() -> None:  # all of it, so the pipe never fills
        while line := await process.stderr.readline():
            lines.append(line.decode())

    async def logged(text: str, times: int = 1) -> None:
        for _ in range(600):
            if sum(text in line for line in lines) >= times:
                return
            assert process.returncode is None, "".join(lines[-20:])
            await asyncio.sleep(0.05)
        raise AssertionError(f"not logged: {text}")

    reader = asyncio.create_task(read_log())
    everyone: set[int] = set()
    try:
        await logged('"event":"hub ready"', times=2)  # both workers serve: the group is up
        workers = children(process.pid)
        assert len(workers) == 2
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        await logged("hub worker died; starting another")
        assert await live(url), "the other worker serves meanwhile"
        await logged("hub worker started again")
        await logged('"event":"hub ready"', times=3)
        everyone = children(process.pid) | workers
        assert len(everyone - {victim}) == 2, "two workers again"
        assert await live(url)
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0, "the group stops cleanly"
        await reader
    assert children_gone(everyone), "no worker outlives the group"


def children_gone(pids: set[int]) -> bool:
    return not any(Path(f"/proc/{pid}").exists() for pid in pids)
